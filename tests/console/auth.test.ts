import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../bot/logger';
import { AgentStore, type NewAgent } from '../../console/agent-store';
import { agentOf, createConsoleAuth, type ConsoleAuth } from '../../console/auth';
import { LoginLimiter } from '../../console/login-limiter';
import type { AgentView, Me } from '../../console/protocol';
import { ConsoleSessions } from '../../console/sessions';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

const CHEAP = { N: 1024, r: 8, p: 1 };
const PUBLIC_URL = 'https://console.city.example';
const TEAMS = [{ code: 'aguas', name: 'Aguas', firstResponseTargetSeconds: 120 }, { code: 'movilidad', name: 'Movilidad', firstResponseTargetSeconds: 120 }];
const PASSWORD = 'a long password';

let t: TestDatabase;
let redis: Redis;
let prefix: string;
let store: AgentStore;
const servers: Server[] = [];

beforeAll(async () => {
  t = await sqliteTestDatabase();
  redis = redisClient();
  prefix = testPrefix();
  store = new AgentStore(t.db, { cost: CHEAP });
});
afterAll(async () => {
  for (const s of servers) s.close();
  await dropPrefix(redis, prefix);
  redis.disconnect();
  await t.drop();
});

/** A real express app on port 0 with the auth router and a few routes behind its middleware. */
async function startConsole(publicUrl = PUBLIC_URL, passwordCost = CHEAP): Promise<{ base: string; auth: ConsoleAuth }> {
  const auth = createConsoleAuth({
    db: t.db, redis, prefix, log: createLogger('silent'), publicUrl, teams: TEAMS, passwordCost,
    extras: async () => ({ canned: [], services: [{ code: 'alumbrado', name: 'Alumbrado público' }], appointments: false }),
  });
  const app = express();
  app.set('trust proxy', 'loopback'); // as in bot/http-app.ts: tests pick their client IP with X-Forwarded-For
  app.use(auth.router);
  app.get('/console/api/whoami', auth.requireAgent, (_req, res) => void res.json({ id: agentOf(res).id }));
  app.post('/console/api/act', auth.requireAgent, (_req, res) => void res.json({ ok: true }));
  app.get('/console/api/supervise', auth.requireAgent, auth.requireRole('supervisor'), (_req, res) => void res.json({ ok: true }));
  const server = app.listen(0, '127.0.0.1');
  servers.push(server);
  await once(server, 'listening');
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

let base: string;
let auth: ConsoleAuth;
beforeAll(async () => ({ base, auth } = await startConsole()));

const freshIp = (): string => `10.${[0, 0, 0].map(() => Math.floor(Math.random() * 250)).join('.')}`;
const newAgent = (over: Partial<NewAgent> = {}): Promise<AgentView> =>
  store.create({ email: `a-${randomUUID().slice(0, 8)}@city.example`, name: 'Ana', role: 'agent', password: PASSWORD, teams: ['aguas'], ...over });

interface Call { method?: string; body?: unknown; rawBody?: string; cookie?: string; csrf?: string; origin?: string; ip?: string }
const call = (path: string, c: Call = {}): Promise<Response> =>
  fetch(`${base}/console/api${path}`, {
    method: c.method ?? (c.body === undefined && c.rawBody === undefined ? 'GET' : 'POST'),
    headers: {
      'content-type': 'application/json',
      'x-forwarded-for': c.ip ?? freshIp(),
      ...(c.cookie && { cookie: c.cookie }),
      ...(c.csrf && { 'x-csrf-token': c.csrf }),
      ...(c.origin && { origin: c.origin }),
    },
    body: c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
  });

interface LoggedIn { cookie: string; csrf: string; token: string; setCookie: string; me: Me }
async function login(email: string, password = PASSWORD, ip?: string): Promise<LoggedIn> {
  const res = await call('/login', { body: { email, password }, ip });
  expect(res.status).toBe(200);
  const setCookie = res.headers.getSetCookie()[0]!;
  const token = /^citybot_console=([^;]+)/.exec(setCookie)![1]!;
  const me = (await res.json()) as Me;
  return { cookie: `citybot_console=${token}`, csrf: me.csrf, token, setCookie, me };
}
const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error;

describe('console login', () => {
  it('logs in with e-mail in any case and answers Me, with a Secure, HttpOnly, SameSite=Strict cookie on /console', async () => {
    const agent = await newAgent();
    const { me, setCookie, token } = await login(agent.email.toUpperCase());
    expect(me).toEqual({ agent, csrf: expect.stringMatching(/^[\w-]{43}$/), teams: TEAMS, canned: [], services: [{ code: 'alumbrado', name: 'Alumbrado público' }], appointments: false });
    expect(JSON.stringify(me)).not.toMatch(/scrypt/);
    expect(token).toMatch(/^[\w-]{43}$/);
    const flags = setCookie.split(';').map((f) => f.trim().toLowerCase());
    expect(flags).toEqual(expect.arrayContaining(['path=/console', 'httponly', 'secure', 'samesite=strict']));
  });

  it('leaves Secure off when the public URL is plain http', async () => {
    const agent = await newAgent();
    const plain = await startConsole('http://localhost:3978');
    const res = await fetch(`${plain.base}/console/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: agent.email, password: PASSWORD }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie()[0]).not.toMatch(/secure/i);
  });

  it('answers one 401 E_LOGIN, without a cookie, for a wrong password and for an unknown e-mail', async () => {
    const agent = await newAgent();
    const wrong = await call('/login', { body: { email: agent.email, password: 'not the password' } });
    const unknown = await call('/login', { body: { email: 'nobody@city.example', password: PASSWORD } });
    expect([wrong.status, unknown.status]).toEqual([401, 401]);
    expect(wrong.headers.getSetCookie()).toEqual([]);
    const [a, b] = [await errorOf(wrong), await errorOf(unknown)];
    expect(a).toEqual(b);
    expect(a.code).toBe('E_LOGIN');
  });

  it('spends one scrypt on an unknown e-mail too, so timing does not tell which e-mails exist', async () => {
    const cost = { N: 2 ** 14, r: 8, p: 1 }; // ~40 ms of CPU a hash: far above what a local request costs
    const slow = await startConsole(PUBLIC_URL, cost);
    const agent = await new AgentStore(t.db, { cost }).create({ email: `slow-${randomUUID()}@city.example`, name: 'S', role: 'agent', password: PASSWORD, teams: [] });
    // CPU time of this process (the server runs in it; scrypt's libuv thread counts too): unlike wall
    // time it does not grow when other processes compete for the CPU.
    const cpuMs = async (email: string): Promise<number> => {
      const started = process.cpuUsage();
      const res = await fetch(`${slow.base}/console/api/login`, {
        method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': freshIp() }, body: JSON.stringify({ email, password: 'wrong password' }),
      });
      expect(res.status).toBe(401);
      const used = process.cpuUsage(started);
      return (used.user + used.system) / 1_000;
    };
    // Both paths once first: the first run of each pays for JIT and lazy loading, hundreds of ms.
    await cpuMs(agent.email);
    await cpuMs(`warm-${randomUUID()}@x.es`);
    const known: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 3; i++) {
      known.push(await cpuMs(agent.email));
      unknown.push(await cpuMs(`no-${randomUUID()}@x.es`));
    }
    // Minima: noise only ever adds time. Without the dummy hash an unknown e-mail costs ~2 ms against ~40 ms.
    expect(Math.min(...unknown)).toBeGreaterThan(Math.min(...known) * 0.5);
  });

  it('stores only the digest of the session token in Redis, with a 12-hour TTL', async () => {
    const { token } = await login((await newAgent()).email);
    const digest = createHash('sha256').update(token).digest('hex');
    const keys = await redis.keys(`${prefix}:*`);
    expect(keys.some((k) => k.includes(token))).toBe(false);
    const ttl = await redis.ttl(`${prefix}:console:session:${digest}`);
    expect(ttl).toBeGreaterThan(12 * 3600 - 10);
    expect(ttl).toBeLessThanOrEqual(12 * 3600);
  });

  it('refuses bad bodies with E_BAD_INPUT: 400 for malformed JSON or a missing field, 413 over 16 kB', async () => {
    for (const res of [await call('/login', { rawBody: '{"email":' }), await call('/login', { body: { email: 'x@y.z' } })]) {
      expect([res.status, (await errorOf(res)).code]).toEqual([400, 'E_BAD_INPUT']);
    }
    const large = await call('/login', { body: { email: 'x@y.z', password: 'p'.repeat(17_000) } });
    expect(large.status).toBe(413);
    expect(await errorOf(large)).toEqual({ code: 'E_BAD_INPUT', message: 'the body is larger than 16 kB' });
  });

  it('refuses a login posted from another origin', async () => {
    const agent = await newAgent();
    const res = await call('/login', { body: { email: agent.email, password: PASSWORD }, origin: 'https://evil.example' });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).code).toBe('E_ORIGIN');
  });
});

describe('console login rate limits', () => {
  it('answers 429 E_RATE_LIMITED with Retry-After after 5 failures for one e-mail, even with the right password', async () => {
    const agent = await newAgent();
    for (let i = 0; i < 5; i++) expect((await call('/login', { body: { email: agent.email, password: 'wrong password' } })).status).toBe(401);
    const res = await call('/login', { body: { email: agent.email, password: PASSWORD } });
    expect(res.status).toBe(429);
    expect((await errorOf(res)).code).toBe('E_RATE_LIMITED');
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(900);
  });

  it('forgets an e-mail\'s failures after a successful login', async () => {
    const agent = await newAgent();
    const fail = () => call('/login', { body: { email: agent.email, password: 'wrong password' } });
    for (let i = 0; i < 4; i++) expect((await fail()).status).toBe(401);
    await login(agent.email);
    for (let i = 0; i < 5; i++) expect((await fail()).status).toBe(401);
    expect((await fail()).status).toBe(429);
  });

  it('answers 429 after 20 failures from one IP address across e-mails', async () => {
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      expect((await call('/login', { body: { email: `x${i}@city.example`, password: 'wrong password' }, ip })).status).toBe(401);
    }
    expect((await call('/login', { body: { email: 'other@city.example', password: 'wrong password' }, ip })).status).toBe(429);
    expect((await call('/login', { body: { email: 'other@city.example', password: 'wrong password' } })).status).toBe(401);
  });
});

describe('requireAgent', () => {
  it('lets a logged-in agent GET and refuses requests without a valid session with 401 E_UNAUTHENTICATED', async () => {
    const agent = await newAgent();
    const { cookie } = await login(agent.email);
    expect(await (await call('/whoami', { cookie })).json()).toEqual({ id: agent.id });
    for (const c of [undefined, 'citybot_console=nope', `citybot_console=${'A'.repeat(43)}`, 'other=1']) {
      const res = await call('/whoami', { cookie: c });
      expect(res.status).toBe(401);
      expect((await errorOf(res)).code).toBe('E_UNAUTHENTICATED');
    }
  });

  it('refuses a POST without the session\'s x-csrf-token with 403 E_CSRF', async () => {
    const { cookie, csrf } = await login((await newAgent()).email);
    const other = await login((await newAgent()).email);
    for (const token of [undefined, other.csrf, `${csrf}x`]) {
      const res = await call('/act', { cookie, csrf: token, body: {} });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('E_CSRF');
    }
    expect((await call('/act', { cookie, csrf, body: {} })).status).toBe(200);
  });

  it('refuses a POST from a foreign Origin with 403 E_ORIGIN, and accepts the public origin and the own host', async () => {
    const { cookie, csrf } = await login((await newAgent()).email);
    for (const origin of ['https://evil.example', 'null', 'http://console.city.example']) {
      const res = await call('/act', { cookie, csrf, body: {}, origin });
      expect(res.status).toBe(403);
      expect((await errorOf(res)).code).toBe('E_ORIGIN');
    }
    expect((await call('/act', { cookie, csrf, body: {}, origin: PUBLIC_URL })).status).toBe(200);
    expect((await call('/act', { cookie, csrf, body: {}, origin: base })).status).toBe(200);
  });

  it('shuts out a disabled agent at once, even with a live session', async () => {
    const agent = await newAgent();
    const { cookie } = await login(agent.email);
    await store.update(agent.id, { disabled: true });
    expect((await call('/whoami', { cookie })).status).toBe(401);
    const res = await call('/login', { body: { email: agent.email, password: PASSWORD } });
    expect(res.status).toBe(401);
    expect((await errorOf(res)).code).toBe('E_LOGIN');
  });

  it('applies roles in order agent < supervisor < admin', async () => {
    const statuses = [];
    for (const role of ['agent', 'supervisor', 'admin'] as const) {
      const { cookie } = await login((await newAgent({ role })).email);
      statuses.push((await call('/supervise', { cookie })).status);
    }
    expect(statuses).toEqual([403, 200, 200]);
  });
});

describe('console logout and me', () => {
  it('GET /me answers the same csrf as the login; logout ends the session and clears the cookie', async () => {
    const { cookie, csrf, me } = await login((await newAgent()).email);
    expect(await (await call('/me', { cookie })).json()).toEqual(me);
    expect((await call('/logout', { cookie, method: 'POST' })).status).toBe(403);
    const out = await call('/logout', { cookie, csrf, method: 'POST' });
    expect(out.status).toBe(204);
    expect(out.headers.getSetCookie()[0]).toMatch(/^citybot_console=;.*Path=\/console.*Expires=Thu, 01 Jan 1970/);
    expect((await call('/me', { cookie })).status).toBe(401);
  });

  it('ends the previous session when the same browser logs in again', async () => {
    const agent = await newAgent();
    const first = await login(agent.email);
    const res = await call('/login', { body: { email: agent.email, password: PASSWORD }, cookie: first.cookie });
    expect(res.status).toBe(200);
    expect((await call('/me', { cookie: first.cookie })).status).toBe(401);
  });
});

describe('admin endpoints', () => {
  it('are for admins only: 403 E_FORBIDDEN for an agent and a supervisor', async () => {
    for (const role of ['agent', 'supervisor'] as const) {
      const { cookie, csrf } = await login((await newAgent({ role })).email);
      const list = await call('/admin/agents', { cookie });
      expect(list.status).toBe(403);
      expect((await errorOf(list)).code).toBe('E_FORBIDDEN');
      expect((await call('/admin/agents', { cookie, csrf, body: { email: 'x@city.example' } })).status).toBe(403);
    }
  });

  it('let an admin list, create and change agents, checking teams against the catalog', async () => {
    const admin = await newAgent({ role: 'admin' });
    const { cookie, csrf } = await login(admin.email);
    const email = `new-${randomUUID().slice(0, 8)}@City.Example`;
    const body = { email, name: 'Nuevo', role: 'agent', password: 'another long one', teams: ['movilidad'] };
    const created = await call('/admin/agents', { cookie, csrf, body });
    expect(created.status).toBe(201);
    const view = (await created.json()) as AgentView;
    expect(view).toMatchObject({ email: email.toLowerCase(), teams: ['movilidad'], maxConcurrent: 5, disabled: false });
    expect(((await (await call('/admin/agents', { cookie })).json()) as { items: AgentView[] }).items).toContainEqual(view);

    const dup = await call('/admin/agents', { cookie, csrf, body });
    expect([dup.status, (await errorOf(dup)).code]).toEqual([409, 'E_AGENT_EXISTS']);
    const badTeam = await call('/admin/agents', { cookie, csrf, body: { ...body, email: 'z@city.example', teams: ['bomberos'] } });
    expect(badTeam.status).toBe(400);
    expect(await errorOf(badTeam)).toMatchObject({ code: 'E_BAD_INPUT', message: expect.stringMatching(/^teams\.0: not a team of the catalog/) });
    const weak = await call('/admin/agents', { cookie, csrf, body: { ...body, email: 'w@city.example', password: 'short' } });
    expect([weak.status, (await errorOf(weak)).code]).toEqual([400, 'E_WEAK_PASSWORD']);
    const extra = await call('/admin/agents', { cookie, csrf, body: { ...body, email: 'e@city.example', isRoot: true } });
    expect([extra.status, (await errorOf(extra)).code]).toEqual([400, 'E_BAD_INPUT']);

    const patched = await call(`/admin/agents/${view.id}`, { cookie, csrf, method: 'PATCH', body: { role: 'supervisor', teams: ['aguas', 'movilidad'] } });
    expect(await patched.json()).toEqual({ ...view, role: 'supervisor', teams: ['aguas', 'movilidad'] });
    const missing = await call('/admin/agents/no-such-id', { cookie, csrf, method: 'PATCH', body: { name: 'x' } });
    expect([missing.status, (await errorOf(missing)).code]).toEqual([404, 'E_UNKNOWN_AGENT']);
  });

  it('end every session of an agent whose password is changed or who is disabled', async () => {
    const admin = await login((await newAgent({ role: 'admin' })).email);
    const agent = await newAgent();
    const [s1, s2] = [await login(agent.email), await login(agent.email)];
    const patch = (body: unknown) => call(`/admin/agents/${agent.id}`, { cookie: admin.cookie, csrf: admin.csrf, method: 'PATCH', body });
    expect((await patch({ password: 'the new password' })).status).toBe(200);
    expect([(await call('/me', { cookie: s1.cookie })).status, (await call('/me', { cookie: s2.cookie })).status]).toEqual([401, 401]);
    expect((await call('/login', { body: { email: agent.email, password: PASSWORD } })).status).toBe(401);
    const s3 = await login(agent.email, 'the new password');
    expect((await patch({ disabled: true })).status).toBe(200);
    expect(await redis.keys(`${prefix}:console:session:${createHash('sha256').update(s3.token).digest('hex')}`)).toEqual([]);
  });

  it('do not let an admin disable themselves or drop their own admin role', async () => {
    const admin = await newAgent({ role: 'admin' });
    const { cookie, csrf } = await login(admin.email);
    for (const body of [{ disabled: true }, { role: 'agent' }]) {
      const res = await call(`/admin/agents/${admin.id}`, { cookie, csrf, method: 'PATCH', body });
      expect([res.status, (await errorOf(res)).code]).toEqual([400, 'E_BAD_INPUT']);
    }
    expect((await store.byId(admin.id))?.role).toBe('admin');
  });
});

describe('sessionForUpgrade and agentOfSession', () => {
  // sessionForUpgrade reads nothing but the headers of the upgrade request.
  const upgrade = async (headers: Record<string, string>) => (await auth.sessionForUpgrade({ headers } as IncomingMessage))?.agent;

  it('answers the agent only with a matching Origin and a live session cookie', async () => {
    const agent = await newAgent();
    const { cookie } = await login(agent.email);
    const host = 'console.city.example';
    expect(await upgrade({ origin: PUBLIC_URL, host, cookie })).toEqual(agent);
    expect(await upgrade({ origin: 'http://10.0.0.5:3978', host: '10.0.0.5:3978', cookie })).toEqual(agent);
    expect(await upgrade({ host, cookie })).toBeUndefined();
    expect(await upgrade({ origin: 'https://evil.example', host, cookie })).toBeUndefined();
    expect(await upgrade({ origin: PUBLIC_URL, host })).toBeUndefined();
    expect(await upgrade({ origin: PUBLIC_URL, host, cookie: 'citybot_console=forged' })).toBeUndefined();
    await store.update(agent.id, { disabled: true });
    expect(await upgrade({ origin: PUBLIC_URL, host, cookie })).toBeUndefined();
  });

  it("re-checks an open socket's session without sliding it: gone after logout, and for a disabled agent", async () => {
    const agent = await newAgent();
    const { cookie } = await login(agent.email);
    const found = await auth.sessionForUpgrade({ headers: { origin: PUBLIC_URL, host: 'h', cookie } } as IncomingMessage);
    expect(found?.agent).toEqual(agent);
    const token = found!.token;
    const key = `${prefix}:console:session:${createHash('sha256').update(token).digest('hex')}`;
    await redis.expire(key, 100);
    expect(await auth.agentOfSession(token)).toEqual(agent);
    expect(await redis.ttl(key)).toBeLessThanOrEqual(100);
    await store.update(agent.id, { teams: [] });
    expect((await auth.agentOfSession(token))?.teams).toEqual([]);
    await store.update(agent.id, { disabled: true });
    expect(await auth.agentOfSession(token)).toBeUndefined();
    await store.update(agent.id, { disabled: false });
    expect(await auth.agentOfSession(token)).toBeDefined();
    await new ConsoleSessions(redis, prefix).destroy(token);
    expect(await auth.agentOfSession(token)).toBeUndefined();
    expect(await auth.agentOfSession('not a token')).toBeUndefined();
  });
});

describe('ConsoleSessions', () => {
  it('slides the TTL on every read and forgets an expired session', async () => {
    const sessions = new ConsoleSessions(redis, prefix, { ttlSeconds: 600 });
    const { token, csrf } = await sessions.create('agent-1');
    const key = `${prefix}:console:session:${createHash('sha256').update(token).digest('hex')}`;
    await redis.expire(key, 5);
    expect(await sessions.get(token)).toEqual({ agentId: 'agent-1', csrf });
    expect(await redis.ttl(key)).toBeGreaterThan(590);
    await redis.pexpire(key, 1);
    await new Promise((r) => setTimeout(r, 20));
    expect(await sessions.get(token)).toBeUndefined();
  });

  it('destroys every session of one agent and none of another, and prunes expired ones from the index', async () => {
    const sessions = new ConsoleSessions(redis, prefix);
    const agentId = `a-${randomUUID()}`;
    const mine = [await sessions.create(agentId), await sessions.create(agentId)];
    const theirs = await sessions.create(`b-${randomUUID()}`);
    expect(await sessions.destroyAllOf(agentId)).toBe(2);
    for (const s of mine) expect(await sessions.get(s.token)).toBeUndefined();
    expect(await sessions.get(theirs.token)).toBeDefined();

    const old = await sessions.create(agentId);
    await sessions.destroy(old.token);
    await redis.sadd(`${prefix}:console:agent-sessions:${agentId}`, 'stale-digest');
    await sessions.create(agentId);
    expect(await redis.scard(`${prefix}:console:agent-sessions:${agentId}`)).toBe(1);
  });
});

describe('LoginLimiter', () => {
  it('lets only 5 of 20 simultaneous attempts for one e-mail through', async () => {
    const limiter = new LoginLimiter(redis, prefix);
    const email = `race-${randomUUID()}@city.example`;
    const waits = await Promise.all(Array.from({ length: 20 }, (_, i) => limiter.attempt(email, `10.9.9.${i}`)));
    expect(waits.filter((w) => w === 0)).toHaveLength(5);
    expect(Math.min(...waits.filter((w) => w > 0))).toBeGreaterThan(890);
  });

  it('gives the IP back refused attempts and successes, so one locked e-mail cannot lock out its office', async () => {
    const limiter = new LoginLimiter(redis, prefix, { perEmail: 2, perIp: 3 });
    const ip = `10.8.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    const locked = `locked-${randomUUID()}@city.example`;
    expect([await limiter.attempt(locked, ip), await limiter.attempt(locked, ip)]).toEqual([0, 0]);
    for (let i = 0; i < 5; i++) expect(await limiter.attempt(locked, ip)).toBeGreaterThan(0);
    // Two failures counted on the IP, none of the five refusals: one more try is left for a colleague.
    const colleague = `colleague-${randomUUID()}@city.example`;
    expect(await limiter.attempt(colleague, ip)).toBe(0);
    await limiter.succeeded(colleague, ip);
    expect(await limiter.attempt(colleague, ip)).toBe(0);
    expect(await limiter.attempt(`third-${randomUUID()}@city.example`, ip)).toBeGreaterThan(0);
  });

  it('forgets an e-mail\'s failures after a correct password', async () => {
    const limiter = new LoginLimiter(redis, prefix, { perEmail: 2 });
    const email = `forgetful-${randomUUID()}@city.example`;
    await limiter.attempt(email, '10.7.0.1');
    await limiter.attempt(email, '10.7.0.1');
    await limiter.succeeded(email, '10.7.0.1');
    expect([await limiter.attempt(email, '10.7.0.2'), await limiter.attempt(email, '10.7.0.2')]).toEqual([0, 0]);
    expect(await limiter.attempt(email, '10.7.0.2')).toBeGreaterThan(0);
  });
});
