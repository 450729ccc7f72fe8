import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Meta signs every webhook POST with the app secret: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of
 * the raw body>`. The check runs over the exact bytes received (a re-serialised JSON would differ) and
 * compares in constant time, so response timing says nothing about how close a forgery came.
 */
export function isValidSignature(header: string | undefined, rawBody: Buffer, appSecret: string): boolean {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const expected = createHmac('sha256', appSecret).update(rawBody).digest();
  return timingSafeEqual(Buffer.from(match[1]!, 'hex'), expected);
}

/** The header value Meta would send for `rawBody` (tests and tools sign with it). */
export function signatureOf(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}
