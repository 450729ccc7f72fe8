import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis } from 'rate-limiter-flexible';
import { secondsToWait } from '../bot/rate-limit-wait';

export interface LoginLimiterOptions {
  /** Failed logins allowed per e-mail per window. @defaultValue 5 */
  perEmail?: number;
  /** Failed logins allowed per IP address per window (an office behind one NAT shares it). @defaultValue 20 */
  perIp?: number;
  /** @defaultValue 900 (15 minutes) */
  windowSeconds?: number;
}

/**
 * Brute-force protection for the console login, shared by every web process through Redis: at most
 * 5 failed attempts per e-mail and 20 per IP address in a fixed 15-minute window (from the first failure).
 * E-mails are hashed in key names so Redis holds no addresses.
 *
 * @example
 * const wait = await limiter.attempt(email, req.ip);
 * if (wait > 0) return res.status(429).set('Retry-After', String(wait)).json(...);
 * if (passwordOk) await limiter.succeeded(email, req.ip);
 */
export class LoginLimiter {
  private readonly byEmail: RateLimiterRedis;
  private readonly byIp: RateLimiterRedis;

  constructor(redis: Redis, prefix: string, options: LoginLimiterOptions = {}) {
    const duration = options.windowSeconds ?? 15 * 60;
    const keyPrefix = `${prefix}:console:login-fail`;
    this.byEmail = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:email`, points: options.perEmail ?? 5, duration });
    this.byIp = new RateLimiterRedis({ storeClient: redis, keyPrefix: `${keyPrefix}:ip`, points: options.perIp ?? 20, duration });
  }

  /**
   * Call before checking a password. Returns 0 when the attempt may go ahead (it is counted as a
   * failure until `succeeded` says otherwise), else the seconds to wait (for Retry-After).
   *
   * Counting *before* the password is checked is what makes the limit hold against parallel guesses:
   * each count is one atomic INCRBY, so 100 simultaneous requests get 5 tries, not 100. A refused
   * attempt is given back on both counters, so hammering a locked e-mail costs its office's IP nothing.
   */
  async attempt(email: string, ip: string): Promise<number> {
    const ipWait = await secondsToWait(this.byIp, ip);
    if (ipWait > 0) {
      await this.byIp.reward(ip);
      return ipWait;
    }
    const emailKey = emailDigest(email);
    const emailWait = await secondsToWait(this.byEmail, emailKey);
    if (emailWait > 0) await Promise.all([this.byEmail.reward(emailKey), this.byIp.reward(ip)]);
    return emailWait;
  }

  /**
   * Call after a correct password: it was no failure. Forgets the e-mail's count and gives the IP its
   * attempt back (a busy office logging in at 8:00 must not lock itself out) — only while the IP's
   * window lasts, so successes cannot bank extra tries for a later window.
   */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.byEmail.delete(emailDigest(email));
    const ipCount = await this.byIp.get(ip);
    if (ipCount && ipCount.consumedPoints > 0) await this.byIp.reward(ip);
  }
}

/** E-mails are hashed in key names so Redis holds no addresses. */
const emailDigest = (email: string): string => createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
