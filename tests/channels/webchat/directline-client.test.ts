import { createRequire } from 'node:module';
import type { Activity } from 'botbuilder';
import { WebSocket } from 'ws';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UnknownConversationError } from '../../../bot/errors';
import { call, startConversation, startWorld, waitFor, type TestWorld } from './harness';

// directlinejs is written for browsers: give it XMLHttpRequest and WebSocket before loading it.
const require = createRequire(import.meta.url);
const g = globalThis as Record<string, unknown>;
g.XMLHttpRequest = require('xhr2');
g.WebSocket = WebSocket;
const { DirectLine } = require('botframework-directlinejs') as typeof import('botframework-directlinejs');
type DirectLineClient = InstanceType<typeof DirectLine>;

let world: TestWorld;
const clients: DirectLineClient[] = [];

beforeEach(async () => {
  world = await startWorld();
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.end();
  await world.cleanup();
});

async function connect(webSocket: boolean, baseUrl = world.web.baseUrl): Promise<{ dl: DirectLineClient; seen: Partial<Activity>[] }> {
  const gen = await call(baseUrl, 'POST', '/v3/directline/tokens/generate');
  const dl = new DirectLine({ token: gen.body.token, domain: `${baseUrl}/v3/directline`, webSocket, pollingInterval: 200 });
  clients.push(dl);
  const seen: Partial<Activity>[] = [];
  dl.activity$.subscribe(
    (a) => seen.push(a as Partial<Activity>),
    () => undefined, // dl.end() in afterEach ends the stream with "conversation ended"
  );
  return { dl, seen };
}

function post(dl: DirectLineClient, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    dl.postActivity({ type: 'message', from: { id: 'citizen' }, text } as never).subscribe(resolve, reject);
  });
}

/** Subscribers to a conversation's notification channel: 1 while a socket follows it, 0 for polling. */
async function followers(conversationId: string | undefined): Promise<number> {
  const [, n] = (await world.web.redis.pubsub('NUMSUB', `${world.config.REDIS_PREFIX}:dl:${conversationId}`)) as [string, number];
  return Number(n);
}

const reply = (seen: Partial<Activity>[], text: string) => () => seen.find((a) => a.from?.role === 'bot' && a.text === text);

