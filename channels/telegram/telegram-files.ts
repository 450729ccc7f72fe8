import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ChannelUnavailableError, UnsupportedMediaError } from '../../bot/errors';
import { MAX_MEDIA_BYTES, type MediaStore, type StoredMedia } from '../../bot/media-store';
import type { BotApi } from './bot-api';
import type { TelegramFileRef } from './telegram-update';

const DOWNLOAD_TIMEOUT_MS = 20_000;

/**
 * Copies a file a citizen sent (photo, voice note) from Telegram into our MediaStore, so attachments
 * point to our own `/media/…` URL: Telegram's file links expire after an hour and carry the bot token.
 */
export class TelegramFiles {
  constructor(
    private readonly api: BotApi,
    private readonly media: MediaStore,
  ) {}

  /**
   * Throws UnsupportedMediaError for a file we do not keep (type, size, or one Telegram will not hand
   * over), ChannelUnavailableError when Telegram cannot be reached (the update is tried again).
   */
  async store(file: TelegramFileRef, filename: string, imagesOnly: boolean): Promise<StoredMedia> {
    if ((file.file_size ?? 0) > MAX_MEDIA_BYTES) throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
    const info = await this.api.call('getFile', { file_id: file.file_id });
    // Without a path the Bot API refuses to serve the file (over its 20 MB download limit).
    if (!info.file_path) throw new UnsupportedMediaError('telegram will not serve this file');
    const data = await this.download(info.file_path);
    if (data.length > MAX_MEDIA_BYTES) throw new UnsupportedMediaError(`media over ${MAX_MEDIA_BYTES} bytes`);
    return this.media.save({ filename, data }, { imagesOnly });
  }

  private async download(filePath: string): Promise<Buffer> {
    // A self-hosted Bot API server in --local mode answers with a path on its own disk.
    if (path.isAbsolute(filePath)) return readFile(filePath);
    let res: Response;
    try {
      res = await fetch(this.api.fileUrl(filePath), { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    } catch (err) {
      // Not the fetch error itself: its cause may name the URL, which holds the bot token.
      throw new ChannelUnavailableError(`telegram file download failed: ${(err as Error).name}`);
    }
    if (res.status === 429 || res.status >= 500) throw new ChannelUnavailableError(`telegram file download answered ${res.status}`);
    if (!res.ok) throw new UnsupportedMediaError(`telegram file download answered ${res.status}`);
    return Buffer.from(await res.arrayBuffer());
  }
}
