import { sql } from 'kysely';
import { BadInputError, DependencyUnavailableError } from '../errors';
import { instantOf, wallAsUtc } from '../../handoff/office-hours';
import type { Db } from './database';
import { sqlGuard } from './guard';

const DAY_MS = 86_400_000;
/** The longest range the dashboards add up at once. */
export const MAX_STATS_DAYS = 366;
/** A ticket in one of these has been dealt with: its age stops at the first time it got there. */
const FINISHED = ['resolved', 'closed', 'rejected'] as const;

/** Civil days in the city's time zone, both included: `2026-03-01` … `2026-03-30`. */
export interface StatsRange {
  from: string;
  to: string;
}

/** Median and 90th percentile of some waits, in seconds (nearest rank); absent when there was none. */
export interface Spread {
  count: number;
  median?: number;
  p90?: number;
}

export interface DayVolume { day: string; conversations: number; handoffs: number; tickets: number }
export interface ChannelVolume { channel: string; conversations: number; withoutPerson: number }
export interface TypeVolume { type: string; tickets: number }
export interface TeamTimes { team: string; handoffs: number; toClaim: Spread; toFirstAnswer: Spread }
export interface ReasonCount { reason: string; handoffs: number }
export interface ServiceTickets { service: string; opened: number; closed: number; stillOpen: number; openAge: Spread; closedAge: Spread }
export interface TeamSatisfaction { team: string; answers: number; average: number; satisfied: number }

/** The council's dashboards over one range (issue 15 part 3); every list sorted by its key. */
export interface StatsReport {
  range: StatsRange;
  /** The range's instants: `from` at the first day's midnight, `to` (exclusive) at the midnight after the last. */
  start: Date;
  end: Date;
  /** Per day: conversations started, handoffs requested, tickets opened. Every day of the range, zeros too. */
  days: DayVolume[];
  /** Conversations with activity in the range, per channel, and those with no handoff in it (the bot alone). */
  channels: ChannelVolume[];
  /** Tickets opened in the range per procedure type. */
  types: TypeVolume[];
  /** Handoffs requested in the range per team (and `all`): request → first claim, request → first agent message. */
  times: TeamTimes[];
  timesAll: TeamTimes;
  reasons: ReasonCount[];
  /**
   * Per service: tickets opened in the range, closed in it (first resolved/closed/rejected), and those opened in
   * it still open now. Ages: now − opened for the open ones, closed − opened for the closed ones.
   */
  tickets: ServiceTickets[];
  ticketsAll: ServiceTickets;
  /** Satisfaction answers in the range per team: how many, the mean score (1–5), how many gave 4 or 5. */
  satisfaction: TeamSatisfaction[];
}

/** The range as instants: midnights in `timezone`. Refuses a range backwards or longer than MAX_STATS_DAYS. */
export function rangeInstants(range: StatsRange, timezone: string): { start: Date; end: Date; days: string[] } {
  const first = Date.parse(`${range.from}T00:00:00Z`);
  const last = Date.parse(`${range.to}T00:00:00Z`);
  if (Number.isNaN(first) || Number.isNaN(last)) throw new BadInputError('The range needs two days written YYYY-MM-DD.');
  const count = Math.round((last - first) / DAY_MS) + 1;
  if (count < 1) throw new BadInputError('The range ends before it starts.');
  if (count > MAX_STATS_DAYS) throw new BadInputError(`The range may span ${MAX_STATS_DAYS} days at most.`);
  const days = Array.from({ length: count }, (_, i) => new Date(first + i * DAY_MS).toISOString().slice(0, 10));
  return { start: new Date(instantOf(first, timezone)), end: new Date(instantOf(last + DAY_MS, timezone)), days };
}

/** The last `days` civil days up to today in `timezone` (today included). */
export function lastDays(days: number, now: number, timezone: string): StatsRange {
  const today = Math.floor(wallAsUtc(now, timezone) / DAY_MS) * DAY_MS;
  return { from: new Date(today - (days - 1) * DAY_MS).toISOString().slice(0, 10), to: new Date(today).toISOString().slice(0, 10) };
}

/** Median and p90 by nearest rank: values that happened, never an interpolation between two. */
export function spreadOf(seconds: number[]): Spread {
  if (!seconds.length) return { count: 0 };
  const sorted = [...seconds].sort((a, b) => a - b);
  const rank = (p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
  return { count: sorted.length, median: rank(0.5), p90: rank(0.9) };
}

const secondsBetween = (from: string, to: string) => Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 1000));
const n = (v: number | string | bigint | null | undefined) => Number(v ?? 0);

