import type { Attachment } from 'botbuilder';
import type { Clock } from '../bot/clock';
import type { MediaStore } from '../bot/media-store';
import type { Db } from '../bot/sql/database';
import type { Locale } from '../catalog/schema';
import type { CitizenDataPort } from '../dialogs/engine-deps';
import { t } from '../dialogs/i18n';
import { collectCitizenData } from './citizen-data';
import { readableCopy } from './readable-copy';

/** A copy's links work for a day: long enough to download it, short enough not to linger in a chat. */
export const DATA_COPY_LINK_TTL_S = 86_400;

/**
 * A citizen's copy of their own data (GDPR art. 15) as two files on their channel: the complete JSON
 * and a readable text, stored with the media and handed out through links signed for a day.
 */
export class DataCopies implements CitizenDataPort {
  constructor(
    private readonly deps: {
      db: Db;
      media: MediaStore;
      /** Moves transcript lines still waiting in Redis to SQL, so the copy has every earlier message. */
      flushTranscripts?: () => Promise<void>;
      clock?: Clock;
    },
  ) {}

  async copyFor(citizenId: string, locale: Locale): Promise<Attachment[]> {
    await this.deps.flushTranscripts?.();
    const now = new Date(this.deps.clock?.() ?? Date.now());
    const data = await collectCitizenData(this.deps.db, citizenId, now);
    const stamp = data.madeAt.slice(0, 10);
    const base = `${t(locale, 'myData.file.name')}-${stamp}`;
    const [json, text] = await Promise.all([
      this.deps.media.saveGenerated({ filename: `${base}.json`, data: Buffer.from(JSON.stringify(data, null, 2)) }, 'json'),
      this.deps.media.saveGenerated({ filename: `${base}.txt`, data: Buffer.from(readableCopy(data, locale)) }, 'txt'),
    ]);
    return [json, text].map((f) => ({ contentType: f.contentType.split(';')[0]!, name: f.name, contentUrl: this.deps.media.signedUrl(f.contentUrl, DATA_COPY_LINK_TTL_S) }));
  }
}
