import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import express, { type CookieOptions, type ErrorRequestHandler, type RequestHandler, type Response, type Router } from 'express';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import {
  BadInputError, CsrfError, ForbiddenError, LoginFailedError, OriginRejectedError, RateLimitedError, UnauthenticatedError,
} from '../bot/errors';
import type { Logger } from '../bot/logger';
import { sameSecret } from '../bot/same-secret';
import type { Db } from '../bot/sql/database';
import { AccountEvents } from './account-events';
import { AgentStore, type AgentPatch } from './agent-store';
import { sendConsoleError } from './console-error';
import { LoginLimiter, type LoginLimiterOptions } from './login-limiter';
import { hashPassword, verifyPassword, type ScryptCost } from './passwords';
import type { AgentRole, AgentView, Me, TeamView } from './protocol';
import { ConsoleSessions } from './sessions';

/** Name of the session cookie (HttpOnly, SameSite=Strict, Path=/console). */
export const SESSION_COOKIE = 'citybot_console';

export interface ConsoleAuthOptions {
  db: Db;
  redis: Redis;
  /** Redis key prefix (REDIS_PREFIX). */
  prefix: string;
  log: Logger;
  /** The console's public base URL: its origin may call the API; `https:` makes the cookie Secure. */
  publicUrl: string;
  /** Every team of the catalog; the teams of new or changed agents must be among their codes. */
  teams: TeamView[];
  /** The rest of `Me`, per agent. */
  extras: (agent: AgentView) => Promise<Pick<Me, 'canned' | 'services' | 'appointments'>>;
  /** Idle session lifetime. @defaultValue 43_200 (12 h) */
  sessionTtlSeconds?: number;
  limits?: LoginLimiterOptions;
  /** scrypt cost of new hashes. @defaultValue DEFAULT_SCRYPT_COST (only tests lower it) */
  passwordCost?: ScryptCost;
}

export interface ConsoleAuth {
  /** Mount at the app root: `/console/api/{login,logout,me}` and `/console/api/admin/agents[/:id]`. */
  router: Router;
  /** Answers 401/403 itself; on success sets `res.locals.agent` (read it with `agentOf`) and `res.locals.csrf`. */
  requireAgent: RequestHandler;
  /** Use after requireAgent. Roles nest: agent < supervisor < admin. */
  requireRole: (min: AgentRole) => RequestHandler;
  /** For the WebSocket upgrade: the session and its agent when Origin (required here) and the session cookie are good. */
  sessionForUpgrade: (req: IncomingMessage) => Promise<{ token: string; agent: AgentView } | undefined>;
  /** An open socket's re-check: the session's enabled agent as they are now, or undefined. Does not slide the session. */
  agentOfSession: (token: string) => Promise<AgentView | undefined>;
  /** Published on every change of an agent's account or sessions that open sockets must follow. */
  accounts: AccountEvents;
}

declare global {
  // Express types res.locals through this global namespace.
  namespace Express {
    interface Locals {
      /** Set by requireAgent. */
      agent?: AgentView;
      /** Set by requireAgent: the session's CSRF token. */
      csrf?: string;
    }
  }
}

/** The agent requireAgent put on the response. Throws UnauthenticatedError on a route without it. */
export function agentOf(res: Response): AgentView {
  if (!res.locals.agent) throw new UnauthenticatedError('this route is not behind requireAgent');
  return res.locals.agent;
}

/** What the route builders below share. */
interface Deps {
  opts: ConsoleAuthOptions;
  log: Logger;
  agents: AgentStore;
  sessions: ConsoleSessions;
  cookie: CookieOptions;
  originOk: (headers: IncomingHttpHeaders, required: boolean) => boolean;
  requireAgent: RequestHandler;
  accounts: AccountEvents;
}

const RANK: Record<AgentRole, number> = { agent: 0, supervisor: 1, admin: 2 };
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Accounts and safety of the agent console: login with rate limiting, Redis sessions in an HttpOnly
 * cookie, CSRF and Origin checks, roles, and the admin endpoints that manage agents.
 *
 * @example
 * const auth = createConsoleAuth({ db, redis, prefix: config.REDIS_PREFIX, log, publicUrl, teams, extras });
 * app.use(auth.router);
 * app.get('/console/api/queue', auth.requireAgent, async (req, res) => res.json(await queueOf(agentOf(res))));
 */
