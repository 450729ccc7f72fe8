import type { Db } from '../../bot/sql/database';
import { eventually } from './redis';

/** A citizen's voice note as the SQL transcript keeps it: what agents read, the audio they play, the mark. */
export interface VoiceLine {
  text: string;
  audio: Array<{ contentType: string; contentUrl: string }>;
  /** Entity `citybot.transcribed`: the text came from speech-to-text. */
  transcribed: boolean;
}

/**
 * The inbound lines with audio of the conversations whose id contains `conversation` (a chat id, a jid),
 * once there are `count` of them (the transcript is written after the turn, through its outbox).
 */
export async function voiceLines(db: Db, conversation: string, count = 1): Promise<VoiceLine[]> {
  let lines: VoiceLine[] = [];
  await eventually(async () => {
    const rows = await db.kysely.selectFrom('messages').select(['text', 'attachments', 'entities'])
      .where('direction', '=', 'in').where('conversation_id', 'like', `%${conversation}%`).where('attachments', 'like', '%audio/%')
      .orderBy('id').execute();
    lines = rows.map((r) => ({
      text: r.text ?? '',
      audio: (JSON.parse(r.attachments ?? '[]') as VoiceLine['audio']).filter((a) => a.contentType.startsWith('audio/')),
      transcribed: (r.entities ?? '').includes('citybot.transcribed'),
    }));
    return lines.length >= count;
  }, 10_000, `${count} voice line(s) of ${conversation} in the SQL transcript`);
  return lines;
}
