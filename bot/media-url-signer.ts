import { createHmac, randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { mediaNameOf } from './media-url';
import { sameSecret } from './same-secret';

/**
 * Expiring, signed URLs for our media, the only way to fetch one without a Direct Line token (see
 * MediaStore.handler): for back offices (Open311 `media_url`, webhook `mediaUrls`), the agent console,
 * the web chat's own `<img>` tags and messaging platforms that fetch an image by link:
 * `<public>/media/signed/<name>?expires=<unix s>&sig=<HMAC-SHA256 of name and expiry>`.
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

  /**
   * A signed URL for one of our media URLs; any other URL (another host's, or a look-alike of ours
   * such as `<prefix>../x`, see mediaNameOf) is returned unchanged, unsigned.
   */
  sign(url: string, ttlSeconds: number): string {
    const name = mediaNameOf(url, this.urlPrefix);
    if (name === undefined) return url;
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