export function createConsoleAuth(opts: ConsoleAuthOptions): ConsoleAuth {
  const log = opts.log.child({ module: 'console/auth' });
  const agents = new AgentStore(opts.db, { cost: opts.passwordCost });
  const sessions = new ConsoleSessions(opts.redis, opts.prefix, { ttlSeconds: opts.sessionTtlSeconds });
  const publicOrigin = new URL(opts.publicUrl).origin;
  const cookie: CookieOptions = { httpOnly: true, sameSite: 'strict', path: '/console', secure: publicOrigin.startsWith('https:') };
  const originOk = originCheck(publicOrigin);
  const sessionAgent = sessionAgentLookup(sessions, agents);
  const requireAgent = requireAgentWith(originOk, sessionAgent, log);
  const accounts = new AccountEvents(opts.redis, opts.prefix);
  const deps: Deps = { opts, log, agents, sessions, cookie, originOk, requireAgent, accounts };

  const api = express.Router();
  sessionRoutes(api, deps, new LoginLimiter(opts.redis, opts.prefix, opts.limits));
  adminRoutes(api, deps);
  api.use(((err, _req, res, _next) => sendConsoleError(res, err, log)) as ErrorRequestHandler);
  const router = express.Router();
  router.use('/console/api', api);
  return {
    router,
    requireAgent,
    requireRole: (min) => requireRoleWith(min, log),
    sessionForUpgrade: async (req) => (originOk(req.headers, true) ? sessionAgent(req.headers) : undefined),
    agentOfSession: async (token) => {
      const session = await sessions.peek(token);
      const agent = session && (await agents.byId(session.agentId));
      return agent && !agent.disabled ? agent : undefined;
    },
    accounts,
  };
}

/** Whether a request's Origin is the public origin or the request's own host. Absent: `!required`. */
function originCheck(publicOrigin: string) {
  return (headers: IncomingHttpHeaders, required: boolean): boolean => {
    const origin = headers.origin;
    if (origin === undefined) return !required;
    // Behind a proxy the scheme we see may differ from the browser's, so the own-host rule compares hosts.
    return origin === publicOrigin || (URL.canParse(origin) && new URL(origin).host === headers.host?.toLowerCase());
  };
}

type SessionAgent = (headers: IncomingHttpHeaders) => Promise<{ token: string; agent: AgentView; csrf: string } | undefined>;

/** The live session and enabled agent behind the session cookie, or undefined. */
function sessionAgentLookup(sessions: ConsoleSessions, agents: AgentStore): SessionAgent {
  return async (headers) => {
    const token = cookieValue(headers.cookie, SESSION_COOKIE);
    const session = token === undefined ? undefined : await sessions.get(token);
    if (!token || !session) return undefined;
    const agent = await agents.byId(session.agentId);
    if (agent && !agent.disabled) return { token, agent, csrf: session.csrf };
    await sessions.destroy(token);
    return undefined;
  };
}

function requireAgentWith(originOk: Deps['originOk'], sessionAgent: SessionAgent, log: Logger): RequestHandler {
  return async (req, res, next) => {
    try {
      const unsafe = !SAFE_METHODS.has(req.method);
      if (unsafe && !originOk(req.headers, false)) throw new OriginRejectedError('request from another origin');
      const found = await sessionAgent(req.headers);
      if (!found) throw new UnauthenticatedError('not logged in, or the session has expired');
      const sent = req.headers['x-csrf-token'];
      if (unsafe && !sameSecret(typeof sent === 'string' ? sent : undefined, found.csrf)) {
        throw new CsrfError('missing or wrong x-csrf-token header');
      }
      res.locals.agent = found.agent;
      res.locals.csrf = found.csrf;
    } catch (err) {
      // Answered here, not passed on: routers of other modules behind this middleware may not speak our error JSON.
      return sendConsoleError(res, err, log);
    }
    next();
  };
}

function requireRoleWith(min: AgentRole, log: Logger): RequestHandler {
  return (_req, res, next) => {
    const agent = res.locals.agent;
    if (!agent) return sendConsoleError(res, new UnauthenticatedError('not logged in'), log);
    if (RANK[agent.role] < RANK[min]) return sendConsoleError(res, new ForbiddenError(`only a ${min} may do this`), log);
    next();
  };
}

const json = express.json({ limit: '16kb' });
// Answers carry the CSRF token and agents' data: no browser or proxy cache may keep them.
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
const LoginBody = z.object({ email: z.string().trim().min(1).max(320), password: z.string().min(1).max(1_024) });

