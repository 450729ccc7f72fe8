import { describe, expect, it } from 'vitest';
import { WeakPasswordError } from '../../bot/errors';
import { DEFAULT_SCRYPT_COST, hashPassword, verifyPassword } from '../../console/passwords';

// Cheap parameters for everything that is not about the production default (N=2^15 costs ~100 ms a hash).
const CHEAP = { N: 1024, r: 8, p: 1 };

describe('passwords', () => {
  it('hashes with scrypt N=2^15, r=8, p=1, a 16-byte salt and a 32-byte key by default, and verifies', async () => {
    const stored = await hashPassword('correct horse battery');
    const [scheme, N, r, p, salt, hash, ...rest] = stored.split('$');
    expect([scheme, N, r, p]).toEqual(['scrypt', '32768', '8', '1']);
    expect(Buffer.from(salt!, 'base64url')).toHaveLength(16);
    expect(Buffer.from(hash!, 'base64url')).toHaveLength(32);
    expect(rest).toEqual([]);
    expect(await verifyPassword('correct horse battery', stored)).toBe(true);
    expect(await verifyPassword('correct horse batterY', stored)).toBe(false);
  });

  it('salts every hash, so one password never gives the same string twice', async () => {
    const [a, b] = await Promise.all([hashPassword('same password', CHEAP), hashPassword('same password', CHEAP)]);
    expect(a).not.toBe(b);
  });

  it('reads the cost back from the stored string, so hashes made before a cost change still verify', async () => {
    const old = await hashPassword('an older password', CHEAP);
    expect(old.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('an older password', old)).toBe(true);
    expect(DEFAULT_SCRYPT_COST.N).toBe(2 ** 15);
  });

  it('treats the composed and decomposed forms of an accented password as the same password', async () => {
    const stored = await hashPassword('contraseña segura', CHEAP);
    expect(await verifyPassword('contrasen\u0303a segura', stored)).toBe(true);
  });

  it('refuses passwords under 10 or over 256 characters with E_WEAK_PASSWORD', async () => {
    await expect(hashPassword('123456789', CHEAP)).rejects.toBeInstanceOf(WeakPasswordError);
    await expect(hashPassword('x'.repeat(257), CHEAP)).rejects.toMatchObject({ code: 'E_WEAK_PASSWORD' });
    // Characters, not UTF-16 units: ten emoji are ten characters.
    await expect(hashPassword('🔒'.repeat(10), CHEAP)).resolves.toMatch(/^scrypt\$/);
    await expect(hashPassword('x'.repeat(256), CHEAP)).resolves.toMatch(/^scrypt\$/);
  });

  it('never verifies a malformed or absurd stored string', async () => {
    const good = await hashPassword('a fine password', CHEAP);
    const parts = good.split('$');
    const variants = [
      '', 'plain', good.replace('scrypt$', 'bcrypt$'), `${good}$extra`,
      [...parts.slice(0, 1), '1000', ...parts.slice(2)].join('$'), // N not a power of two
      [...parts.slice(0, 1), String(2 ** 30), ...parts.slice(2)].join('$'), // would allocate 128 GiB
      [...parts.slice(0, 5), 'c2hvcnQ'].join('$'), // 5-byte hash
    ];
    for (const v of variants) expect(await verifyPassword('a fine password', v)).toBe(false);
  });
});
