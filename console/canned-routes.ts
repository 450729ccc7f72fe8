import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { ForbiddenError, NotFoundError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { CannedStore } from '../bot/sql/canned-store';
import { LocaleSchema, type Catalog } from '../catalog/schema';
import { agentOf } from './auth';
import { maySee } from './console-api';
import { sendConsoleError } from './console-error';
import type { AgentView } from './protocol';

export interface CannedRoutesDeps {
  canned: Pick<CannedStore, 'forTeam' | 'save' | 'remove'>;
  catalog: Pick<Catalog, 'teams'>;
  requireAgent: RequestHandler;
  requireRole: (min: 'supervisor') => RequestHandler;
  log: Logger;
}

const Team = z.string().min(1).max(100);
const Code = z.string().regex(/^[a-z][a-z0-9_-]{0,59}$/, 'lowercase code: letters, digits, - and _');
const List = z.object({ team: Team, locale: LocaleSchema }).strict();
const Key = z.object({ team: Team, locale: LocaleSchema, code: Code }).strict();
const Body = z.object({ title: z.string().trim().min(1).max(80), text: z.string().trim().min(1).max(2_000) }).strict();

/** Only these paths are the canned responses': the rest of /console/api is left to the other routers. */
const CANNED_PATH = /^\/canned(\/[^/]+\/[^/]+\/[^/]+)?$/;

/**
 * Canned responses per team and language (issue 15 part 1). `GET /console/api/canned?team=&locale=` is
 * what the composer offers in a conversation (whoever may see the team); `PUT` and `DELETE
 * /console/api/canned/:team/:locale/:code` are a supervisor's edits, of their own teams only (admins: any).
 * Agents read, never write (403).
 */
export function createCannedRoutes(deps: CannedRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router();
  router.use('/console/api', (req, _res, next) => next(CANNED_PATH.test(req.path) ? undefined : 'router'), express.json({ limit: '8kb' }), deps.requireAgent, api);

  const teamExists = (team: string) => {
    if (!deps.catalog.teams.some((t) => t.code === team)) throw new NotFoundError('Ese equipo no existe.');
  };

  api.get('/canned', async (req, res) => {
    const { team, locale } = List.parse(req.query);
    teamExists(team);
    // Another team's list answers like one that does not exist, as everywhere in the console.
    if (!maySee(agentOf(res), { team })) throw new NotFoundError('Ese equipo no existe.');
    res.json({ items: await deps.canned.forTeam(team, locale) });
  });

  const editable = (req: Request, res: Response) => {
    const key = Key.parse(req.params);
    teamExists(key.team);
    if (!oversees(agentOf(res), key.team)) throw new ForbiddenError('Solo quien supervisa el equipo puede cambiar sus respuestas predefinidas.');
    return key;
  };

  api.put('/canned/:team/:locale/:code', deps.requireRole('supervisor'), async (req, res) => {
    const key = editable(req, res);
    const body = Body.parse(req.body);
    await deps.canned.save(key.team, key.locale, { code: key.code, ...body }, agentOf(res).id);
    res.json({ items: await deps.canned.forTeam(key.team, key.locale) });
  });

  api.delete('/canned/:team/:locale/:code', deps.requireRole('supervisor'), async (req, res) => {
    const key = editable(req, res);
    await deps.canned.remove(key.team, key.locale, key.code, agentOf(res).id);
    res.json({ items: await deps.canned.forTeam(key.team, key.locale) });
  });

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}

/** Admins, and supervisors of the team. */
function oversees(agent: AgentView, team: string): boolean {
  return agent.role === 'admin' || (agent.role === 'supervisor' && agent.teams.includes(team));
}
