/**
 * How old a citizen message may be, by the `timestamp` Meta gave it, and still be taken. Meta delivers
 * a webhook again, for days, until it gets a 200; the ids of messages taken are remembered for one
 * day (the inbound queue's dedupe, HeldMessages' seen ids). A message delivered again after that
 * would be answered a second time, so anything older than that day is refused instead: every message
 * taken was first seen no earlier than it was sent, so its id is still remembered while it is younger.
 */
export const MAX_MESSAGE_AGE_MS = 86_400_000;

/**
 * Whether a message Meta says was sent at `timestamp` (Unix seconds, as text) is too old to take at
 * `now`. A message without a readable timestamp is taken: there is nothing to judge it by.
 */
export function isTooOld(timestamp: string | undefined, now: number): boolean {
  const sentAt = Number(timestamp) * 1_000;
  return Number.isFinite(sentAt) && sentAt > 0 && now - sentAt > MAX_MESSAGE_AGE_MS;
}