describe('webchat with botframework-directlinejs', () => {
  it('delivers the bot reply over the WebSocket after token generate, start and post', async () => {
    const { dl, seen } = await connect(true);
    const id = await post(dl, 'hola');
    const answer = await waitFor(reply(seen, 'echo: hola'), 'the bot reply');

    expect(id).toMatch(/^[A-Za-z0-9_-]+\|\d{7}$/);
    expect(answer.replyToId).toBe(id);
    expect(answer.from).toMatchObject({ id: 'bot', role: 'bot' });
    // The citizen's own message is echoed before the reply, as Direct Line does.
    const echo = seen.findIndex((a) => a.id === id);
    expect(echo).toBeGreaterThanOrEqual(0);
    expect(seen[echo]?.from?.role).toBe('user');
    expect(echo).toBeLessThan(seen.indexOf(answer));
    // The bot could greet: one conversationUpdate with the user in membersAdded.
    const updates = world.bot.ingested.filter((a) => a.type === 'conversationUpdate');
    expect(updates).toHaveLength(1);
    expect(updates[0]?.membersAdded?.[0]?.id).toBe(seen[echo]?.from?.id);
    expect(await followers(answer.conversation?.id)).toBe(1);
  });

  it('delivers replies to a polling client through GET activities with a watermark', async () => {
    const { dl, seen } = await connect(false);
    await post(dl, 'one');
    await waitFor(reply(seen, 'echo: one'), 'the first reply');
    await post(dl, 'two');
    await waitFor(reply(seen, 'echo: two'), 'the second reply');

    // Polling with the advancing watermark never shows an activity twice.
    const ids = seen.map((a) => a.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(seen.filter((a) => a.from?.role === 'bot').map((a) => a.text)).toEqual(['echo: one', 'echo: two']);
    expect(await followers(seen[0]?.conversation?.id)).toBe(0);
  });

  it('pushes a reply sent by another process to the socket held by this one', async () => {
    const worker = await world.spawn(); // own Redis connection, own channel instance
    world.bot.replyVia = worker.channel.adapter;
    const { dl, seen } = await connect(true);
    await post(dl, 'from afar');
    const answer = await waitFor(reply(seen, 'echo: from afar'), 'the reply sent by the second process');
    expect(answer.conversation?.id).toBe(world.bot.ingested.at(-1)?.conversation?.id);
    expect(world.bot.failures).toEqual([]);
  });
});

describe('webchat stream', () => {
  function openStream(url: string): Promise<{ frames: { activities: Partial<Activity>[]; watermark: string }[]; ws: WebSocket }> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const frames: { activities: Partial<Activity>[]; watermark: string }[] = [];
      ws.on('message', (data) => frames.push(JSON.parse(String(data))));
      ws.on('open', () => resolve({ frames, ws }));
      ws.on('error', reject);
    });
  }

  it('sends only activities newer than the watermark when a client reconnects', async () => {
    const { conversationId, token } = await startConversation(world.web.baseUrl);
    const path = `/v3/directline/conversations/${conversationId}`;
    await call(world.web.baseUrl, 'POST', `${path}/activities`, { token, body: { type: 'message', text: 'first' } });
    let page = await call(world.web.baseUrl, 'GET', `${path}/activities`, { token });
    for (let i = 0; i < 100 && page.body.activities.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 20));
      page = await call(world.web.baseUrl, 'GET', `${path}/activities`, { token });
    }
    expect(page.body.activities.map((a: Partial<Activity>) => a.text)).toEqual(['first', 'echo: first']);
    const watermark: string = page.body.watermark;

    await call(world.web.baseUrl, 'POST', `${path}/activities`, { token, body: { type: 'message', text: 'second' } });
    const reconnect = await call(world.web.baseUrl, 'GET', `${path}?watermark=${watermark}`, { token });
    expect(reconnect.status).toBe(200);
    expect(reconnect.body.streamUrl).toContain(`watermark=${encodeURIComponent(watermark)}`);

    const { frames, ws } = await openStream(reconnect.body.streamUrl);
    try {
      const texts = () => frames.flatMap((f) => f.activities.map((a) => a.text));
      await waitFor(() => (texts().includes('echo: second') ? true : undefined), 'the backlog and the live reply');
      expect(texts()).toEqual(['second', 'echo: second']);
      expect(await followers(conversationId)).toBe(1);
    } finally {
      ws.close();
    }
    // The last socket of a conversation gone, this process stops listening to it.
    let left = 1;
    for (let i = 0; i < 250 && left > 0; i++) {
      await new Promise((r) => setTimeout(r, 20));
      left = await followers(conversationId);
    }
    expect(left).toBe(0);
  });

  it('refuses a stream socket whose token is for another conversation', async () => {
    const a = await startConversation(world.web.baseUrl);
    const b = await startConversation(world.web.baseUrl);
    const url = a.streamUrl.replace(a.conversationId, b.conversationId);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(url);
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined); // the refusal surfaces as unexpected-response
    });
    expect(status).toBe(403);
  });

  it('refuses a stream socket from a page whose origin is not allowed', async () => {
    const strict = await startWorld({ WEBCHAT_ORIGINS: 'https://city.example' });
    try {
      const { streamUrl } = await startConversation(strict.web.baseUrl);
      const statusFor = (origin: string) =>
        new Promise<number>((resolve) => {
          const ws = new WebSocket(streamUrl, { origin });
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('open', () => {
            ws.close();
            resolve(101);
          });
          ws.on('error', () => undefined);
        });
      expect(await statusFor('https://evil.example')).toBe(403);
      expect(await statusFor('https://city.example')).toBe(101);
    } finally {
      await strict.cleanup();
    }
  });

  it('fails a send to a conversation that does not exist, without retry', async () => {
    const err = await world.web.channel.adapter
      .send({ channel: 'webchat', conversationId: 'nope-nope-nope' }, [{ type: 'message', text: 'hi' }])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownConversationError);
    expect((err as UnknownConversationError).retryable).toBe(false);
  });
});
