import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LoginLimiterOptions {
  /** Failed logins allowed per e-mail per window. @defaultValue 5 */
  perEmail?: number;
  /** Failed logins allowed per IP address per window (an office behind one NAT shares it). @defaultValue 20 */
  perIp?: number;
  /** @defaultValue 900 (15 minutes) */
  windowSeconds?: number;
}

/**
 * KEYS: e-mail counter, IP counter. ARGV: perEmail, perIp, windowSeconds.
 * Refuses (returns the seconds until the fullest counter expires) when either counter is at its limit;
 * otherwise counts the attempt on both and returns 0. Counting *before* the password is checked is what
 * makes the limit hold against parallel guesses: 100 simultaneous requests get 5 tries, not 100.
 */
const ATTEMPT_LUA = `
local wait = 0
local limits = { tonumber(ARGV[1]), tonumber(ARGV[2]) }
for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') >= limits[i] then
    local ttl = redis.call('TTL', KEYS[i])
    if ttl < 1 then ttl = 1 end
    if ttl > wait then wait = ttl end
  end
end
if wait > 0 then return wait end
for i = 1, 2 do
  if redis.call('INCR', KEYS[i]) == 1 then redis.call('EXPIRE', KEYS[i], ARGV[3]) end
end
return 0`;

/**
 * KEYS: e-mail counter, IP counter. A successful login was no failure: forget the e-mail's count and
 * give the IP its attempt back (a busy office logging in at 8:00 must not lock itself out).
 */
const SUCCEEDED_LUA = `
redis.call('DEL', KEYS[1])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 0`;

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
  private readonly perEmail: number;
  private readonly perIp: number;
  private readonly windowSeconds: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    options: LoginLimiterOptions = {},
  ) {
    this.perEmail = options.perEmail ?? 5;
    this.perIp = options.perIp ?? 20;
    this.windowSeconds = options.windowSeconds ?? 15 * 60;
  }

  /**
   * Call before checking a password. Returns 0 when the attempt may go ahead (it is counted as a
   * failure until `succeeded` says otherwise), else the seconds to wait (for Retry-After).
   */
  async attempt(email: string, ip: string): Promise<number> {
    // EVAL rather than defineCommand: logins are rare, and this keeps ioredis' command types untouched.
    const wait = await this.redis.eval(ATTEMPT_LUA, 2, this.emailKey(email), this.ipKey(ip), this.perEmail, this.perIp, this.windowSeconds);
    return Number(wait);
  }

  /** Call after a correct password: resets the e-mail's counter and takes back the IP's attempt. */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.redis.eval(SUCCEEDED_LUA, 2, this.emailKey(email), this.ipKey(ip));
  }

  private emailKey(email: string): string {
    const digest = createHash('sha256').update(email.trim().toLowerCase()).digest('hex');
    return `${this.prefix}:console:login-fail:email:${digest}`;
  }

  private ipKey(ip: string): string {
    return `${this.prefix}:console:login-fail:ip:${ip}`;
  }
}
