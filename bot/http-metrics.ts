import type { NextFunction, Request, Response } from 'express';
import type { Metrics } from './metrics';

/**
 * Counts and times every request on the public port. The route label is the matched pattern
 * (`/v3/directline/conversations/:conversationId/activities`), never the path itself, so ids in paths
 * do not make a series each; requests no route matched (static files, 404s) share one label each.
 */
export function httpMetrics(metrics: Metrics) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const route = routeOf(req, res.statusCode);
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      metrics.httpRequests.inc({ method: methodOf(req.method), route, status: `${Math.floor(res.statusCode / 100)}xx` });
      metrics.httpSeconds.observe({ method: methodOf(req.method), route }, seconds);
      const refused = (res.locals as { webhookRefused?: WebhookRefusal }).webhookRefused;
      if (refused) metrics.webhookRefusals.inc(refused);
    });
    next();
  };
}

/** Which webhook refused a request, and why (a fixed word: missing, wrong, stale…). */
export interface WebhookRefusal { source: 'whatsapp_cloud' | 'telegram' | 'backoffice'; reason: string }

/**
 * Marks a response as a webhook's refusal of a missing or wrong signature or secret; counted in
 * citybot_webhook_refusals_total when it is sent, so the routers need no metrics of their own.
 */
export function markWebhookRefused(res: Response, refusal: WebhookRefusal): void {
  (res.locals as { webhookRefused?: WebhookRefusal }).webhookRefused = refusal;
}

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
const methodOf = (m: string): string => (METHODS.has(m) ? m : 'OTHER');

function routeOf(req: Request, status: number): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  if (typeof pattern === 'string') return `${req.baseUrl}${pattern}`;
  return status === 404 ? 'unmatched' : 'static';
}
