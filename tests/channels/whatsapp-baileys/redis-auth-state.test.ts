import { Curve, proto, signedKeyPair } from '@whiskeysockets/baileys';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadRedisAuthState } from '../../../channels/whatsapp-baileys/redis-auth-state';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';

/* The Baileys session in Redis: what is saved comes back byte for byte in a fresh process. */

let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis = redisClient();
  prefix = `${testPrefix()}:wa:auth`;
});
afterEach(async () => {
  await dropPrefix(redis, prefix.split(':')[0]!);
  await redis.quit();
});

describe('loadRedisAuthState', () => {
  it('starts with fresh creds when Redis has none', async () => {
    const auth = await loadRedisAuthState(redis, prefix);
    expect(auth.state.creds.registered).toBe(false);
    expect(Buffer.isBuffer(auth.state.creds.noiseKey.public)).toBe(true);
  });

  it('reloads creds and signal keys identical, Buffers intact, in a fresh instance', async () => {
    const auth = await loadRedisAuthState(redis, prefix);
    auth.state.creds.registered = true;
    auth.state.creds.me = { id: '34900000000:7@s.whatsapp.net', lid: '1234@lid' };
    await auth.saveCreds();
    const preKey = Curve.generateKeyPair();
    const session = Buffer.from('a libsignal session record');
    const syncKey = proto.Message.AppStateSyncKeyData.fromObject({ keyData: Buffer.from([1, 2, 3]), timestamp: 1_700_000_000 });
    await auth.state.keys.set({
      'pre-key': { '1': preKey, '2': Curve.generateKeyPair() },
      session: { '34611000111.0': session },
      'app-state-sync-key': { AAAAAJZ0: syncKey },
      'lid-mapping': { '34611000111': '1234' },
      'sender-key-memory': { '1203630@g.us': { '34611000111@s.whatsapp.net': true } },
    });

    const fresh = await loadRedisAuthState(redis, prefix);
    expect(fresh.state.creds).toEqual(auth.state.creds);
    expect(Buffer.isBuffer(fresh.state.creds.signedIdentityKey.private)).toBe(true);
    expect(Buffer.from(fresh.state.creds.signedIdentityKey.private).equals(Buffer.from(auth.state.creds.signedIdentityKey.private))).toBe(true);
    const keys = fresh.state.keys;
    const preKeys = await keys.get('pre-key', ['1', '2', '3']);
    expect(Object.keys(preKeys).sort()).toEqual(['1', '2']);
    expect(Buffer.from(preKeys['1']!.private).equals(Buffer.from(preKey.private))).toBe(true);
    expect(Buffer.isBuffer(preKeys['1']!.public)).toBe(true);
    expect(Buffer.from((await keys.get('session', ['34611000111.0']))['34611000111.0']!).equals(session)).toBe(true);
    const sync = (await keys.get('app-state-sync-key', ['AAAAAJZ0'])).AAAAAJZ0!;
    expect(sync).toBeInstanceOf(proto.Message.AppStateSyncKeyData);
    expect(Buffer.from(sync.keyData!).equals(Buffer.from([1, 2, 3]))).toBe(true);
    expect(await keys.get('lid-mapping', ['34611000111'])).toEqual({ '34611000111': '1234' });
    expect(await keys.get('sender-key-memory', ['1203630@g.us'])).toEqual({ '1203630@g.us': { '34611000111@s.whatsapp.net': true } });
  });

  it('keeps a signed pre-key made by Baileys usable after the round trip', async () => {
    const auth = await loadRedisAuthState(redis, prefix);
    // As Baileys itself does on creds.update: the creds type marks it read-only.
    Object.assign(auth.state.creds, { signedPreKey: signedKeyPair(auth.state.creds.signedIdentityKey, 7) });
    await auth.saveCreds();
    const fresh = await loadRedisAuthState(redis, prefix);
    expect(fresh.state.creds.signedPreKey.keyId).toBe(7);
    expect(Buffer.from(fresh.state.creds.signedPreKey.signature).equals(Buffer.from(auth.state.creds.signedPreKey.signature))).toBe(true);
  });

  it('writes a batch in one MULTI, deleting the keys set to null', async () => {
    const auth = await loadRedisAuthState(redis, prefix);
    await auth.state.keys.set({ 'pre-key': { '1': Curve.generateKeyPair(), '2': Curve.generateKeyPair() } });
    const multi = vi.spyOn(redis, 'multi');
    await auth.state.keys.set({ 'pre-key': { '1': null }, session: { a: Buffer.from('s') }, 'device-list': { u: ['0', '3'] } });
    expect(multi).toHaveBeenCalledTimes(1);
    expect(Object.keys(await auth.state.keys.get('pre-key', ['1', '2']))).toEqual(['2']);
    expect(await redis.hkeys(`${prefix}:keys:pre-key`)).toEqual(['2']);
    expect(await auth.state.keys.get('device-list', ['u'])).toEqual({ u: ['0', '3'] });
  });

  it('clear forgets the session and starts new creds for the next pairing', async () => {
    const auth = await loadRedisAuthState(redis, prefix);
    const old = auth.state.creds;
    old.registered = true;
    await auth.saveCreds();
    await auth.state.keys.set({ session: { a: Buffer.from('s') } });
    await auth.clear();
    expect(auth.state.creds).not.toBe(old);
    expect(auth.state.creds.registered).toBe(false);
    expect(await redis.exists(`${prefix}:creds`, `${prefix}:keys:session`)).toBe(0);
    expect((await loadRedisAuthState(redis, prefix)).state.creds.registered).toBe(false);
  });
});
