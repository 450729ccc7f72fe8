import { stringify } from 'csv-stringify/sync';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { systemClock, type Clock } from '../bot/clock';
import type { Logger } from '../bot/logger';
import { lastDays, type Spread, type StatsRange, type StatsReport, type StatsStore } from '../bot/sql/stats-store';
import { noStore } from './auth';
import { sendConsoleError } from './console-error';
import { STATS_TABLES, type StatsAnswer, type StatsTable } from './stats-protocol';

export interface StatsRoutesDeps {
  stats: Pick<StatsStore, 'report'>;
  /** The city's time zone (catalog `city.timezone`): days are its days. */
  timezone: string;
  requireAgent: RequestHandler;
  requireRole(min: 'supervisor'): RequestHandler;
  /** @defaultValue systemClock */
  clock?: Clock;
  log: Logger;
}

const PATH = '/console/api/stats';
/** The range the dashboards open on: the last 30 days, today included. */
export const DEFAULT_STATS_DAYS = 30;
const Range = z.object({ from: z.iso.date().optional(), to: z.iso.date().optional() }).strict();
const Csv = Range.extend({ table: z.enum(STATS_TABLES) }).strict();

/**
 * The council's dashboards (issue 15 part 3), for supervisors and admins: `GET /console/api/stats` (every
 * table of a range of the city's days) and `GET /console/api/stats/csv?table=` (one of them as CSV). Counts
 * only, no citizen's data, so nothing is recorded in the audit log. Numbers from bot/sql/stats-store.ts.
 */
export function createStatsRoutes(deps: StatsRoutesDeps): Router {
  const router = express.Router();
  const clock = deps.clock ?? systemClock;
  const supervisors = [noStore, deps.requireAgent, deps.requireRole('supervisor')];
  const reportOf = (q: z.infer<typeof Range>) => {
    const fallback = lastDays(DEFAULT_STATS_DAYS, clock(), deps.timezone);
    // One day given: the other falls back, so `from` alone runs up to today, `to` alone spans 30 days back.
    const range: StatsRange = { from: q.from ?? (q.to ? shiftDays(q.to, 1 - DEFAULT_STATS_DAYS) : fallback.from), to: q.to ?? fallback.to };
    return deps.stats.report(range, deps.timezone, clock());
  };

  router.get(PATH, ...supervisors, handle(async (req, res) => {
    const report = await reportOf(Range.parse(given(req)));
    const body: StatsAnswer = { ...report, start: report.start.toISOString(), end: report.end.toISOString(), timezone: deps.timezone };
    res.json(body);
  }));

  router.get(`${PATH}/csv`, ...supervisors, handle(async (req, res) => {
    const { table, ...range } = Csv.parse(given(req));
    const report = await reportOf(range);
    const { columns, rows } = CSV_TABLES[table](report);
    res.type('text/csv; charset=utf-8').attachment(`estadisticas-${table}-${report.range.from}-${report.range.to}.csv`);
    // escape_formulas: a cell starting with = + - @ is not run as a formula when opened in a spreadsheet.
    res.send(stringify(rows, { header: true, columns: [...columns], escape_formulas: true }));
  }));

  router.use(PATH, (err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));
  return router;
}

type CsvCell = string | number | undefined;
type CsvTable = (r: StatsReport) => { columns: readonly string[]; rows: Array<Record<string, CsvCell>> };

const spreadCells = (prefix: string, s: Spread): Record<string, CsvCell> =>
  ({ [`${prefix}Count`]: s.count, [`${prefix}MedianSeconds`]: s.median, [`${prefix}P90Seconds`]: s.p90 });
const spreadColumns = (prefix: string) => [`${prefix}Count`, `${prefix}MedianSeconds`, `${prefix}P90Seconds`];

/** Each table as the dashboards show it, with machine names as headers (as the audit log's CSV has); `all` is the total row. */
const CSV_TABLES: Record<StatsTable, CsvTable> = {
  days: (r) => ({ columns: ['day', 'conversations', 'handoffs', 'tickets'], rows: r.days.map((d) => ({ ...d })) }),
  channels: (r) => ({
    columns: ['channel', 'conversations', 'withoutPerson', 'withoutPersonShare'],
    rows: r.channels.map((c) => ({ ...c, withoutPersonShare: c.conversations ? Math.round((c.withoutPerson / c.conversations) * 1000) / 1000 : 0 })),
  }),
  types: (r) => ({ columns: ['type', 'tickets'], rows: r.types.map((t) => ({ ...t })) }),
  times: (r) => ({
    columns: ['team', 'handoffs', ...spreadColumns('claim'), ...spreadColumns('firstAnswer')],
    rows: [...r.times, r.timesAll].map((t) => ({ team: t.team, handoffs: t.handoffs, ...spreadCells('claim', t.toClaim), ...spreadCells('firstAnswer', t.toFirstAnswer) })),
  }),
  reasons: (r) => ({ columns: ['reason', 'handoffs'], rows: r.reasons.map((x) => ({ ...x })) }),
  tickets: (r) => ({
    columns: ['service', 'opened', 'closed', 'stillOpen', ...spreadColumns('openAge'), ...spreadColumns('closedAge')],
    rows: [...r.tickets, r.ticketsAll].map((t) => ({
      service: t.service, opened: t.opened, closed: t.closed, stillOpen: t.stillOpen, ...spreadCells('openAge', t.openAge), ...spreadCells('closedAge', t.closedAge),
    })),
  }),
  satisfaction: (r) => ({ columns: ['team', 'answers', 'average', 'satisfied'], rows: r.satisfaction.map((s) => ({ ...s })) }),
};

/** The query without empty fields (a form's blank inputs mean "the default"). */
function given(req: Request): Record<string, unknown> {
  return Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
}

function shiftDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

function handle(fn: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => void fn(req, res).catch(next);
}
