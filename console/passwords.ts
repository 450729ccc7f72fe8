import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { WeakPasswordError } from '../bot/errors';

/** scrypt's work factors. Stored with every hash, so raising them later leaves old hashes valid. */
export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/**
 * Production cost: N=2^15, r=8, p=1 (32 MiB and ~50–100 ms per hash), OWASP's minimum for scrypt.
 * Only tests pass a lower one.
 */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = Object.freeze({ N: 2 ** 15, r: 8, p: 1 });

/** Shortest and longest password accepted for a new or changed password (in characters). */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 256;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
// Refuse stored parameters that would make one login allocate gigabytes (a tampered or corrupt row).
const MAX_N = 2 ** 20;
const MAX_RP = 64;

/**
 * Throws WeakPasswordError unless `plain` has 10 to 256 characters. Length is the one rule that helps
 * (NIST SP 800-63B); composition rules only make people write them down.
 */
export function checkPasswordStrength(plain: string): void {
  const length = [...normalize(plain)].length;
  if (length < PASSWORD_MIN_LENGTH) throw new WeakPasswordError(`the password needs at least ${PASSWORD_MIN_LENGTH} characters`);
  if (length > PASSWORD_MAX_LENGTH) throw new WeakPasswordError(`the password may have at most ${PASSWORD_MAX_LENGTH} characters`);
}

/**
 * Hashes a new password into the self-describing form `scrypt$N$r$p$salt$hash` (base64url parts).
 * Throws WeakPasswordError for a password outside 10–256 characters.
 *
 * @example
 * const stored = await hashPassword('correct horse battery');
 * await verifyPassword('correct horse battery', stored); // true
 */
export async function hashPassword(plain: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  checkPasswordStrength(plain);
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(normalize(plain), salt, KEY_BYTES, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * Whether `plain` is the password behind `stored`, with the parameters read from `stored` and a
 * constant-time comparison. A malformed `stored` string never verifies (it is not an error: the login
 * answer must not differ).
 */
export async function verifyPassword(plain: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const key = await derive(normalize(plain), parsed.salt, parsed.hash.length, parsed.cost);
  return timingSafeEqual(key, parsed.hash);
}

// The same password typed on a Mac and on Windows can reach us as different code points (é vs e + ´).
const normalize = (plain: string): string => plain.normalize('NFKC');

function parse(stored: string): { cost: ScryptCost; salt: Buffer; hash: Buffer } | undefined {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  const salt = Buffer.from(parts[4]!, 'base64url');
  const hash = Buffer.from(parts[5]!, 'base64url');
  const powerOfTwo = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & (N - 1)) === 0;
  const small = (v: number) => Number.isInteger(v) && v >= 1 && v <= MAX_RP;
  if (!powerOfTwo || !small(r) || !small(p) || salt.length === 0 || hash.length < 16) return undefined;
  return { cost: { N, r, p }, salt, hash };
}

function derive(plain: string, salt: Buffer, length: number, { N, r, p }: ScryptCost): Promise<Buffer> {
  // scrypt needs about 128·N·r bytes; node's default ceiling (32 MiB) is exactly what N=2^15, r=8 needs
  // and so fails it. Allow twice the need.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(plain, salt, length, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
