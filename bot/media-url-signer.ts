import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sameSecret } from './same-secret';

/**
 * Expiring, signed URLs for the photos a back office downloads (Open311 `media_url`, webhook
 * `mediaUrls`): `<public>/media/signed/<name>?expires=<unix s>&sig=<HMAC-SHA256 of name and expiry>`.
 * Any web process verifies what any worker signed, so the secret is shared: MEDIA_URL_SECRET, or one
 * made once and kept in Redis.
 */
export class MediaUrlSigner {
  constructor(
    private readonly secret: string,
    private readonly urlPrefix: string,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  /** The secret from config, else the one all processes of this deployment share in Redis. */
  static async sharedSecret(redis: Redis, prefix: string, configured?: string): Promise<string> {
    if (configured) return configured;
    const key = `${prefix}:media:url-secret`;
    await redis.set(key, randomBytes(32).toString('base64url'), 'NX');
    return (await redis.get(key))!;
  }

  /** A signed URL for one of our media URLs; any other URL is returned unchanged. */
  sign(url: string, ttlSeconds: number): string {
    if (!url.startsWith(this.urlPrefix)) return url;
    const name = url.slice(this.urlPrefix.length);
    const expires = Math.floor(this.clock() / 1_000) + ttlSeconds;
    return `${this.urlPrefix}signed/${name}?expires=${expires}&sig=${this.mac(name, expires)}`;
  }

  /** `ok`, or why not: a bad signature and an expired link are told apart (403 vs 410). */
  verify(name: string, expires: string, sig: string): 'ok' | 'bad' | 'expired' {
    const at = Number(expires);
    if (!Number.isInteger(at) || !sameSecret(sig, this.mac(name, at))) return 'bad';
    return at * 1_000 < this.clock() ? 'expired' : 'ok';
  }

  private mac(name: string, expires: number): string {
    return createHmac('sha256', this.secret).update(`${name}\n${expires}`).digest('base64url');
  }
}
