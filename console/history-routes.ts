import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../bot/logger';
import type { ClosedHistory } from '../bot/sql/closed-history';
import type { Catalog } from '../catalog/schema';
import { agentOf } from './auth';
import { sendConsoleError } from './console-error';
import type { HistoryItem, HistoryPage } from './history-protocol';
import { scopeOf } from './search-routes';

export interface HistoryRoutesDeps {
  history: Pick<ClosedHistory, 'page'>;
  catalog: Pick<Catalog, 'services'>;
  requireAgent: RequestHandler;
  log: Logger;
}

const Code = z.string().trim().min(1).max(100);
const Query = z.object({
  team: Code.optional(),
  agentId: Code.optional(),
  service: Code.optional(),
  channel: Code.optional(),
  /** Ended at or after / before: ISO date-times (the browser turns the agent's days into their local midnights). */
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  rating: z.coerce.number().int().min(1).max(5).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
}).strict();

/**
 * The history of ended conversations (issue 15 part 1): `GET /console/api/history`, newest end first, a
 * keyset page at a time, limited in SQL to what the caller may see (console-api's `maySee`: an agent their
 * teams' and their own, supervisors and admins all). Opening one goes through `GET /handoffs/:id`, which
 * checks it again and records the access. Wire types in history-protocol.ts.
 */
export function createHistoryRoutes(deps: HistoryRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router();
  router.use('/console/api', (req, _res, next) => next(req.path === '/history' ? undefined : 'router'), deps.requireAgent, api);

  api.get('/history', async (req, res) => {
    const q = Query.parse(req.query);
    const page = await deps.history.page(scopeOf(agentOf(res), deps.catalog), {
      ...(q.team ? { team: q.team } : {}), ...(q.agentId ? { agentId: q.agentId } : {}), ...(q.service ? { service: q.service } : {}),
      ...(q.channel ? { channel: q.channel } : {}), ...(q.from ? { from: new Date(q.from) } : {}), ...(q.to ? { to: new Date(q.to) } : {}),
      ...(q.rating !== undefined ? { rating: q.rating } : {}),
    }, { ...(q.cursor ? { cursor: q.cursor } : {}), ...(q.limit ? { limit: q.limit } : {}) });
    const body: HistoryPage = {
      items: page.items.map((i): HistoryItem => ({ ...i, createdAt: i.createdAt.toISOString(), endedAt: i.endedAt.toISOString() })),
      ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}),
    };
    res.json(body);
  });

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}
