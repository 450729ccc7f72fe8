import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { stringify } from 'csv-stringify';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../bot/logger';
import { AUDIT_ACTIONS, type AuditFilter, type AuditLog } from '../bot/sql/audit-log';
import { accessBy } from './audit-access';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';

export interface AuditRoutesDeps {
  audit: AuditLog;
  requireAgent: RequestHandler;
  requireRole(min: 'admin'): RequestHandler;
  log: Logger;
}

const PATH = '/console/api/admin/audit';
/** A day (`2026-03-02`, UTC) or an instant (`2026-03-02T10:00:00Z`). */
const When = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
const Filter = z.object({
  agent: z.string().max(200).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
  citizen: z.string().max(200).optional(),
  /** Inclusive. */
  from: When.optional(),
  /** Inclusive: a day means up to its end. */
  to: When.optional(),
}).strict();
const Page = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
});
const CSV_COLUMNS = ['seq', 'at', 'agentId', 'agentRole', 'action', 'citizenId', 'conversationId', 'handoffId', 'ticketReference', 'ip', 'hash'] as const;

/**
 * The audit log for admins (issue 15 part 4): `GET /console/api/admin/audit` (a page, newest first,
 * filtered by agent, action, citizen and dates) and `GET /console/api/admin/audit/csv` (every matching
 * entry as CSV). Reading the log is itself recorded, before anything is answered: no record, no answer.
 */
export function createAuditRoutes(deps: AuditRoutesDeps): Router {
  const router = express.Router();
  // Answers say who read which citizen's data: no browser or proxy cache may keep them.
  const adminOnly = [noStore, deps.requireAgent, deps.requireRole('admin')];

  router.get(PATH, ...adminOnly, handle(async (req, res) => {
    const { filter, query } = filterOf(req);
    const page = Page.parse({ limit: query.limit, offset: query.offset });
    await deps.audit.record({ ...accessBy(req, res), action: 'audit.view', ...(filter.citizenId ? { citizenId: filter.citizenId } : {}) });
    const { items, total } = await deps.audit.list(filter, page);
    res.json({ items, total, ...page });
  }));

  router.get(`${PATH}/csv`, ...adminOnly, handle(async (req, res) => {
    const { filter } = filterOf(req);
    await deps.audit.record({ ...accessBy(req, res), action: 'audit.export', ...(filter.citizenId ? { citizenId: filter.citizenId } : {}) });
    res.type('text/csv; charset=utf-8').attachment(`registro-accesos-${new Date().toISOString().slice(0, 10)}.csv`);
    // escape_formulas: a cell starting with = + - @ is not run as a formula when opened in a spreadsheet.
    const csv = stringify({ header: true, columns: [...CSV_COLUMNS], escape_formulas: true });
    await pipeline(Readable.from(deps.audit.entries(filter)), csv, res);
  }));

  router.use(PATH, (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    // Past the headers (a failure mid-export) there is no error to answer: end the download short.
    if (res.headersSent) {
      deps.log.error({ err }, 'audit log export failed');
      res.destroy();
      return;
    }
    sendConsoleError(res, err, deps.log);
  });
  return router;
}

/** The filter of the query string; empty fields (a form's blank inputs) mean no filter. */
function filterOf(req: Request): { filter: AuditFilter; query: Record<string, unknown> } {
  const query = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
  const { limit: _l, offset: _o, ...rest } = query;
  const f = Filter.parse(rest);
  const filter: AuditFilter = {
    ...(f.agent ? { agentId: f.agent } : {}), ...(f.action ? { action: f.action } : {}), ...(f.citizen ? { citizenId: f.citizen } : {}),
    ...(f.from ? { from: new Date(f.from) } : {}),
    // A day given as `to` takes the whole day: the filter's own `to` is exclusive.
    ...(f.to ? { to: new Date(f.to.length === 10 ? Date.parse(f.to) + 86_400_000 : Date.parse(f.to) + 1) } : {}),
  };
  return { filter, query };
}

function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => void fn(req, res).catch(next);
}
