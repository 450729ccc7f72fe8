import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TOKEN_LIFETIME_S, TokenService } from '../../../channels/webchat/tokens';

describe('Direct Line tokens', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  afterAll(() => redis.disconnect());
  const tokens = new TokenService(redis, 'tokens-test:key', 'a-secret-of-enough-length-for-hs256-0123456789');

  it('accepts a token again from its remembered claims, and refuses it once expired', async () => {
    const now = Date.now();
    const { token } = await tokens.sign('conv-1', 'user-1', now);
    const first = await tokens.verify(token, now);
    expect(first).toEqual({ conversationId: 'conv-1', userId: 'user-1', expiresAt: Math.floor(now / 1000) + TOKEN_LIFETIME_S });
    expect(await tokens.verify(token, now + 1_000)).toEqual(first);
    expect(await tokens.verify(token, now + TOKEN_LIFETIME_S * 1_000 + 1_000)).toBeUndefined();
    // ...and stays refused: the expired entry was dropped, and checking the token afresh refuses it too.
    expect(await tokens.verify(token, now + TOKEN_LIFETIME_S * 1_000 + 2_000)).toBeUndefined();
  });

  it('refuses a token that differs by one character from one it remembers', async () => {
    const { token } = await tokens.sign('conv-2', 'user-2');
    expect(await tokens.verify(token)).toBeDefined();
    const [h, p, s] = token.split('.') as [string, string, string];
    const otherPayload = Buffer.from(JSON.stringify({ conv: 'conv-3', user: 'user-2', iat: 1, exp: 9_999_999_999 })).toString('base64url');
    expect(await tokens.verify(`${h}.${otherPayload}.${s}`)).toBeUndefined();
    expect(await tokens.verify(`${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`)).toBeUndefined();
  });
});
