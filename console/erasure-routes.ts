import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../bot/logger';
import type { Erasures } from '../privacy/erasure';
import { accessBy } from './audit-access';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';

export interface ErasureRoutesDeps {
  erasures: Erasures;
  requireAgent: RequestHandler;
  requireRole(min: 'admin'): RequestHandler;
  log: Logger;
}

const BASE = '/console/api/admin/erasures';
const Id = z.string().uuid();
const CitizenId = z.string().min(1).max(200);
const Reject = z.object({ reason: z.string().trim().min(1).max(500) }).strict();
const NoBody = z.union([z.undefined(), z.object({}).strict()]);

/**
 * Citizens' erasure requests for admins (GDPR art. 17):
 * - `GET /console/api/admin/erasures`: the pending requests, oldest first (citizen, channel, date);
 * - `GET …/erasures/:id`: one request and what erasing would remove now (counts);
 * - `POST …/erasures/:id/confirm`: erases (recorded as data.erase with the counts) and tells the citizen;
 * - `POST …/erasures/:id/reject` `{ reason }`: the citizen is told the reason;
 * - `POST /console/api/admin/citizens/:citizenId/erasure`: an admin erases from the citizen's record.
 * Admins only, no caching; the erasing routes refuse while the citizen talks to a person (409).
 */
export function createErasureRoutes(deps: ErasureRoutesDeps): Router {
  const router = express.Router();
  const adminOnly = [noStore, express.json({ limit: '4kb' }), deps.requireAgent, deps.requireRole('admin')];
  const route = (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler => (req, res, next) => {
    fn(req, res).then((body) => res.json(body), next);
  };

  router.get(BASE, ...adminOnly, route(async () => ({ items: await deps.erasures.pending() })));
  router.get(`${BASE}/:id`, ...adminOnly, route(async (req) => deps.erasures.get(Id.parse(req.params.id))));
  router.post(`${BASE}/:id/confirm`, ...adminOnly, route(async (req, res) => {
    NoBody.parse(req.body);
    return { removed: await deps.erasures.confirm(Id.parse(req.params.id), accessBy(req, res)) };
  }));
  router.post(`${BASE}/:id/reject`, ...adminOnly, route(async (req, res) => {
    const { reason } = Reject.parse(req.body);
    await deps.erasures.reject(Id.parse(req.params.id), accessBy(req, res), reason);
    return { status: 'rejected' };
  }));
  router.post('/console/api/admin/citizens/:citizenId/erasure', ...adminOnly, route(async (req, res) => {
    NoBody.parse(req.body);
    return { removed: await deps.erasures.eraseNow(CitizenId.parse(req.params.citizenId), accessBy(req, res)) };
  }));

  router.use([BASE, '/console/api/admin/citizens'], (err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}
