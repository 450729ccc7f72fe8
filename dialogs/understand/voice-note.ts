import type { Activity, Attachment, Entity, TurnContext } from 'botbuilder';
import type { Locale } from '../../catalog/schema';
import type { Logger } from '../../bot/logger';
import { AppError } from '../../bot/errors';
import type { SpeechToText } from './speech-to-text';

/**
 * The entity a message carries when its text was transcribed from its voice note: kept in the activity,
 * so the SQL transcript (which stores entities) and the console can say "transcribed from a voice note".
 */
export const TRANSCRIBED_ENTITY = 'citybot.transcribed';

/** The message's voice note: its first audio attachment with a URL. */
export function voiceNoteOf(activity: Partial<Activity>): Attachment | undefined {
  return (activity.attachments ?? []).find((a) => a.contentType?.startsWith('audio/') && typeof a.contentUrl === 'string');
}

/** The text of this message was transcribed from its voice note (see TRANSCRIBED_ENTITY). */
export function isTranscribed(activity: Partial<Activity>): boolean {
  return (activity.entities ?? []).some((e: Entity) => e.type === TRANSCRIBED_ENTITY);
}

/**
 * A message with a voice note and no text gets the transcript as its text, in place, so that it takes
 * exactly the path of a typed message (the turn worker writes the inbound transcript line from this same
 * activity after the turn). The audio attachment stays for agents. Any failure is logged and leaves the
 * message as it was: the engine then asks the citizen to type.
 */
export async function transcribeVoiceNote(ctx: TurnContext, speech: SpeechToText, locale: Locale, log: Logger): Promise<void> {
  const a = ctx.activity;
  if (a.type !== 'message' || a.text?.trim()) return;
  const audio = voiceNoteOf(a);
  if (!audio) return;
  try {
    const text = await speech.transcribe({ contentUrl: audio.contentUrl!, ...(audio.contentType ? { contentType: audio.contentType } : {}) }, locale);
    a.text = text;
    a.entities = [...(a.entities ?? []), { type: TRANSCRIBED_ENTITY, contentType: audio.contentType ?? 'audio' }];
    log.info({ channel: a.channelId, chars: text.length }, 'voice note transcribed');
  } catch (err) {
    // The message (err.message) names no citizen data; the cause may hold the server's address only.
    const code = err instanceof AppError ? err.code : undefined;
    log.warn({ channel: a.channelId, code, reason: err instanceof Error ? err.message : String(err) }, 'voice note not transcribed: asking the citizen to type');
  }
}
