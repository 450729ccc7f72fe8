import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { NotFoundError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { Handoff } from '../handoff/handoff-store';
import type { VideoCalls } from '../handoff/video-call';
import { agentOf } from './auth';
import { maySee } from './console-api';
import { sendConsoleError } from './console-error';

export interface VideoRoutesDeps {
  calls: VideoCalls;
  /** The handoff by id (NotFoundError when there is none). */
  handoffOf(id: string): Promise<Handoff>;
  /** Minutes a call's links work (shown to the agent). */
  ttlMinutes: number;
  requireAgent: RequestHandler;
  log: Logger;
}

/**
 * The console's video call routes (issue 15 part 2), beside the console API and behind the same checks:
 * a session (requireAgent: cookie, CSRF, origin) and `maySee` on the handoff, which answers 404 for what
 * the agent may not see. Starting and ending are the holder's alone (VideoCalls answers E_NOT_HOLDER).
 *
 * - `GET /console/api/video` → `{ enabled, secured, ttlMinutes }`: whether the console offers calls
 * - `POST /console/api/handoffs/:id/video` → VideoCallView: 201 a new call (the citizen gets the link), 200 the one in progress
 * - `DELETE /console/api/handoffs/:id/video` → HandoffEvent: the call ended (the citizen is told); 409 E_NO_VIDEO_CALL
 */
export function createVideoRoutes(deps: VideoRoutesDeps): Router {
  const router = express.Router();
  // No body is read: these routes take none, and a parser limit of 1 kB refuses anything sent anyway.
  const guard = [express.json({ limit: '1kb' }), deps.requireAgent];
  const visible = async (res: Response, id: string): Promise<Handoff> => {
    const h = await deps.handoffOf(id);
    if (!maySee(agentOf(res), h)) throw new NotFoundError('Esa conversación no existe.');
    return h;
  };
  const route = (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler => (req, res, next) => {
    fn(req, res).then((body) => res.json(body), next);
  };

  router.get('/console/api/video', ...guard, route(async () => ({
    enabled: deps.calls.enabled, secured: deps.calls.secured, ttlMinutes: deps.ttlMinutes,
  })));

  router.post('/console/api/handoffs/:id/video', ...guard, route(async (req, res) => {
    const call = await deps.calls.start(agentOf(res), await visible(res, String(req.params.id)));
    res.status(call.started ? 201 : 200);
    return call;
  }));

  router.delete('/console/api/handoffs/:id/video', ...guard, route(async (req, res) =>
    deps.calls.end(agentOf(res), await visible(res, String(req.params.id)))));

  router.use('/console/api', (err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}
