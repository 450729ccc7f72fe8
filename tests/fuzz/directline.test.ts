import path from 'node:path';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { redisClient } from '../support/redis';
import {
  arbBody, arbContentType, arbDeepJson, arbJsonValue, arbPathSegment, capturingLogger, deepJson, expectRefusal, Footprints, printStats, RUNS, send, TIMEOUT, toJson, type Answer,
} from './support';

/*
 * Every Direct Line entry point of the whole app (ROLE=all) over HTTP and WebSocket, fed hostile input.
 * The property: a 4xx (or the entry point's documented 2xx), never a 5xx, no error-level log line, and a
 * refused request leaves nothing behind (no Redis key, job, stream entry, SQL row or media file).
 */

let bot: RunningApp;
let redis: Redis;
let footprints: Footprints;
const logs = capturingLogger();
/** A live conversation and its token. */
let conversationId: string;
let token: string;
let auth: Record<string, string>;

const dl = (p: string): string => `${bot.url}/v3/directline${p}`;
const validMessage = { type: 'message', text: 'hola', from: { id: 'citizen' }, channelData: { clientActivityID: 'fuzz-1' } };

beforeAll(async () => {
  bot = await startTestApp({}, {}, logs.log);
  redis = redisClient();
  const generated = (await (await fetch(dl('/tokens/generate'), { method: 'POST' })).json()) as { conversationId: string; token: string };
  ({ conversationId, token } = generated);
  auth = { authorization: `Bearer ${token}` };
  expect((await send(dl('/conversations'), { headers: auth })).status).toBe(201);
  // The valid message once: its clientActivityID makes every later post of it a no-op.
  expect((await send(dl(`/conversations/${conversationId}/activities`), { headers: auth, contentType: 'application/json', body: JSON.stringify(validMessage) })).status).toBe(200);
  await waitFor(async () => ((await redis.xlen(`${bot.config.REDIS_PREFIX}:dl:${conversationId}`)) >= 3 ? true : undefined), 'the greeting and the reply');
  footprints = new Footprints({
    redis, prefix: bot.config.REDIS_PREFIX, sqlitePath: bot.sqlitePath, dirs: [path.join(bot.dataDir, 'uploads')],
  });
  await footprints.settle();
});
afterAll(async () => {
  printStats();
  await redis?.quit();
  await bot?.stop();
});

/** Credentials a caller might present: none, junk, a token of another conversation, the real one. */
const arbAuthorization = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('Bearer', 'Bearer ', 'Basic abc', 'Bearer a.b.c', 'Bearer eyJhbGciOiJub25lIn0.e30.', 'bearer x'),
  fc.string({ maxLength: 200, unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) }).map((s) => `Bearer ${s}`),
);
const headersFor = (authorization: string | undefined): Record<string, string> => (authorization === undefined ? {} : { authorization });

describe('malformed input the fuzzing of issue 12 found', () => {
  it('answers a bad percent-escape in a Direct Line path with 400, not 500', async () => {
    for (const p of ['/conversations/%c0/activities', '/conversations/%c0', '/conversations/%/upload', '/conversations/a%zzb/activities']) {
      const get = await send(dl(p), { method: p.endsWith('upload') ? 'POST' : 'GET', headers: auth });
      expect(get.status, p).toBe(400);
      expect(JSON.parse(get.text)).toEqual({ error: { code: 'BadArgument', message: 'malformed percent-escape in the path' } });
    }
    expect(logs.errors()).toEqual([]);
  });

  it('refuses an activity nested 8,000 levels deep in value, entities, channelData or an attachment with 400', async () => {
    const deep = deepJson(8_000);
    const bodies = [
      `{"type":"message","text":"x","value":${deep}}`,
      `{"type":"message","text":"x","entities":[{"type":"x","a":${deep}}]}`,
      `{"type":"message","text":"x","channelData":{"a":${deep}}}`,
      `{"type":"message","text":"x","attachments":[{"contentType":"application/json","content":${deepJson(8_000, 'object')}}]}`,
      `{"type":"message","text":"x","value":${deepJson(40)}}`,
    ];
    for (const body of bodies) {
      const answer = await send(dl(`/conversations/${conversationId}/activities`), { headers: auth, contentType: 'application/json', body });
      expect(answer.status, body.slice(0, 80)).toBe(400);
      expect(answer.text).toMatch(/nested deeper than 32 levels/);
    }
    await footprints.expectUnchanged('deeply nested activities');
    expect(logs.errors()).toEqual([]);
  });

  it('refuses free-form fields over 32 KB, and takes a value nested 30 levels deep', async () => {
    const big = await send(dl(`/conversations/${conversationId}/activities`), {
      headers: auth, contentType: 'application/json', body: JSON.stringify({ type: 'typing', value: { a: 'x'.repeat(40_000) } }),
    });
    expect(big.status).toBe(400);
    expect(big.text).toMatch(/larger than about 32768 bytes/);
    const fine = await send(dl(`/conversations/${conversationId}/activities`), {
      headers: auth, contentType: 'application/json', body: `{"type":"typing","value":${deepJson(30)}}`,
    });
    expect(fine.status).toBe(200);
    await footprints.settle(); // a typing activity takes an id from the conversation's sequence
  });

  it('answers a watermark that is not a Redis stream id (20 digits) with 400, on GET and on the stream', async () => {
    for (const watermark of ['99999999999999999999-1', '1-99999999999999999999', '18446744073709551615-18446744073709551615', '9007199254740992-0']) {
      const rest = await send(dl(`/conversations/${conversationId}/activities?watermark=${watermark}`), { method: 'GET', headers: auth });
      expect(rest.status, watermark).toBe(400);
      expect(await upgradeStatus(`/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}&watermark=${watermark}`)).toBe(400);
    }
    const far = await send(dl(`/conversations/${conversationId}/activities?watermark=9007199254740991-9007199254740991`), { method: 'GET', headers: auth });
    expect(far.status).toBe(200);
    expect(JSON.parse(far.text)).toMatchObject({ activities: [] });
    expect(logs.errors()).toEqual([]);
  });
});

