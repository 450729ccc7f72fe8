import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../bot/logger';
import type { AuditLog } from '../bot/sql/audit-log';
import type { Db } from '../bot/sql/database';
import { LocaleSchema } from '../catalog/schema';
import { collectCitizenData, type CitizenData } from '../privacy/citizen-data';
import { readableCopy } from '../privacy/readable-copy';
import { accessBy } from './audit-access';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';

export interface DataCopyRoutesDeps {
  db: Db;
  audit: AuditLog;
  /** Moves transcript lines still in Redis to SQL first, so the copy is complete. */
  flushTranscripts(): Promise<void>;
  requireAgent: RequestHandler;
  requireRole(min: 'admin'): RequestHandler;
  log: Logger;
  clock?: () => number;
}

const PATH = '/console/api/admin/citizens/:citizenId/data-copy';
const TextQuery = z.object({ locale: LocaleSchema.default('es') }).strict();
const NoQuery = z.object({}).strict();
const CitizenId = z.string().min(1).max(200);

/**
 * A citizen's copy of their data produced by an admin (GDPR art. 15, when the citizen asks by another
 * way than the bot), the same files the bot sends the citizen, as downloads:
 * `GET /console/api/admin/citizens/:citizenId/data-copy` (JSON) and `…/data-copy/text?locale=es`.
 * Each is recorded in the audit log before it is answered.
 */
export function createDataCopyRoutes(deps: DataCopyRoutesDeps): Router {
  const router = express.Router();
  const adminOnly = [noStore, deps.requireAgent, deps.requireRole('admin')];
  const copy = async (req: Request, res: Response): Promise<CitizenData> => {
    const citizenId = CitizenId.parse(req.params.citizenId);
    await deps.audit.record({ ...accessBy(req, res), action: 'data.export', citizenId });
    await deps.flushTranscripts();
    return collectCitizenData(deps.db, citizenId, new Date(deps.clock?.() ?? Date.now()));
  };
  const fileName = (data: CitizenData, ext: string): string => `datos-${data.citizenId.replace(/[^A-Za-z0-9_-]/g, '_')}-${data.madeAt.slice(0, 10)}.${ext}`;

  router.get(PATH, ...adminOnly, handle(deps, async (req, res) => {
    NoQuery.parse(req.query);
    const data = await copy(req, res);
    res.attachment(fileName(data, 'json')).type('application/json; charset=utf-8').send(JSON.stringify(data, null, 2));
  }));
  router.get(`${PATH}/text`, ...adminOnly, handle(deps, async (req, res) => {
    const { locale } = TextQuery.parse(req.query);
    const data = await copy(req, res);
    res.attachment(fileName(data, 'txt')).type('text/plain; charset=utf-8').send(readableCopy(data, locale));
  }));
  return router;
}

function handle(deps: Pick<DataCopyRoutesDeps, 'log'>, fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res) => void fn(req, res).catch((err: unknown) => sendConsoleError(res, err, deps.log));
}
