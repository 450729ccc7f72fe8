import { createHmac } from 'node:crypto';
import { sameSecret } from '../../bot/same-secret';

/**
 * Both directions of the webhook connector sign the same way (the protocol is written out in
 * webhook-client.ts):
 *
 * ```
 * X-Timestamp: <unix seconds>
 * X-Signature: sha256=<hex HMAC-SHA256(secret, "<X-Timestamp>.<raw body>")>
 * ```
 *
 * The timestamp is inside the MAC, so an old request cannot be replayed with a fresh timestamp; a replay
 * inside the window is the receiver's to refuse (status-receiver.ts remembers accepted signatures).
 */
export const TIMESTAMP_HEADER = 'x-timestamp';
/** @see TIMESTAMP_HEADER */
export const SIGNATURE_HEADER = 'x-signature';

/** How far (either way) a request's timestamp may be from the receiver's clock, in seconds. */
export const REPLAY_WINDOW_SECONDS = 300;

/** Why `verify` refused a request. */
export type SignatureFailure = 'missing_headers' | 'malformed_timestamp' | 'stale_timestamp' | 'bad_signature';

/** What `verify` found: the accepted signature's hex digest (a replay key), or why it refused. */
export type Verification = { ok: true; digest: string } | { ok: false; reason: SignatureFailure };

/** Request headers as Node (and Express) give them: lower-case names. */
export type SignatureHeaders = Readonly<Record<string, string | string[] | undefined>>;

/**
 * The `X-Signature` value for a body sent at `timestamp`.
 *
 * @param timestamp - unix seconds, exactly as sent in `X-Timestamp`.
 * @example sign('s3cret', 1767225600, '{"event":"ticket.created",…}') // 'sha256=9f2c…'
 */
export function sign(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `sha256=${hmacHex(secret, String(timestamp), body)}`;
}

/**
 * Checks a received request: both headers present, the timestamp within ±{@link REPLAY_WINDOW_SECONDS}
 * of `nowMs`, and the signature right, compared in constant time.
 *
 * @param rawBody - the exact bytes received: re-serialised JSON would not match.
 * @param nowMs - the receiver's clock in milliseconds (`Date.now()`); the header is in seconds.
 */
export function verify(secret: string, headers: SignatureHeaders, rawBody: string | Buffer, nowMs: number): Verification {
  const timestamp = headers[TIMESTAMP_HEADER];
  const signature = headers[SIGNATURE_HEADER];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return { ok: false, reason: 'missing_headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed_timestamp' };
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > REPLAY_WINDOW_SECONDS) return { ok: false, reason: 'stale_timestamp' };
  const digest = hmacHex(secret, timestamp, rawBody);
  // Hex is case-insensitive; lower-casing first keeps an upper-case sender working.
  if (!sameSecret(signature.trim().toLowerCase(), `sha256=${digest}`)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, digest };
}

function hmacHex(secret: string, timestamp: string, body: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex');
}
