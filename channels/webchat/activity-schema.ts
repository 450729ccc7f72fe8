import { z } from 'zod';

const Attachment = z.object({
  contentType: z.string().min(1).max(255),
  contentUrl: z.string().max(2_048).optional(),
  content: z.unknown().optional(),
  name: z.string().max(255).optional(),
  thumbnailUrl: z.string().max(2_048).optional(),
});

/**
 * What a Direct Line client may post. Fields the server owns (`id`, `timestamp`, `conversation`,
 * `recipient`, `channelId`, `from.role`) are not read from the client; unknown fields are dropped.
 * Text length is not capped here: over-long text (MAX_TEXT_LENGTH) reaches the bot, which answers politely.
 */
export const PostedActivitySchema = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  attachments: z.array(Attachment).max(10).optional(),
  entities: z.array(z.looseObject({ type: z.string().max(100) })).max(20).optional(),
  value: z.unknown().optional(),
  /** Event name (`webchat/join`, …). */
  name: z.string().max(256).optional(),
  locale: z.string().max(35).optional(),
  /** The citizen's local time with offset; a Date like botbuilder's Activity (JSON turns it back into ISO text). */
  localTimestamp: z.string().max(64).transform((s) => new Date(s)).pipe(z.date()).optional(),
  localTimezone: z.string().max(64).optional(),
  replyToId: z.string().max(256).optional(),
  from: z.object({ id: z.string().min(1).max(256).optional(), name: z.string().max(256).optional() }).optional(),
  /** Web Chat puts `clientActivityID` here and matches the echo by it; we also dedupe on it. */
  channelData: z.looseObject({ clientActivityID: z.string().min(1).max(128).optional() }).optional(),
});

export type PostedActivity = z.infer<typeof PostedActivitySchema>;

/** True when a message carries nothing at all (blank text and no attachment, entity or value). */
export function isEmptyMessage(a: PostedActivity): boolean {
  return (
    (a.text === undefined || a.text.trim() === '') &&
    (a.attachments?.length ?? 0) === 0 &&
    (a.entities?.length ?? 0) === 0 &&
    a.value === undefined
  );
}
