import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger';
import type { Metrics } from './metrics';

/** A running metrics endpoint: `GET /metrics` on its own port. */
export interface MetricsServer {
  /** `http://127.0.0.1:<port>` (the real port with METRICS_PORT=0). */
  url: string;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  metrics: Metrics;
  port: number;
  host: string;
  /**
   * Refreshes the gauges read from shared state (queue depths, team queues, agents online, the review
   * list) right before a scrape. Each one is best effort: a failure is logged and the rest still answer.
   */
  beforeScrape: ReadonlyArray<() => Promise<void> | void>;
  log: Logger;
}

/**
 * Serves Prometheus metrics on METRICS_PORT, apart from the public Direct Line port: every role has one
 * (a worker has no public port), and a network policy can open it to the monitoring system alone.
 * Only `GET /metrics` answers; anything else is 404.
 */
export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    void (async () => {
      await Promise.all(o.beforeScrape.map(async (refresh) => {
        try {
          await refresh();
        } catch (err) {
          o.log.warn({ err }, 'refreshing a gauge before a scrape failed');
        }
      }));
      const body = await o.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': o.metrics.registry.contentType }).end(body);
    })().catch((err: unknown) => {
      o.log.error({ err }, 'metrics scrape failed');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('metrics unavailable\n');
    });
  });
  server.listen(o.port, o.host);
  await Promise.race([once(server, 'listening'), once(server, 'error').then(([err]) => Promise.reject(err as Error))]);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
