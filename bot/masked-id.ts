/**
 * A phone number, a WhatsApp id (the citizen's phone number) or a jid must not reach the logs. Every
 * run of seven or more digits (with its "+") becomes "…" and its last three digits: enough to tell two
 * conversations apart in an incident, not enough to call anyone.
 *
 * @example
 * maskedId('34600111222');                       // "…222"
 * maskedId('34600111222@s.whatsapp.net');        // "…222@s.whatsapp.net"
 * maskedId('whatsapp-cloud:34600111222');        // "whatsapp-cloud:…222"
 * maskedId('dl_Qm9vbGVhbi1yYW5kb20');            // unchanged: a web chat id is no phone number
 */
export const maskedId = (id: string): string => id.replace(PHONE_DIGITS, (digits) => `…${digits.slice(-3)}`);

const PHONE_DIGITS = /\+?\d{7,}/g;

/**
 * Log fields that can carry a conversation id or a phone number: a WhatsApp conversation is named by
 * the citizen's number (`whatsapp-cloud`, Baileys jids), a Telegram one by the user's chat id.
 */
const ID_FIELDS: ReadonlySet<string> = new Set([
  'conversationId', 'conversation', 'conversationKey', 'from', 'to', 'recipient', 'phone', 'waId', 'wa_id', 'jid', 'remoteJid',
  'userId', 'user', 'chatId', 'key', 'ref',
]);
/** Deep enough for `{ ref: { conversationId } }` and `{ activity: { conversation: { id } } }`. */
const MAX_DEPTH = 3;

/**
 * `fields` (a log line's object, or a child logger's bindings) with the ids in ID_FIELDS masked, at
 * the top level and inside plain objects (`activity.from.id`). Errors and other class instances are
 * left to pino's serializers. Returns the same object when nothing needed masking.
 */
export function maskIdsIn<T extends Record<string, unknown>>(fields: T): T {
  return maskObject(fields, false, 0) as T;
}

/**
 * One id field's value masked (a string, a number, or a plain object or list of them), for pino
 * serializers: they also reach a child logger's bindings, where pino runs no log formatter.
 */
export const maskedIdField = (value: unknown): unknown => maskValue(value, true, 1);

/** The log fields that may carry a conversation id or a phone number. */
export const idFields = (): readonly string[] => [...ID_FIELDS];

function maskObject(value: Record<string, unknown>, underIdField: boolean, depth: number): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const [key, v] of Object.entries(value)) {
    const masked = maskValue(v, underIdField || ID_FIELDS.has(key), depth + 1);
    if (masked !== v) (copy ??= { ...value })[key] = masked;
  }
  return copy ?? value;
}

function maskValue(value: unknown, isId: boolean, depth: number): unknown {
  if (typeof value === 'string') return isId ? maskedId(value) : value;
  if (typeof value === 'number') return isId && Number.isInteger(value) ? maskedId(String(value)) : value;
  if (Array.isArray(value) && depth <= MAX_DEPTH) {
    const items = value.map((item: unknown) => maskValue(item, isId, depth + 1));
    return items.some((item, i) => item !== value[i]) ? items : value;
  }
  if (depth > MAX_DEPTH || value === null || typeof value !== 'object' || !isPlain(value)) return value;
  return maskObject(value as Record<string, unknown>, isId, depth);
}

const isPlain = (value: object): boolean => {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
};
