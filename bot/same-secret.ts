import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a received secret (a webhook token, the Direct Line secret) with ours in constant time. Both
 * are hashed first, so the buffers always have the same length and the comparison leaks neither content
 * nor length.
 */
export function sameSecret(received: string | undefined, expected: string): boolean {
  if (received === undefined) return false;
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(received), digest(expected));
}
