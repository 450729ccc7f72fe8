import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Clock } from '../bot/clock';
import type { Logger } from '../bot/logger';
import type { HistoryStore } from '../bot/sql/history-store';
import type { Catalog } from '../catalog/schema';
import type { HandoffService } from '../handoff/handoff-service';
import type { Handoff, HandoffStore } from '../handoff/handoff-store';
import { firstResponseTargetOf, firstResponseWaitSeconds } from '../handoff/response-target';
import { agentOf } from './auth';
import { sendConsoleError } from './console-error';
import type { DeskAnswer, DeskItem, DeskTeam } from './desk-protocol';

export interface DeskRoutesDeps {
  store: Pick<HandoffStore, 'withStatus'>;
  service: Pick<HandoffService, 'view'>;
  history: Pick<HistoryStore, 'transcript'>;
  catalog: Pick<Catalog, 'teams'>;
  requireAgent: RequestHandler;
  requireRole: (min: 'supervisor') => RequestHandler;
  log: Logger;
  /** Injected in tests. @defaultValue Date.now */
  clock?: Clock;
}

const PREVIEW_CHARS = 140;

/**
 * The supervisors' live desk (issue 15 part 1): `GET /console/api/supervisor/desk`, every conversation
 * of their teams still with people (waiting or held) with its agent, its wait for a person against the
 * team's first-response target, and its latest line; counts per team. A supervisor sees their own teams,
 * an admin every team. The console re-reads it when a queue, a handoff or a message of those teams
 * arrives on the socket.
 */
export function createDeskRoutes(deps: DeskRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router();
  const clock = deps.clock ?? Date.now;
  router.use('/console/api', (req, _res, next) => next(req.path === '/supervisor/desk' ? undefined : 'router'), deps.requireAgent, deps.requireRole('supervisor'), api);

  api.get('/supervisor/desk', async (_req, res) => {
    const agent = agentOf(res);
    const teams = deps.catalog.teams.filter((t) => agent.role === 'admin' || agent.teams.includes(t.code));
    const now = new Date(clock());
    const answer: DeskAnswer = { teams: [], items: [] };
    for (const team of teams) {
      const target = firstResponseTargetOf(team);
      const [waiting, held] = await Promise.all([deps.store.withStatus('queued', { team: team.code }), deps.store.withStatus('assigned', { team: team.code })]);
      const items = await Promise.all([...waiting, ...held].map((h) => itemOf(h, target, now)));
      const summary: DeskTeam = { code: team.code, name: team.names.es, firstResponseTargetSeconds: target, waiting: waiting.length, held: held.length, overTarget: items.filter((i) => i.overTarget).length };
      answer.teams.push(summary);
      answer.items.push(...items);
    }
    answer.items.sort((a, b) => b.waitingSeconds - a.waitingSeconds);
    res.json(answer);
  });

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;

  async function itemOf(h: Handoff, target: number, now: Date): Promise<DeskItem> {
    const waitingSeconds = firstResponseWaitSeconds(h, now);
    const [last] = await deps.history.transcript(h.channel, h.conversationId, 1);
    const text = last?.text;
    return {
      ...(await deps.service.view(h)), waitingSeconds, overTarget: waitingSeconds > target,
      ...(last && text ? { lastMessage: { from: last.direction === 'in' ? 'citizen' : last.author ? 'agent' : 'bot', text: text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text, at: last.at.toISOString() } } : {}),
    };
  }
}
