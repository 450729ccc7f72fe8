import { afterEach, describe, expect, it } from 'vitest';
import { call, startConversation, startWorld, type TestWorld } from './harness';

const worlds: TestWorld[] = [];
async function world(env: Record<string, string> = {}): Promise<TestWorld> {
  const w = await startWorld(env);
  worlds.push(w);
  return w;
}
afterEach(async () => {
  for (const w of worlds.splice(0)) await w.cleanup();
});

const activities = (conversationId: string) => `/v3/directline/conversations/${conversationId}/activities`;

describe('Direct Line REST errors', () => {
  it('answers 403 to a token that is not valid', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const forged = `${token.slice(0, -4)}AAAA`;
    const res = await call(w.web.baseUrl, 'POST', activities(conversationId), { token: forged, body: { type: 'message', text: 'hi' } });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('Forbidden');
  });

  it('answers 403 to a token issued for another conversation', async () => {
    const w = await world();
    const a = await startConversation(w.web.baseUrl);
    const b = await startConversation(w.web.baseUrl);
    const res = await call(w.web.baseUrl, 'GET', activities(b.conversationId), { token: a.token });
    expect(res.status).toBe(403);
  });

  it('answers 404 for a conversation that was never started', async () => {
    const w = await world();
    const gen = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate');
    const res = await call(w.web.baseUrl, 'POST', activities(gen.body.conversationId), { token: gen.body.token, body: { type: 'message', text: 'hi' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
  });

  it('answers 404 to a message for a conversation that expired after the process last saw it', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const first = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'message', text: 'hola' } });
    expect(first.status).toBe(200);
    // The conversation expires in Redis while this process still remembers its user and locale.
    const keys = await w.web.redis.keys(`${w.config.REDIS_PREFIX}:dl:${conversationId}*`);
    await w.web.redis.del(...keys);
    const ingested = w.bot.ingested.length;
    const res = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'message', text: '¿sigue ahí?' } });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('NotFound');
    expect(w.bot.ingested.length).toBe(ingested);
  });

  it('answers malformed JSON with a 400 JSON error, not an HTML page', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const res = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, raw: '{"type": "message", "text": ' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/json');
    expect(res.body.error.code).toBe('BadArgument');
    expect(JSON.stringify(res.body)).not.toMatch(/at .*\.js/);
  });

  it('answers a body over 256 KB with 413', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const res = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'message', text: 'x'.repeat(300 * 1024) } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('MessageSizeTooBig');
  });

  it('refuses an empty message but accepts and ingests a very long one', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const empty = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'message', text: '   ' } });
    expect(empty.status).toBe(400);
    const long = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'message', text: 'a'.repeat(5_000) } });
    expect(long.status).toBe(200);
    expect(w.bot.ingested.at(-1)?.text).toHaveLength(5_000);
  });

  it('acknowledges typing and event activities without ingesting them', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const before = w.bot.ingested.length;
    const typing = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'typing' } });
    const event = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body: { type: 'event', name: 'webchat/join' } });
    expect([typing.status, event.status]).toEqual([200, 200]);
    expect(typing.body.id).not.toBe(event.body.id);
    expect(w.bot.ingested.length).toBe(before);
  });

  it('refuses attachments that point outside the media store', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const res = await call(w.web.baseUrl, 'POST', activities(conversationId), {
      token,
      body: { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'http://169.254.169.254/latest' }] },
    });
    expect(res.status).toBe(400);
  });
});

