/**
 * A WhatsApp id is the citizen's phone number, which must not reach the logs. Logs name a
 * conversation by this instead: enough to tell two apart in an incident, not enough to call anyone.
 */
export const maskedId = (waId: string): string => `…${waId.slice(-3)}`;
