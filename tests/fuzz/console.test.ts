import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { startTestApp, type RunningApp } from '../e2e/support';
import { ConsoleClient, createAgent, TEST_PASSWORD } from '../support/console-client';
import { redisClient } from '../support/redis';
import { arbBody, arbContentType, arbPathSegment, capturingLogger, expectRefusal, Footprints, printStats, RUNS, send, TIMEOUT } from './support';

/*
 * The agent console's login and REST API in the whole app, fed hostile input: logged out (every route
 * must refuse with 401/403 and change nothing) and logged in as an admin (4xx for what is malformed,
 * the route's 2xx for what happens to be valid, never a 5xx), with random path parameters, bodies and
 * content types. The session and its CSRF token stay valid throughout: /logout is not fuzzed.
 */

const logs = capturingLogger();
let bot: RunningApp;
let db: Db;
let redis: Redis;
let footprints: Footprints;
let admin: ConsoleClient;

/** Every route of console/auth.ts and console-api.ts but /logout; `:p` is a fuzzed path parameter. */
const ROUTES = [
  'GET /me', 'GET /admin/agents', 'POST /admin/agents', 'PATCH /admin/agents/:p',
  'GET /queue', 'GET /mine', 'GET /live', 'GET /handoffs/:p', 'POST /handoffs/:p/claim', 'POST /handoffs/:p/messages',
  'POST /handoffs/:p/notes', 'POST /handoffs/:p/typing', 'POST /handoffs/:p/transfer', 'POST /handoffs/:p/release',
  'POST /handoffs/:p/close', 'POST /handoffs/:p/ticket', 'POST /conversations/:p/pull', 'GET /agents', 'GET /supervisor',
  'GET /reviews', 'POST /reviews/:p/retry', 'POST /handoffs/:p/correction', 'POST /tickets/:p/correction',
] as const;
/** A body with a bit of every route's fields, for mutations to start from. */
const SOME_BODY = {
  text: 'hola', team: 'aguas', agentId: 'x', resolution: 'resolved', reference: 'ALU-2026-000001', service: 'alumbrado', type: 'reclamo',
  email: 'x@y.example', name: 'X', role: 'agent', password: 'a long password', teams: ['aguas'], maxConcurrent: 5, disabled: false,
};

beforeAll(async () => {
  bot = await startTestApp({}, {}, logs.log);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  redis = redisClient();
  const email = `admin-${randomUUID().slice(0, 8)}@ajuntament.example`;
  await createAgent(db, email, 'Admin', ['aguas'], { role: 'admin' });
  admin = await ConsoleClient.login(bot.url, email, TEST_PASSWORD);
  footprints = new Footprints({ redis, prefix: bot.config.REDIS_PREFIX, sqlitePath: bot.sqlitePath });
  await footprints.settle();
});
afterAll(async () => {
  printStats();
  await redis?.quit();
  await db?.close();
  await bot?.stop();
});

const arbRequest = fc.record({
  route: fc.constantFrom(...ROUTES),
  param: arbPathSegment,
  body: arbBody(SOME_BODY, 40_000),
  contentType: arbContentType,
});
const urlOf = (route: string, param: string): { method: string; url: string } => {
  const [method, path] = route.split(' ') as [string, string];
  return { method, url: `${bot.url}/console/api${path.replace(':p', param)}` };
};

describe('console under fuzzing', { timeout: TIMEOUT }, () => {
  it('login: random, truncated, mutated, deep and oversized bodies get a 4xx and open no session', async () => {
    await fc.assert(
      fc.asyncProperty(arbBody({ email: 'nobody@ajuntament.example', password: 'x' }, 40_000), arbContentType, fc.constantFrom(undefined, bot.url, 'http://evil.example', 'null'), async (body, contentType, origin) => {
        const answer = await send(`${bot.url}/console/api/login`, { body, contentType, headers: origin ? { origin } : {} });
        expectRefusal(answer, 'login');
        await footprints.expectUnchanged('a refused login');
      }),
      { numRuns: RUNS },
    );
  });

  it('logged out: every route refuses with 401/403 and changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, fc.constantFrom<Record<string, string>>({}, { cookie: 'citybot_console=forged' }, { cookie: admin.cookie.replace(/.$/, (c) => (c === '0' ? '1' : '0')) }), async ({ route, param, body, contentType }, headers) => {
        const { method, url } = urlOf(route, param);
        const answer = await send(url, { method, body: method === 'GET' ? undefined : body, contentType, headers: { origin: bot.url, 'x-csrf-token': admin.me.csrf, ...headers } });
        expectRefusal(answer, `${route} logged out`);
        await footprints.expectUnchanged(`${route} logged out`);
      }),
      { numRuns: RUNS },
    );
  });

  it('logged in as an admin: random parameters and bodies get a 4xx or the route\'s answer, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(arbRequest, async ({ route, param, body, contentType }) => {
        const { method, url } = urlOf(route, param);
        const answer = await send(url, {
          method, body: method === 'GET' ? undefined : body, contentType, headers: { cookie: admin.cookie, origin: bot.url, 'x-csrf-token': admin.me.csrf },
        });
        expectRefusal(answer, route, [200, 201, 204]);
        if (answer.status < 300) await footprints.settle(); // a valid request (an agent created, a GET): the baseline moves
        else await footprints.expectUnchanged(`${route} refused`);
      }),
      { numRuns: RUNS * 2 },
    );
    expect(logs.errors()).toEqual([]);
  });
});
