import { sql, type RawBuilder } from 'kysely';
import { BadInputError, DependencyUnavailableError } from '../errors';
import type { Db } from './database';
import { sqlGuard } from './guard';
import type { HistoryItem } from '../../console/history-protocol';
import type { HandoffStatus } from './schema-types';

/**
 * Whose eyes the history is for: supervisors and admins see every team's (`all`); an agent sees the
 * handoffs of their teams and the ones they held, as the console's `maySee` says.
 */
export type ClosedHistoryScope = { kind: 'all' } | { kind: 'agent'; agentId: string; teams: readonly string[] };

/** What the history may be narrowed to; every filter given must hold. */
export interface ClosedHistoryFilters {
  team?: string;
  agentId?: string;
  /** Catalog service code: the linked ticket's, else the one the bot had understood (handoff summary). */
  service?: string;
  channel?: string;
  /** Ended at or after. */
  from?: Date;
  /** Ended before. */
  to?: Date;
  /** The citizen's satisfaction score, 1 to 5. */
  rating?: number;
}

/** One ended handoff as the history lists it: the console's item with dates as dates. */
export type ClosedHandoff = Omit<HistoryItem, 'createdAt' | 'endedAt'> & { createdAt: Date; endedAt: Date };

export interface ClosedHistoryPage {
  items: ClosedHandoff[];
  /** Present when there may be more: pass it as `cursor` for the next page. */
  nextCursor?: string;
}

/** Ended with a person: closed by an agent, or given back to the bot. Expired and cancelled ones never reached anyone. */
const ENDED_WITH_A_PERSON: readonly HandoffStatus[] = ['closed', 'released'];

interface Row {
  id: string; conversation_id: string; channel: string; team: string; status: HandoffStatus; agent_id: string | null; display_name: string | null;
  agent_name: string | null; service: string | null; resolution: string | null; score: number | string | null; created_at: string; ended_at: string;
}

/**
 * The history of conversations people attended and ended (issue 15 part 1), newest end first, on SQLite
 * and PostgreSQL alike. Pages are keyset pages on (ended_at, id): a page never repeats nor skips a handoff
 * when others end meanwhile, and page 500 costs what page 1 costs (index `handoffs_ended`).
 *
 * @example
 * const page = await new ClosedHistory(db).page({ kind: 'all' }, { team: 'aguas', rating: 5 });
 */
export class ClosedHistory {
  private readonly guard = sqlGuard('closed history', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  async page(scope: ClosedHistoryScope, filters: ClosedHistoryFilters = {}, opts: { cursor?: string; limit?: number } = {}): Promise<ClosedHistoryPage> {
    const limit = Math.max(1, Math.min(opts.limit ?? 25, 100));
    const after = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    const service = this.serviceOf();
    const rows = await this.guard('list closed conversations', async () => {
      let q = this.db.kysely.selectFrom('handoffs as h')
        .leftJoin('citizens as z', 'z.id', 'h.citizen_id')
        .leftJoin('agents as a', 'a.id', 'h.agent_id')
        .leftJoin('tickets as t', 't.reference', 'h.ticket_reference')
        .leftJoin('satisfaction as s', 's.handoff_id', 'h.id')
        .select(['h.id', 'h.conversation_id', 'h.channel', 'h.team', 'h.status', 'h.agent_id', 'z.display_name', 'a.display_name as agent_name',
          'h.resolution', 's.score', 'h.created_at', 'h.ended_at'])
        .select(service.as('service'))
        .where('h.status', 'in', ENDED_WITH_A_PERSON)
        .where('h.ended_at', 'is not', null);
      if (scope.kind === 'agent') {
        const teams = [...scope.teams];
        q = q.where((eb) => eb.or([eb('h.agent_id', '=', scope.agentId), ...(teams.length ? [eb('h.team', 'in', teams)] : [])]));
      }
      if (filters.team) q = q.where('h.team', '=', filters.team);
      if (filters.agentId) q = q.where('h.agent_id', '=', filters.agentId);
      if (filters.channel) q = q.where('h.channel', '=', filters.channel);
      if (filters.service) q = q.where(service, '=', filters.service);
      if (filters.from) q = q.where('h.ended_at', '>=', filters.from.toISOString());
      if (filters.to) q = q.where('h.ended_at', '<', filters.to.toISOString());
      if (filters.rating !== undefined) q = q.where('s.score', '=', filters.rating);
      if (after) {
        q = q.where((eb) => eb.or([eb('h.ended_at', '<', after.endedAt), eb.and([eb('h.ended_at', '=', after.endedAt), eb('h.id', '<', after.id)])]));
      }
      return q.orderBy('h.ended_at', 'desc').orderBy('h.id', 'desc').limit(limit + 1).execute() as Promise<Row[]>;
    });
    const items = rows.slice(0, limit).map(itemOf);
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, ...(last ? { nextCursor: encodeCursor(last.ended_at, last.id) } : {}) };
  }

  /** The service of a handoff: its ticket's, else the one in its summary (JSON text, read per dialect). */
  private serviceOf(): RawBuilder<string | null> {
    const fromSummary = this.db.dialect === 'sqlite' ? sql`json_extract(h.summary, '$.service')` : sql`(h.summary::json ->> 'service')`;
    return sql<string | null>`coalesce(t.service, ${fromSummary})`;
  }
}

function itemOf(r: Row): ClosedHandoff {
  return {
    handoffId: r.id, conversationKey: r.conversation_id, channel: r.channel, team: r.team,
    // ENDED_WITH_A_PERSON: the query returns no other status.
    status: r.status as HistoryItem['status'],
    createdAt: new Date(r.created_at), endedAt: new Date(r.ended_at),
    ...(r.agent_id ? { agentId: r.agent_id } : {}),
    ...(r.agent_name ? { agentName: r.agent_name } : {}),
    ...(r.display_name ? { citizenName: r.display_name } : {}),
    ...(r.service ? { service: r.service } : {}),
    ...(r.resolution ? { resolution: r.resolution } : {}),
    ...(r.score !== null ? { rating: Number(r.score) } : {}),
  };
}

function encodeCursor(endedAt: string, id: string): string {
  return Buffer.from(JSON.stringify([endedAt, id])).toString('base64url');
}

function decodeCursor(cursor: string): { endedAt: string; id: string } {
  try {
    const [endedAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown[];
    if (typeof endedAt === 'string' && typeof id === 'string' && !Number.isNaN(Date.parse(endedAt))) return { endedAt, id };
  } catch {
    // falls through to the coded error: a cursor is only ever one this store handed out
  }
  throw new BadInputError('That history cursor is not one the console handed out.');
}
