import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { AuditLog } from '../bot/sql/audit-log';
import { MAX_QUERY_LENGTH } from '../bot/sql/search-query';
import type { SearchScope, SearchStore } from '../bot/sql/search-store';
import type { Catalog } from '../catalog/schema';
import type { Handoff } from '../handoff/handoff-store';
import { agentOf } from './auth';
import { maySee } from './console-api';
import { sendConsoleError } from './console-error';
import type { AgentView } from './protocol';
import type { SearchAnswer, SearchOpen } from './search-protocol';

export interface SearchRoutesDeps {
  search: Pick<SearchStore, 'search'>;
  handoffs: { require(id: string): Promise<Handoff> };
  catalog: Pick<Catalog, 'services'>;
  requireAgent: RequestHandler;
  /** Where an opened result is recorded (`search.open`, issue 15 part 4). */
  audit: Pick<AuditLog, 'record'>;
  log: Logger;
}

const Query = z.object({
  q: z.string().trim().min(1).max(MAX_QUERY_LENGTH),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(50).optional(),
}).strict();
const Open = z.object({ handoffId: z.string().min(1).max(100) }).strict();

/** Only these paths are the search's: the rest of /console/api is left to the other routers untouched. */
const SEARCH_PATH = /^\/search(\/open)?$/;

/**
 * The console's search (issue 15 part 1): `GET /console/api/search` over transcripts, citizens and
 * tickets, limited in SQL to what the caller may see (SearchStore's scope is console-api's `maySee`), and
 * `POST /console/api/search/open`, which an agent's click on a result goes through so that the opening is
 * checked again and recorded. Mounted with one line in bot/app.ts; wire types in search-protocol.ts.
 */
export function createSearchRoutes(deps: SearchRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router();
  router.use('/console/api', (req, _res, next) => next(SEARCH_PATH.test(req.path) ? undefined : 'router'), express.json({ limit: '1kb' }), deps.requireAgent, api);

  // Express 5 passes a rejected handler's error to the error handler below.
  api.get('/search', async (req, res) => {
    const { q, cursor, limit } = Query.parse(req.query);
    const r = await deps.search.search(q, { scope: scopeOf(agentOf(res), deps.catalog), ...(cursor ? { cursor } : {}), ...(limit ? { limit } : {}) });
    const body: SearchAnswer = {
      conversations: r.conversations.map((c) => ({ ...c, at: c.at.toISOString() })),
      citizens: r.citizens,
      tickets: r.tickets.map((t) => ({ ...t, createdAt: t.createdAt.toISOString() })),
      ...(r.nextCursor ? { nextCursor: r.nextCursor } : {}),
    };
    res.json(body);
  });

  api.post('/search/open', async (req, res) => {
    const body: SearchOpen = Open.parse(req.body);
    const agent = agentOf(res);
    const h = await deps.handoffs.require(body.handoffId);
    // Another team's handoff answers like one that does not exist, as everywhere in the console.
    if (!maySee(agent, h)) throw new NotFoundError('Esa conversación no existe.');
    // Recorded before the answer: a result that cannot be recorded is not opened.
    await deps.audit.record({
      actor: { id: agent.id, role: agent.role }, action: 'search.open', citizenId: h.citizenId, conversationId: h.conversationKey, handoffId: h.id,
      ...(req.ip ? { ip: req.ip } : {}),
    });
    res.json({ handoffId: h.id });
  });

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}

/** What SearchStore may show this person: everything to supervisors and admins, `maySee` to agents. */
export function scopeOf(agent: AgentView, catalog: Pick<Catalog, 'services'>): SearchScope {
  if (agent.role !== 'agent') return { kind: 'all' };
  const services = catalog.services.filter((s) => agent.teams.includes(s.team)).map((s) => s.code);
  return { kind: 'agent', agentId: agent.id, teams: agent.teams, services };
}