describe('Direct Line tokens', () => {
  it('limits tokens/generate per IP with 429 and Retry-After', async () => {
    const w = await world({ TOKEN_RATE_LIMIT: '3' });
    const statuses: number[] = [];
    let last;
    for (let i = 0; i < 4; i++) {
      last = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate');
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect(Number(last?.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last?.body.error.code).toBe('TooManyRequests');
  });

  it('requires the secret for tokens/generate when DIRECTLINE_SECRET is set', async () => {
    const secret = 's3cret-s3cret-s3cret';
    const w = await world({ DIRECTLINE_SECRET: secret });
    const anonymous = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate');
    expect(anonymous.status).toBe(401);
    const wrong = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate', { token: 'not-the-secret-at-all' });
    expect(wrong.status).toBe(403);
    const ok = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate', { token: secret, body: { user: { id: 'citizen-42' } } });
    expect(ok.status).toBe(200);
    const conv = await call(w.web.baseUrl, 'POST', '/v3/directline/conversations', { token: ok.body.token });
    expect(conv.body.conversationId).toBe(ok.body.conversationId);
    await call(w.web.baseUrl, 'POST', activities(conv.body.conversationId), { token: conv.body.token, body: { type: 'message', text: 'hi', from: { id: 'someone-else' } } });
    expect(w.bot.ingested.at(-1)?.from?.id).toBe('citizen-42');
  });

  it('refreshes a token for the same conversation, and a token made by one process works on another', async () => {
    const w = await world();
    const other = await w.spawn();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const refreshed = await call(other.baseUrl, 'POST', '/v3/directline/tokens/refresh', { token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.conversationId).toBe(conversationId);
    const res = await call(other.baseUrl, 'GET', activities(conversationId), { token: refreshed.body.token });
    expect(res.status).toBe(200);
  });

  it('starts a conversation once: a second start with the same token greets no more', async () => {
    const w = await world();
    const gen = await call(w.web.baseUrl, 'POST', '/v3/directline/tokens/generate');
    const first = await call(w.web.baseUrl, 'POST', '/v3/directline/conversations', { token: gen.body.token, body: { locale: 'ca-ES' } });
    const second = await call(w.web.baseUrl, 'POST', '/v3/directline/conversations', { token: gen.body.token });
    expect([first.status, second.status]).toEqual([201, 200]);
    expect(first.body.streamUrl).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:\\d+/v3/directline/conversations/${gen.body.conversationId}/stream\\?t=`));
    const greetings = w.bot.ingested.filter((a) => a.type === 'conversationUpdate');
    expect(greetings).toHaveLength(1);
    expect(greetings[0]?.locale).toBe('ca-ES');
  });
});

describe('Direct Line dedupe', () => {
  it('ingests a client activity posted twice only once, answering the same id', async () => {
    const w = await world();
    const { conversationId, token } = await startConversation(w.web.baseUrl);
    const body = { type: 'message', text: 'bache', channelData: { clientActivityID: 'client-1' } };
    const a = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body });
    const b = await call(w.web.baseUrl, 'POST', activities(conversationId), { token, body });
    expect(a.status).toBe(200);
    expect(b.body.id).toBe(a.body.id);
    expect(w.bot.ingested.filter((x) => x.text === 'bache')).toHaveLength(1);
    const page = await call(w.web.baseUrl, 'GET', activities(conversationId), { token });
    const echoes = page.body.activities.filter((x: { text?: string }) => x.text === 'bache');
    expect(echoes).toHaveLength(1);
    expect(echoes[0].channelData.clientActivityID).toBe('client-1');
  });
});

describe('Direct Line CORS', () => {
  it('answers a preflight from an allowed origin with the Authorization header allowed', async () => {
    const w = await world({ WEBCHAT_ORIGINS: 'https://city.example,https://other.example' });
    const res = await call(w.web.baseUrl, 'OPTIONS', '/v3/directline/conversations', {
      headers: { origin: 'https://city.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://city.example');
    expect(res.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    expect(res.headers.get('access-control-allow-methods')).toContain('POST');
  });

  it('gives no CORS grant to an origin that is not listed', async () => {
    const w = await world({ WEBCHAT_ORIGINS: 'https://city.example' });
    const res = await call(w.web.baseUrl, 'OPTIONS', '/v3/directline/tokens/generate', {
      headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(res.status).toBe(403);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });
});
