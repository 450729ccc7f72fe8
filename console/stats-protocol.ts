import type { StatsReport } from '../bot/sql/stats-store';

export type {
  ChannelVolume, DayVolume, ReasonCount, ServiceTickets, Spread, StatsRange, TeamSatisfaction, TeamTimes, TypeVolume,
} from '../bot/sql/stats-store';

/**
 * The JSON of the council's dashboards (console/stats-routes.ts), shared by the server and the browser app
 * (which imports types only). Described in docs/openapi/console.yaml. Supervisors and admins only.
 *
 * - `GET /console/api/stats?from=&to=` → StatsAnswer (days `YYYY-MM-DD` in the city's time zone, both
 *   included; by default the last 30 days up to today)
 * - `GET /console/api/stats/csv?table=&from=&to=` → one table of it as a CSV download
 */
export type StatsAnswer = Omit<StatsReport, 'start' | 'end'> & {
  /** The range's instants (ISO): the first day's midnight and the midnight after the last, in `timezone`. */
  start: string;
  end: string;
  /** The city's time zone, in which the days are counted. */
  timezone: string;
};

/** The tables a CSV can be asked for: one per table of the dashboards. */
export const STATS_TABLES = ['days', 'channels', 'types', 'times', 'reasons', 'tickets', 'satisfaction'] as const;
export type StatsTable = (typeof STATS_TABLES)[number];