/** POST /login, POST /logout, GET /me. */
function sessionRoutes(api: Router, d: Deps, limiter: LoginLimiter): void {
  const { agents, sessions, log } = d;
  // An unknown e-mail is checked against this hash, so it costs the same scrypt as a known one.
  const dummyHash = hashPassword(randomBytes(24).toString('base64url'), agents.cost);
  dummyHash.catch((err: unknown) => log.error({ err }, 'cannot make the dummy password hash'));
  const me = async (agent: AgentView, csrf: string): Promise<Me> => {
    const { canned, services, appointments } = await d.opts.extras(agent);
    return { agent, csrf, teams: d.opts.teams, canned, services, appointments };
  };

  api.post('/login', noStore, json, async (req, res) => {
    if (!d.originOk(req.headers, false)) throw new OriginRejectedError('login from another origin');
    const { email, password } = parseBody(LoginBody, req.body);
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    const wait = await limiter.attempt(email, ip);
    if (wait > 0) {
      log.warn({ ip }, 'console login rate-limited');
      throw new RateLimitedError('too many failed logins; try again later', wait);
    }
    const found = await agents.byEmail(email);
    const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyHash));
    if (!found || !ok || found.agent.disabled) {
      log.info({ ip }, 'console login refused');
      throw new LoginFailedError('wrong e-mail or password');
    }
    await limiter.succeeded(email, ip);
    const { agent } = found;
    // A session from before the login is ended, never carried over (session fixation).
    const previous = cookieValue(req.headers.cookie, SESSION_COOKIE);
    if (previous) await sessions.destroy(previous);
    const { token, csrf } = await sessions.create(agent.id);
    res.cookie(SESSION_COOKIE, token, d.cookie);
    log.info({ agentId: agent.id }, 'console login');
    res.json(await me(agent, csrf));
  });

  api.post('/logout', noStore, d.requireAgent, async (req, res) => {
    await sessions.destroy(cookieValue(req.headers.cookie, SESSION_COOKIE) ?? '');
    await d.accounts.changed(agentOf(res).id);
    res.clearCookie(SESSION_COOKIE, d.cookie);
    res.status(204).end();
  });

  api.get('/me', noStore, d.requireAgent, async (_req, res) => {
    res.json(await me(agentOf(res), res.locals.csrf!));
  });
}

const Name = z.string().trim().min(1).max(120);
const Role = z.enum(['agent', 'supervisor', 'admin']);
const MaxConcurrent = z.number().int().min(1).max(50);

/** GET/POST /admin/agents, PATCH /admin/agents/:id; admins only. */
function adminRoutes(api: Router, d: Deps): void {
  const { agents, sessions, log } = d;
  const admin = [noStore, d.requireAgent, requireRoleWith('admin', log), json];
  const codes = new Set(d.opts.teams.map((t) => t.code));
  const teams = z.array(z.string().refine((t) => codes.has(t), { message: `not a team of the catalog (${[...codes].join(', ')})` })).max(100);
  const NewAgentBody = z.strictObject({
    email: z.email().max(254), name: Name, role: Role, password: z.string(), teams, maxConcurrent: MaxConcurrent.default(5),
  });
  const PatchBody = z.strictObject({
    name: Name.optional(), role: Role.optional(), password: z.string().optional(),
    teams: teams.optional(), maxConcurrent: MaxConcurrent.optional(), disabled: z.boolean().optional(),
  });

  api.get('/admin/agents', ...admin, async (_req, res) => {
    res.json({ items: await agents.list() });
  });

  api.post('/admin/agents', ...admin, async (req, res) => {
    const created = await agents.create(parseBody(NewAgentBody, req.body));
    log.info({ agentId: created.id, role: created.role, by: agentOf(res).id }, 'console agent created');
    res.status(201).json(created);
  });

  api.patch('/admin/agents/:id', ...admin, async (req, res) => {
    const patch: AgentPatch = parseBody(PatchBody, req.body);
    const id = String(req.params.id);
    const self = agentOf(res);
    // The last admin locking themselves out would leave only the CLI to recover.
    if (id === self.id && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'))) {
      throw new BadInputError('you cannot disable yourself or give up your own admin role; ask another admin');
    }
    const updated = await agents.update(id, patch);
    // Roles and teams are read on every request; a new password or a disable must also end open sessions.
    const ended = patch.password !== undefined || patch.disabled === true ? await sessions.destroyAllOf(id) : 0;
    // Open console sockets follow at once: closed when the sessions ended, re-scoped to new teams or role.
    await d.accounts.changed(id);
    log.info({ agentId: id, by: self.id, fields: Object.keys(patch), endedSessions: ended }, 'console agent changed');
    res.json(updated);
  });
}

/** Validates a body, or throws BadInputError naming each bad field (never echoing its value). */
function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (r.success) return r.data;
  throw new BadInputError(r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

/** The value of one cookie in a Cookie header (the first one wins), or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const pair of header?.split(';') ?? []) {
    const eq = pair.indexOf('=');
    if (eq > 0 && pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return undefined;
}
