import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../bot/logger';
import type { AuditLog } from '../bot/sql/audit-log';
import type { Representation, RepresentationStore } from '../bot/sql/representation-store';
import { accessBy } from './audit-access';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';
import type { RepresentationDecision, RepresentationItem, RepresentationList } from './representation-protocol';

export interface RepresentationRoutesDeps {
  store: RepresentationStore;
  audit: AuditLog;
  /** A short-lived signed link to a stored file (the proof). */
  signedUrl(url: string): string;
  /** Tells the representative the decision on the channel they asked from. */
  tell(r: Representation): Promise<void>;
  requireAgent: RequestHandler;
  requireRole(min: 'supervisor'): RequestHandler;
  log: Logger;
}

const BASE = '/console/api/representations';
const Id = z.string().uuid();
const Approve = z.object({ expiresOn: z.iso.date() }).strict();
const Refuse = z.object({ reason: z.string().trim().min(3).max(500) }).strict();
const DAY = 86_400_000;

/**
 * The review of requests to act for someone else (issue 16 part 4), for supervisors and admins: granting
 * one lets a person read and file for another, a decision above a front-line agent's. See
 * representation-protocol.ts for the routes. No caching; opening a proof is recorded in the audit log.
 */
export function createRepresentationRoutes(deps: RepresentationRoutesDeps): Router {
  const router = express.Router();
  const reviewers = [noStore, express.json({ limit: '4kb' }), deps.requireAgent, deps.requireRole('supervisor')];
  const route = (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler => (req, res, next) => {
    fn(req, res).then((body) => res.json(body), next);
  };

  router.get(BASE, ...reviewers, route(async (): Promise<RepresentationList> => ({ items: (await deps.store.pending()).map(itemOf) })));
  router.get(`${BASE}/:id/proof`, ...reviewers, (req, res, next) => {
    (async () => {
      const r = await deps.store.byId(Id.parse(req.params.id));
      // No access without its record: the entry is written before the link is given.
      await deps.audit.record({ ...accessBy(req, res), action: 'citizen.view', citizenId: r.representativeId });
      res.redirect(303, deps.signedUrl(r.proofMedia));
    })().catch(next);
  });
  router.post(`${BASE}/:id/approve`, ...reviewers, route(async (req, res): Promise<RepresentationDecision> => {
    const { expiresOn } = Approve.parse(req.body);
    const decided = await deps.store.approve(Id.parse(req.params.id), { agentId: accessBy(req, res).actor.id, expiresAt: new Date(Date.parse(`${expiresOn}T00:00:00Z`) + DAY) });
    await tellSafely(decided);
    return { status: 'approved', expiresAt: decided.expiresAt!.toISOString() };
  }));
  router.post(`${BASE}/:id/refuse`, ...reviewers, route(async (req, res): Promise<RepresentationDecision> => {
    const { reason } = Refuse.parse(req.body);
    const decided = await deps.store.refuse(Id.parse(req.params.id), { agentId: accessBy(req, res).actor.id, reason });
    await tellSafely(decided);
    return { status: 'refused' };
  }));

  router.use(BASE, (err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;

  /** The decision stands whether or not the message leaves now: the outbound queue retries, a failure is logged. */
  async function tellSafely(r: Representation): Promise<void> {
    await deps.tell(r).catch((err: unknown) => deps.log.warn({ err, representationId: r.id }, 'representative not told the decision'));
  }
}

function itemOf(r: Representation): RepresentationItem {
  return { id: r.id, representativeId: r.representativeId, representedName: r.representedName, relationship: r.relationship, channel: r.channel, createdAt: r.createdAt.toISOString() };
}
