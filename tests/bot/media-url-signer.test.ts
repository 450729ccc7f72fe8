import { describe, expect, it } from 'vitest';
import { MediaUrlSigner } from '../../bot/media-url-signer';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

const PREFIX = 'https://bot.example/media/';
const NAME = 'AbCdEfGhIjKlMnOpQrStUvWx.png';

describe('MediaUrlSigner', () => {
  it('signs our media URLs with an expiry, and verifies them until they expire', () => {
    let now = Date.parse('2026-11-25T10:00:00Z');
    const signer = new MediaUrlSigner('a-secret-of-sixteen+', PREFIX, () => now);
    const url = new URL(signer.sign(`${PREFIX}${NAME}`, 3_600));
    expect(url.pathname).toBe(`/media/signed/${NAME}`);
    const expires = url.searchParams.get('expires')!;
    const sig = url.searchParams.get('sig')!;
    expect(Number(expires)).toBe(now / 1_000 + 3_600);
    expect(signer.verify(NAME, expires, sig)).toBe('ok');
    expect(signer.verify('ZZCdEfGhIjKlMnOpQrStUvWx.png', expires, sig)).toBe('bad');
    expect(signer.verify(NAME, String(Number(expires) + 60), sig)).toBe('bad');
    expect(new MediaUrlSigner('another-secret-xyz', PREFIX, () => now).verify(NAME, expires, sig)).toBe('bad');
    now += 3_601_000;
    expect(signer.verify(NAME, expires, sig)).toBe('expired');
  });

  it('leaves URLs that are not ours alone', () => {
    const signer = new MediaUrlSigner('a-secret-of-sixteen+', PREFIX);
    expect(signer.sign('https://cdn.example/photo.jpg', 60)).toBe('https://cdn.example/photo.jpg');
  });

  it('shares one generated secret among all processes of a deployment', async () => {
    const redis = redisClient();
    const prefix = testPrefix();
    try {
      const a = await MediaUrlSigner.sharedSecret(redis, prefix);
      const b = await MediaUrlSigner.sharedSecret(redis, prefix);
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThanOrEqual(40);
      expect(await MediaUrlSigner.sharedSecret(redis, prefix, 'configured-secret-value')).toBe('configured-secret-value');
    } finally {
      await dropPrefix(redis, prefix);
      await redis.quit();
    }
  });
});
