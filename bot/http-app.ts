import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

export interface OpsDeps {
  redis: Redis;
  /** Resolves when the SQL database answers. */
  pingDatabase: () => Promise<void>;
  metrics: Metrics;
  /** Refreshes gauges (queue depths) right before a scrape. */
  beforeScrape: () => Promise<void>;
  log: Logger;
}

/** The express app with the operational endpoints; channels mount their routers on it. */
export function createHttpApp(ops: OpsDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.get('/readyz', async (_req, res) => {
    const [redis, database] = await Promise.all([
      ops.redis.ping().then(() => 'ok', (err: Error) => `down: ${err.message}`),
      ops.pingDatabase().then(() => 'ok', (err: Error) => `down: ${err.message}`),
    ]);
    const ready = redis === 'ok' && database === 'ok';
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', checks: { redis, database } });
  });
  app.get('/metrics', async (_req, res) => {
    await ops.beforeScrape().catch((err: unknown) => ops.log.error({ err }, 'refreshing queue gauges failed'));
    res.type(ops.metrics.registry.contentType).send(await ops.metrics.registry.metrics());
  });
  return app;
}

/** Last handlers: JSON 404 and JSON 500, never an HTML stack trace. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((_req, res) => void res.status(404).json({ error: { code: 'NotFound', message: 'no such endpoint' } }));
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const status = (err as { status?: number }).status ?? 500;
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    res.status(status).json({ error: { code: status >= 500 ? 'ServiceError' : 'BadArgument', message: status >= 500 ? 'internal error' : (err as Error).message } });
  });
}
