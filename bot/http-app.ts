import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { ChannelRegistry } from './channel-registry';
import type { Logger } from './logger';
import { httpMetrics } from './http-metrics';
import type { Metrics } from './metrics';
import { securityHeaders } from './security-headers';
import { httpStatusOf } from './http-status';

export interface OpsDeps {
  redis: Redis;
  /** Resolves when the SQL database answers. */
  pingDatabase: () => Promise<void>;
  /** Counts and times requests (bot/http-metrics.ts); /metrics itself is on METRICS_PORT (bot/metrics-server.ts). */
  metrics: Metrics;
  /** Channels whose health `/readyz` lists and `/healthz/channels` reports (neither makes the process unready). */
  channels: ChannelRegistry;
  log: Logger;
  /** express `trust proxy`: whose `X-Forwarded-For` gives `req.ip` (config TRUST_PROXY). @defaultValue ['loopback'] */
  trustProxy?: boolean | number | ReadonlyArray<string>;
}

/** The express app with the operational endpoints; channels mount their routers on it. */
export function createHttpApp(ops: OpsDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  // API answers are never revalidated: hashing every JSON body for an ETag is wasted work (static files keep theirs).
  app.disable('etag');
  const trustProxy = ops.trustProxy ?? ['loopback'];
  app.set('trust proxy', Array.isArray(trustProxy) ? [...trustProxy] : trustProxy);
  app.use(securityHeaders);
  app.use(httpMetrics(ops.metrics));
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  // Ready means this process can take traffic: Redis and SQL answer. A channel that is down (an unpaired
  // WhatsApp, a Telegram token refused) is listed but does not make it unready: the load balancer would
  // otherwise drop the web chat and the console of every web process for one channel an operator must fix.
  app.get('/readyz', async (_req, res) => {
    const [redis, database] = await Promise.all([
      ops.redis.ping().then(() => 'ok', (err: Error) => `down: ${err.message}`),
      ops.pingDatabase().then(() => 'ok', (err: Error) => `down: ${err.message}`),
    ]);
    const ready = redis === 'ok' && database === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { redis, database }, channels: channelHealth(ops.channels) });
  });
  // For monitoring and alerts: 503 while any channel of this process is down, with each one's reason.
  app.get('/healthz/channels', (_req, res) => {
    const channels = channelHealth(ops.channels);
    const ok = Object.values(channels).every((v) => v === 'ok');
    res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', channels });
  });
  return app;
}

/** Each channel of this process: `ok`, or `down: <reason>` (also for a gauge refreshed before a scrape). */
export function channelHealth(registry: ChannelRegistry): Record<string, string> {
  const channels: Record<string, string> = {};
  for (const c of registry.all()) {
    const h = c.health?.() ?? { ok: true };
    channels[c.id] = h.ok ? 'ok' : `down: ${h.detail ?? 'unavailable'}`;
  }
  return channels;
}

/** Last handlers: JSON 404 and JSON 500, never an HTML stack trace. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((_req, res) => void res.status(404).json({ error: { code: 'NotFound', message: 'no such endpoint' } }));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const { status, message } = refusalOf(err);
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    else log.debug({ err, status, path: req.path }, 'request refused');
    if (res.headersSent) return void res.end();
    res.status(status).json({ error: { code: status >= 500 ? 'ServiceError' : 'BadArgument', message } });
  });
}

/**
 * The status and client-facing message of an error no router answered. Only 4xx errors (body-parser's,
 * express's own) are the client's; their text is shown when marked safe to expose. A bad percent-escape in
 * a path is express 5 failing to decode a parameter (a URIError): the client's mistake, a 400 (issue 12).
 */
function refusalOf(err: unknown): { status: number; message: string } {
  if (err instanceof URIError) return { status: 400, message: 'malformed percent-escape in the path' };
  const e = err as { expose?: unknown; message?: unknown } | undefined;
  const status = httpStatusOf(err);
  if (status >= 500) return { status, message: 'internal error' };
  return { status, message: e?.expose === true && typeof e.message === 'string' ? e.message : 'bad request' };
}
