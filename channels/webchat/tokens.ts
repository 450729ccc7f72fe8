import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { sameSecret } from '../../bot/same-secret';
import { z } from 'zod';

/** Direct Line tokens live 30 minutes; directlinejs refreshes them every 15. */
export const TOKEN_LIFETIME_S = 1_800;

/** What a Direct Line token proves: its holder may use one conversation, as one user, until `expiresAt`. */
export interface TokenClaims {
  conversationId: string;
  userId: string;
  /** Unix seconds. */
  expiresAt: number;
}

const Payload = z.object({ conv: z.string().min(1), user: z.string().min(1), exp: z.number().int(), iat: z.number().int() });
/** Verified tokens remembered per process (see TokenService.verified). */
const VERIFIED_MAX = 20_000;
const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * Signs and verifies Direct Line tokens as compact HS256 JWTs.
 *
 * A JWT, not an opaque string, because directlinejs decodes the token to read its `user` claim
 * (and warns when the page tries to override it). The signing key is DIRECTLINE_SECRET, or, when
 * the bot runs without one, a random key created once in Redis (`SET NX`) so that every web process
 * accepts the tokens every other process issued.
 */
export class TokenService {
  private key: Promise<Buffer> | undefined;
  /**
   * Tokens this process verified, with their claims: a client sends the same token with every message for
   * 15 minutes, and the MAC, base64 and schema check of each were ~3% of a web process's work per message.
   * Keyed by the whole token string, so only a byte-identical token hits. Least recently used first out,
   * so a flood of new tokens cannot push out the ones in use; each is dropped when it expires (and its
   * expiry is compared again on every hit, against the caller's clock).
   */
  private readonly verified = new LRUCache<string, TokenClaims>({ max: VERIFIED_MAX });

  constructor(
    private readonly redis: Redis,
    private readonly keyName: string,
    private readonly secret: string | undefined,
  ) {}

  async sign(conversationId: string, userId: string, now = Date.now()): Promise<{ token: string; expires_in: number }> {
    const iat = Math.floor(now / 1000);
    const payload = Buffer.from(JSON.stringify({ conv: conversationId, user: userId, iat, exp: iat + TOKEN_LIFETIME_S })).toString('base64url');
    const body = `${HEADER}.${payload}`;
    return { token: `${body}.${this.mac(await this.signingKey(), body).toString('base64url')}`, expires_in: TOKEN_LIFETIME_S };
  }

  /** The claims of a valid, unexpired token; `undefined` for anything else (never throws on bad input). */
  async verify(token: string, now = Date.now()): Promise<TokenClaims | undefined> {
    const known = this.verified.get(token);
    if (known) return known.expiresAt * 1000 > now ? known : undefined;
    const claims = await this.check(token, now);
    if (claims) this.verified.set(token, claims, { ttl: claims.expiresAt * 1000 - now });
    return claims;
  }

  private async check(token: string, now: number): Promise<TokenClaims | undefined> {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    if (header !== HEADER) return undefined;
    const expected = this.mac(await this.signingKey(), `${header}.${payload}`);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const parsed = Payload.safeParse(parseJson(Buffer.from(payload, 'base64url').toString('utf8')));
    if (!parsed.success || parsed.data.exp * 1000 <= now) return undefined;
    return { conversationId: parsed.data.conv, userId: parsed.data.user, expiresAt: parsed.data.exp };
  }

  /** True when `candidate` is the configured DIRECTLINE_SECRET (constant time). */
  isSecret(candidate: string): boolean {
    return this.secret !== undefined && sameSecret(candidate, this.secret);
  }

  private mac(key: Buffer, body: string): Buffer {
    return createHmac('sha256', key).update(body).digest();
  }

  private signingKey(): Promise<Buffer> {
    if (this.secret) return Promise.resolve(Buffer.from(this.secret, 'utf8'));
    this.key ??= this.loadSharedKey().catch((err: unknown) => {
      this.key = undefined; // let the next request try Redis again instead of caching the failure
      throw err;
    });
    return this.key;
  }

  private async loadSharedKey(): Promise<Buffer> {
    await this.redis.set(this.keyName, randomBytes(32).toString('base64'), 'NX');
    const stored = await this.redis.get(this.keyName);
    if (!stored) throw new Error(`token signing key ${this.keyName} vanished right after SET NX`);
    return Buffer.from(stored, 'base64');
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined; // a malformed payload is an invalid token, reported by the caller as such
  }
}