/** The HTTP status of a WebSocket upgrade (101 when it opened; the socket is closed at once). */
function upgradeStatus(pathAndQuery: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(dl(pathAndQuery).replace(/^http/, 'ws'), { headers });
    ws.on('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      ws.terminate();
    });
    ws.on('open', () => {
      resolve(101);
      ws.close();
    });
    ws.on('error', (err) => reject(err));
    setTimeout(() => reject(new Error(`no answer to the upgrade of ${pathAndQuery}`)), 3_000).unref();
  });
}

describe('Direct Line under fuzzing', { timeout: TIMEOUT }, () => {
  /** A refusal must leave nothing; a documented 2xx may (a conversation's locale, a turn): the baseline moves. */
  const checkEffects = async (answers: Answer[], what: string): Promise<void> => {
    if (answers.some((a) => a.status < 300)) await footprints.settle();
    else await footprints.expectUnchanged(what);
  };

  it('tokens/generate and tokens/refresh: random credentials, bodies and content types', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('generate', 'refresh'), arbAuthorization, arbBody({ user: { id: 'u' } }, 300_000), arbContentType, async (which, authorization, body, contentType) => {
        const answer = await send(dl(`/tokens/${which}`), { headers: headersFor(authorization), body, contentType });
        // Without a secret, generate issues a token to anyone (rate-limited): a 200 that stores nothing.
        expectRefusal(answer, `tokens/${which}`, which === 'generate' ? [200] : []);
        await footprints.expectUnchanged(`tokens/${which}`); // a token is signed, never stored
      }),
      { numRuns: RUNS },
    );
  });

  it('conversations start and get: random credentials, bodies, ids and watermarks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbAuthorization, fc.constant(`Bearer ${token}`)), arbBody({ user: { id: 'u' }, locale: 'es-ES' }, 300_000), arbContentType,
        fc.oneof(arbPathSegment, fc.constant(conversationId)), fc.oneof(fc.constant(''), arbPathSegment, fc.constant('1-0')),
        async (authorization, body, contentType, id, watermark) => {
          // The live conversation's own token restarts it: 200 and nothing new (it was greeted already).
          const start = await send(dl('/conversations'), { headers: headersFor(authorization), body, contentType });
          expectRefusal(start, 'POST /conversations', authorization === `Bearer ${token}` ? [200] : []);
          const get = await send(dl(`/conversations/${id}?watermark=${watermark}`), { method: 'GET', headers: headersFor(authorization) });
          expectRefusal(get, 'GET /conversations/:id', [200]);
          await checkEffects([start], 'conversations start/get');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('activities GET: random ids, watermarks and query strings', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbPathSegment, fc.constant(conversationId)), fc.oneof(arbPathSegment, fc.stringMatching(/^\d{1,22}-\d{1,22}$/), fc.string()),
        fc.boolean(),
        async (id, watermark, withToken) => {
          const answer = await send(dl(`/conversations/${id}/activities?watermark=${encodeURIComponent(watermark)}&watermark=2`), {
            method: 'GET', headers: withToken ? auth : {},
          });
          expectRefusal(answer, 'GET activities', [200]);
          const raw = await send(dl(`/conversations/${id}/activities?watermark=${watermark}`), { method: 'GET', headers: auth });
          expectRefusal(raw, 'GET activities (raw watermark)', [200]);
          await footprints.expectUnchanged('GET activities');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('activities POST: random, truncated, mutated, deep and oversized activities', async () => {
    await fc.assert(
      fc.asyncProperty(arbBody(validMessage, 300_000), arbContentType, fc.boolean(), async (body, contentType, withToken) => {
        const answer = await send(dl(`/conversations/${conversationId}/activities`), { headers: withToken ? auth : {}, body, contentType });
        expectRefusal(answer, 'POST activities', [200]);
        await checkEffects([answer], 'POST activities'); // a mutation may be a valid activity: its turn runs
      }),
      { numRuns: RUNS },
    );
    expect(logs.errors()).toEqual([]);
  });

  it('upload: random multipart bodies, truncated forms, wrong content types', async () => {
    const arbPart = fc.record({
      name: fc.constantFrom('file', 'activity', '', 'x"y', 'activity\r\nX: 1'),
      filename: fc.option(fc.string({ maxLength: 20 })),
      type: fc.option(fc.constantFrom('image/png', 'application/json', 'application/vnd.microsoft.activity', 'text/plain')),
      data: fc.oneof(fc.string({ maxLength: 200 }), arbDeepJson, arbJsonValue.map((v) => toJson(v) ?? '')),
    });
    const arbForm = fc.tuple(fc.array(arbPart, { maxLength: 7 }), fc.constantFrom('b0undary', 'x', '----WebKitFormBoundary7MA4YWxkTrZu0gW'), fc.nat(), fc.boolean())
      .map(([parts, boundary, cut, truncate]) => {
        const body = parts.map((p) => `--${boundary}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== null ? `; filename="${p.filename}"` : ''}\r\n` +
          `${p.type !== null ? `Content-Type: ${p.type}\r\n` : ''}\r\n${p.data}\r\n`).join('') + `--${boundary}--\r\n`;
        return { body: truncate ? body.slice(0, cut % (body.length + 1)) : body, contentType: `multipart/form-data; boundary=${boundary}` };
      });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbForm, fc.record({ body: arbBody(validMessage, 100_000), contentType: arbContentType })), fc.oneof(arbPathSegment, fc.constant(conversationId)),
        async ({ body, contentType }, id) => {
          const answer = await send(dl(`/conversations/${id}/upload`), { headers: auth, body, contentType });
          expectRefusal(answer, 'upload');
          await footprints.expectUnchanged('upload');
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('stream: random ids, tokens and watermarks on the WebSocket upgrade', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(arbPathSegment, fc.constant(conversationId)), fc.oneof(fc.constant(token), fc.string({ maxLength: 80 })),
        fc.oneof(fc.constant(''), arbPathSegment, fc.stringMatching(/^\d{1,22}-\d{1,22}$/)), fc.constantFrom(undefined, 'http://evil.example', 'null'),
        async (id, t, watermark, origin) => {
          const status = await upgradeStatus(`/conversations/${id}/stream?t=${encodeURIComponent(t)}&watermark=${watermark}`, origin ? { origin } : {});
          if (status !== 101 && (status < 400 || status >= 500)) throw new Error(`stream upgrade answered ${status}`);
          await footprints.expectUnchanged('stream');
        },
      ),
      { numRuns: RUNS },
    );
    expect(logs.errors()).toEqual([]);
  });

  it('stream: random frames from the client (text, binary, over the 4 KB limit) change nothing', async () => {
    const ws = new WebSocket(dl(`/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}`).replace(/^http/, 'ws'));
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.on('error', () => undefined); // the server closing on an oversized frame is an answer, not a failure
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 300 }), fc.uint8Array({ maxLength: 300 }), fc.constant('x'.repeat(5_000)), arbDeepJson), async (frame) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frame);
        await footprints.expectUnchanged('a client frame');
      }),
      { numRuns: RUNS },
    );
    ws.close();
    expect([1000, 1005, 1009]).toContain(await closed); // 1009: a frame over maxPayload closes that socket only
    expect(logs.errors()).toEqual([]);
    expect((await send(`${bot.url}/healthz`, { method: 'GET' })).status).toBe(200);
  });
});