/**
 * The numbers of the council's dashboards, read from SQL with one set of Kysely queries for SQLite and
 * PostgreSQL. Counts are added up in SQL; waits and ages come back one per row and their median and p90 are
 * taken here (neither dialect has a portable percentile). Days are the city's: rows are counted per UTC hour
 * in SQL (timestamps are ISO text, so its first 13 characters) and each hour falls into the civil day it
 * starts in, which is exact for zones whose offset is a whole number of hours (Spain's are).
 *
 * @example
 * const report = await new StatsStore(db).report({ from: '2026-03-01', to: '2026-03-30' }, 'Europe/Madrid', Date.now());
 */
export class StatsStore {
  private readonly guard = sqlGuard('statistics', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  async report(range: StatsRange, timezone: string, now: number): Promise<StatsReport> {
    const { start, end, days } = rangeInstants(range, timezone);
    const from = start.toISOString();
    const to = end.toISOString();
    const [perDay, channels, types, times, reasons, tickets, satisfaction] = await this.guard('add up the dashboards', () => Promise.all([
      this.days(from, to, days, timezone), this.channels(from, to), this.types(from, to), this.times(from, to), this.reasons(from, to),
      this.tickets(from, to, new Date(now).toISOString()), this.satisfaction(from, to),
    ]));
    return { range, start, end, days: perDay, channels, types, ...times, reasons, ...tickets, satisfaction };
  }

  private async days(from: string, to: string, days: string[], timezone: string): Promise<DayVolume[]> {
    const k = this.db.kysely;
    const hour = (column: string) => sql<string>`substr(${sql.ref(column)}, 1, 13)`;
    const [conversations, handoffs, tickets] = await Promise.all([
      k.selectFrom('conversations').select([hour('started_at').as('hour'), k.fn.countAll().as('count')])
        .where('started_at', '>=', from).where('started_at', '<', to).groupBy(hour('started_at')).execute(),
      k.selectFrom('handoffs').select([hour('created_at').as('hour'), k.fn.countAll().as('count')])
        .where('created_at', '>=', from).where('created_at', '<', to).groupBy(hour('created_at')).execute(),
      k.selectFrom('tickets').select([hour('created_at').as('hour'), k.fn.countAll().as('count')])
        .where('created_at', '>=', from).where('created_at', '<', to).groupBy(hour('created_at')).execute(),
    ]);
    const byDay = new Map(days.map((day) => [day, { day, conversations: 0, handoffs: 0, tickets: 0 }]));
    const add = (rows: Array<{ hour: string; count: number | string | bigint }>, key: 'conversations' | 'handoffs' | 'tickets') => {
      for (const r of rows) {
        const day = new Date(wallAsUtc(Date.parse(`${r.hour}:00:00Z`), timezone)).toISOString().slice(0, 10);
        const entry = byDay.get(day);
        if (entry) entry[key] += n(r.count);
      }
    };
    add(conversations, 'conversations');
    add(handoffs, 'handoffs');
    add(tickets, 'tickets');
    return [...byDay.values()];
  }

  private async channels(from: string, to: string): Promise<ChannelVolume[]> {
    const rows = await this.db.kysely.selectFrom('conversations as c')
      .select((eb) => ['c.channel', eb.fn.countAll().as('conversations'),
        eb.fn.sum(eb.case().when(eb.not(eb.exists(eb.selectFrom('handoffs as h').select('h.id')
          .whereRef('h.conversation_id', '=', 'c.id').where('h.created_at', '>=', from).where('h.created_at', '<', to)))).then(1).else(0).end()).as('without')])
      .where('c.started_at', '<', to).where('c.last_activity_at', '>=', from)
      .groupBy('c.channel').orderBy('c.channel').execute();
    return rows.map((r) => ({ channel: r.channel, conversations: n(r.conversations), withoutPerson: n(r.without) }));
  }

  private async types(from: string, to: string): Promise<TypeVolume[]> {
    const rows = await this.db.kysely.selectFrom('tickets').select((eb) => ['type', eb.fn.countAll().as('tickets')])
      .where('created_at', '>=', from).where('created_at', '<', to).groupBy('type').orderBy('type').execute();
    return rows.map((r) => ({ type: r.type, tickets: n(r.tickets) }));
  }

  private async times(from: string, to: string): Promise<{ times: TeamTimes[]; timesAll: TeamTimes }> {
    const rows = await this.db.kysely.selectFrom('handoffs as h')
      .select((eb) => ['h.team', 'h.created_at',
        eb.selectFrom('handoff_events as e').select((e) => e.fn.min('e.at').as('at')).whereRef('e.handoff_id', '=', 'h.id').where('e.kind', '=', 'claimed').as('claimed_at'),
        eb.selectFrom('messages as m').select((m) => m.fn.min('m.created_at').as('at')).whereRef('m.conversation_id', '=', 'h.conversation_id')
          .where('m.direction', '=', 'out').where('m.author', 'is not', null).whereRef('m.created_at', '>=', 'h.created_at').as('answered_at')])
      .where('h.created_at', '>=', from).where('h.created_at', '<', to).execute();
    const group = (team: string, of: typeof rows): TeamTimes => ({
      team, handoffs: of.length,
      toClaim: spreadOf(of.flatMap((r) => (r.claimed_at ? [secondsBetween(r.created_at, r.claimed_at)] : []))),
      toFirstAnswer: spreadOf(of.flatMap((r) => (r.answered_at ? [secondsBetween(r.created_at, r.answered_at)] : []))),
    });
    const teams = [...new Set(rows.map((r) => r.team))].sort();
    return { times: teams.map((t) => group(t, rows.filter((r) => r.team === t))), timesAll: group('all', rows) };
  }

  private async reasons(from: string, to: string): Promise<ReasonCount[]> {
    const rows = await this.db.kysely.selectFrom('handoffs').select((eb) => ['reason', eb.fn.countAll().as('handoffs')])
      .where('created_at', '>=', from).where('created_at', '<', to).groupBy('reason').orderBy('reason').execute();
    return rows.map((r) => ({ reason: r.reason, handoffs: n(r.handoffs) }));
  }

  private async tickets(from: string, to: string, now: string): Promise<{ tickets: ServiceTickets[]; ticketsAll: ServiceTickets }> {
    // Opened in the range, or finished in it: a subquery so its first finish can be filtered on.
    const rows = await this.db.kysely.selectFrom((eb) => eb.selectFrom('tickets as t').select((t) => ['t.service', 't.status', 't.created_at',
      t.selectFrom('ticket_events as e').select((e) => e.fn.min('e.at').as('at')).whereRef('e.ticket_id', '=', 't.id').where('e.status', 'in', [...FINISHED]).as('finished_at')]).as('x'))
      .selectAll()
      .where((eb) => eb.or([eb.and([eb('x.created_at', '>=', from), eb('x.created_at', '<', to)]), eb.and([eb('x.finished_at', '>=', from), eb('x.finished_at', '<', to)])]))
      .execute();
    const isFinished = (status: string) => (FINISHED as readonly string[]).includes(status);
    const group = (service: string, of: typeof rows): ServiceTickets => {
      const opened = of.filter((r) => r.created_at >= from && r.created_at < to);
      const closed = of.filter((r) => r.finished_at !== null && r.finished_at >= from && r.finished_at < to);
      const open = opened.filter((r) => !isFinished(r.status));
      return {
        service, opened: opened.length, closed: closed.length, stillOpen: open.length,
        openAge: spreadOf(open.map((r) => secondsBetween(r.created_at, now))),
        closedAge: spreadOf(closed.map((r) => secondsBetween(r.created_at, r.finished_at!))),
      };
    };
    const services = [...new Set(rows.map((r) => r.service))].sort();
    return { tickets: services.map((s) => group(s, rows.filter((r) => r.service === s))), ticketsAll: group('all', rows) };
  }

  private async satisfaction(from: string, to: string): Promise<TeamSatisfaction[]> {
    const rows = await this.db.kysely.selectFrom('satisfaction').select((eb) => ['team', eb.fn.countAll().as('answers'), eb.fn.sum('score').as('total'),
      eb.fn.sum(eb.case().when('score', '>=', 4).then(1).else(0).end()).as('satisfied')])
      .where('at', '>=', from).where('at', '<', to).groupBy('team').orderBy('team').execute();
    return rows.map((r) => ({ team: r.team, answers: n(r.answers), average: Math.round((n(r.total) / Math.max(1, n(r.answers))) * 100) / 100, satisfied: n(r.satisfied) }));
  }
}
