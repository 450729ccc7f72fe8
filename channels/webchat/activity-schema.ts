import { z } from 'zod';
import { MAX_JSON_DEPTH, withinJsonBounds } from '../../bot/json-bounds';

/**
 * Most a free-form field (`value`, `channelData`, one entity, one attachment's `content`) may weigh, as
 * JSON. Web Chat's are well under 1 KB; the bound keeps one activity from filling the stream and every
 * follower's socket with what the bot never reads.
 */
export const MAX_FREE_FORM_BYTES = 32 * 1024;
const freeForm = <T extends z.ZodType>(schema: T) => schema.superRefine(withinJsonBounds({ maxBytes: MAX_FREE_FORM_BYTES }));

const Attachment = z.object({
  contentType: z.string().min(1).max(255),
  contentUrl: z.string().max(2_048).optional(),
  content: freeForm(z.unknown()).optional(),
  name: z.string().max(255).optional(),
  thumbnailUrl: z.string().max(2_048).optional(),
});

/**
 * What a Direct Line client may post, once it is known to nest at most MAX_JSON_DEPTH levels (see
 * PostedActivitySchema). Fields the server owns (`id`, `timestamp`, `conversation`,
 * `recipient`, `channelId`, `from.role`) are not read from the client; unknown fields are dropped.
 * Text length is not capped here: over-long text (MAX_TEXT_LENGTH) reaches the bot, which answers politely.
 */
const PostedActivityObject = z.object({
  type: z.enum(['message', 'event', 'typing']),
  text: z.string().optional(),
  textFormat: z.enum(['plain', 'markdown', 'xml']).optional(),
  attachments: z.array(Attachment).max(10).optional(),
  entities: z.array(freeForm(z.looseObject({ type: z.string().max(100) }))).max(20).optional(),
  value: freeForm(z.unknown()).optional(),
  /** Event name (`webchat/join`, …). */
  name: z.string().max(256).optional(),
  locale: z.string().max(35).optional(),
  /** The citizen's local time with offset; a Date like botbuilder's Activity (JSON turns it back into ISO text). */
  localTimestamp: z.string().max(64).transform((s) => new Date(s)).pipe(z.date()).optional(),
  localTimezone: z.string().max(64).optional(),
  replyToId: z.string().max(256).optional(),
  from: z.object({ id: z.string().min(1).max(256).optional(), name: z.string().max(256).optional() }).optional(),
  /** Web Chat puts `clientActivityID` here and matches the echo by it; we also dedupe on it. */
  channelData: freeForm(z.looseObject({ clientActivityID: z.string().min(1).max(128).optional() })).optional(),
});

/**
 * A posted activity: its depth is checked first, without recursion, and only then is it parsed (zod and
 * the stream's JSON.stringify recurse; 8,000 levels overflowed the stack, issue 12). Errors are ZodErrors.
 */
export const PostedActivitySchema = z.unknown().superRefine(withinJsonBounds({ maxDepth: MAX_JSON_DEPTH })).pipe(PostedActivityObject);

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
