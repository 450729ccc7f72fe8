import { sql, type Selectable } from 'kysely';
import type { ConversationKey } from '../bot/conversation-key';
import { sqlGuard } from '../bot/sql/guard';
import { DependencyUnavailableError } from '../bot/errors';
import type { Db } from '../bot/sql/database';
import type { HandoffReason, HandoffsTable, HandoffStatus } from '../bot/sql/schema-types';
import type { HandoffSummary, Locale } from '../dialogs/engine-deps';

/** A handoff as the service works with it (SQL row, parsed). */
export interface Handoff {
  id: string;
  conversationKey: ConversationKey;
  channel: string;
  conversationId: string;
  userId: string;
  citizenId: string;
  team: string;
  priority: number;
  reason: HandoffReason;
  summary: HandoffSummary;
  locale: Locale;
  status: HandoffStatus;
  agentId?: string;
  ticketReference?: string;
  resolution?: string;
  createdAt: Date;
  queuedAt: Date;
  claimedAt?: Date;
  endedAt?: Date;
}

export type NewHandoff = Omit<Handoff, 'status' | 'createdAt' | 'queuedAt' | 'agentId' | 'ticketReference' | 'resolution' | 'claimedAt' | 'endedAt'>;

export interface HandoffEventRow {
  kind: string;
  agentId?: string;
  team?: string;
  note?: string;
  at: Date;
}

/** Handoffs still with people: waiting in a queue or held by an agent. */
export const ACTIVE: readonly HandoffStatus[] = ['queued', 'assigned'];

/**
 * Handoffs, their events and satisfaction answers in SQL: the record of who held which conversation
 * and when. State changes are conditional updates (`… WHERE status IN (…)`), so two agents clicking
 * "claim" at once, or a claim racing a timeout, leave exactly one winner on SQLite and PostgreSQL alike.
 */
export class HandoffStore {
  private readonly guard = sqlGuard('handoff store', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  async open(h: NewHandoff, at = new Date()): Promise<Handoff> {
    const now = at.toISOString();
    await this.guard('open a handoff', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        await trx.insertInto('handoffs').values({
          id: h.id, conversation_id: h.conversationKey, channel: h.channel, channel_conversation_id: h.conversationId,
          user_id: h.userId, citizen_id: h.citizenId, team: h.team, priority: h.priority, reason: h.reason,
          summary: JSON.stringify(h.summary), locale: h.locale, status: 'queued', ticket_reference: h.summary.ticketReference ?? null,
          created_at: now, queued_at: now,
        }).execute();
        await trx.insertInto('handoff_events').values({ handoff_id: h.id, kind: 'queued', team: h.team, at: now }).execute();
      }),
    );
    return { ...h, status: 'queued', createdAt: at, queuedAt: at, ...(h.summary.ticketReference ? { ticketReference: h.summary.ticketReference } : {}) };
  }

  /**
   * Gives a queued handoff to `agentId` if it is still queued and the agent holds fewer than `max`
   * conversations. Returns the handoff on success, undefined when someone else was first (or it left the queue).
   */
  async claim(id: string, agentId: string, max: number, at = new Date()): Promise<Handoff | undefined> {
    const now = at.toISOString();
    const won = await this.guard('claim a handoff', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        const held = trx.selectFrom('handoffs').select(sql<number>`count(*)`.as('n')).where('agent_id', '=', agentId).where('status', '=', 'assigned');
        const r = await trx.updateTable('handoffs')
          .set({ status: 'assigned', agent_id: agentId, claimed_at: now })
          .where('id', '=', id).where('status', '=', 'queued')
          .where(() => sql<boolean>`(${held}) < ${max}`)
          .executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await trx.insertInto('handoff_events').values({ handoff_id: id, kind: 'claimed', agent_id: agentId, at: now }).execute();
        return true;
      }),
    );
    return won ? this.byId(id) : undefined;
  }

  /**
   * Moves a handoff from one of `from` to `to`, setting `fields`, and records `event`. Returns the
   * updated handoff, or undefined when it was no longer in one of `from` (someone else acted first).
   * `from` may also require the holder (`heldBy`): an agent's own action fails once someone moved it.
   */
  async transition(
    id: string,
    from: readonly HandoffStatus[] | { statuses: readonly HandoffStatus[]; heldBy: string },
    to: HandoffStatus,
    fields: Partial<Pick<HandoffsTable, 'agent_id' | 'team' | 'priority' | 'resolution' | 'queued_at' | 'claimed_at' | 'ended_at'>>,
    event: { kind: string; agentId?: string; team?: string; note?: string },
    at = new Date(),
  ): Promise<Handoff | undefined> {
    const now = at.toISOString();
    const ok = await this.guard('update a handoff', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        const statuses = 'heldBy' in from ? from.statuses : from;
        let update = trx.updateTable('handoffs').set({ ...fields, status: to }).where('id', '=', id).where('status', 'in', [...statuses]);
        if ('heldBy' in from) update = update.where('agent_id', '=', from.heldBy);
        const r = await update.executeTakeFirst();
        if (Number(r.numUpdatedRows) !== 1) return false;
        await trx.insertInto('handoff_events').values({ handoff_id: id, kind: event.kind, agent_id: event.agentId ?? null, team: event.team ?? null, note: event.note ?? null, at: now }).execute();
        return true;
      }),
    );
    return ok ? this.byId(id) : undefined;
  }

  async addEvent(id: string, event: { kind: string; agentId?: string; team?: string; note?: string }, at = new Date()): Promise<void> {
    await this.guard('record a handoff event', () =>
      this.db.kysely.insertInto('handoff_events').values({ handoff_id: id, kind: event.kind, agent_id: event.agentId ?? null, team: event.team ?? null, note: event.note ?? null, at: at.toISOString() }).execute(),
    );
  }

  async setTicket(id: string, reference: string, agentId?: string): Promise<void> {
    await this.guard('attach a ticket', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('handoffs').set({ ticket_reference: reference }).where('id', '=', id).execute();
        await trx.insertInto('handoff_events').values({ handoff_id: id, kind: 'ticket', agent_id: agentId ?? null, note: reference, at: new Date().toISOString() }).execute();
      }),
    );
  }

  async byId(id: string): Promise<Handoff | undefined> {
    const row = await this.guard('read a handoff', () => this.db.kysely.selectFrom('handoffs').selectAll().where('id', '=', id).executeTakeFirst());
    return row ? fromRow(row) : undefined;
  }

  /** The conversation's handoff that is still queued or assigned, if any. */
  async activeOf(conversationKey: ConversationKey): Promise<Handoff | undefined> {
    const row = await this.guard('read a handoff', () =>
      this.db.kysely.selectFrom('handoffs').selectAll().where('conversation_id', '=', conversationKey).where('status', 'in', [...ACTIVE]).orderBy('created_at', 'desc').executeTakeFirst(),
    );
    return row ? fromRow(row) : undefined;
  }

  async withStatus(status: HandoffStatus, filter: { team?: string; agentId?: string } = {}): Promise<Handoff[]> {
    const rows = await this.guard('list handoffs', () => {
      let q = this.db.kysely.selectFrom('handoffs').selectAll().where('status', '=', status);
      if (filter.team) q = q.where('team', '=', filter.team);
      if (filter.agentId) q = q.where('agent_id', '=', filter.agentId);
      return q.orderBy('queued_at').execute();
    });
    return rows.map(fromRow);
  }

  /** How many conversations each agent holds now. */
  async loads(): Promise<Map<string, number>> {
    const rows = await this.guard('count loads', () =>
      this.db.kysely.selectFrom('handoffs').select(['agent_id', sql<number>`count(*)`.as('n')]).where('status', '=', 'assigned').groupBy('agent_id').execute(),
    );
    return new Map(rows.filter((r) => r.agent_id !== null).map((r) => [r.agent_id!, Number(r.n)]));
  }

  async events(id: string): Promise<HandoffEventRow[]> {
    const rows = await this.guard('read handoff events', () =>
      this.db.kysely.selectFrom('handoff_events').selectAll().where('handoff_id', '=', id).orderBy('id').execute(),
    );
    return rows.map((r) => ({ kind: r.kind, at: new Date(r.at), ...(r.agent_id ? { agentId: r.agent_id } : {}), ...(r.team ? { team: r.team } : {}), ...(r.note ? { note: r.note } : {}) }));
  }

  /** A citizen's handoffs, newest first, with the satisfaction score when they gave one. */
  async ofCitizen(citizenId: string, limit = 50): Promise<Array<Handoff & { satisfaction?: number }>> {
    const rows = await this.guard('list a citizen\'s handoffs', () =>
      this.db.kysely.selectFrom('handoffs as h').leftJoin('satisfaction as s', 's.handoff_id', 'h.id')
        .selectAll('h').select('s.score').where('h.citizen_id', '=', citizenId).orderBy('h.created_at', 'desc').limit(limit).execute(),
    );
    return rows.map((r) => ({ ...fromRow(r), ...(r.score !== null ? { satisfaction: Number(r.score) } : {}) }));
  }

  /** Stores the citizen's 1–5 answer once; a second answer for the same handoff is ignored. */
  async recordSatisfaction(handoffId: string, score: number, comment?: string): Promise<void> {
    const h = await this.byId(handoffId);
    if (!h) return;
    await this.guard('record satisfaction', () =>
      this.db.kysely.insertInto('satisfaction')
        .values({ handoff_id: handoffId, team: h.team, agent_id: h.agentId ?? null, score, comment: comment ?? null, at: new Date().toISOString() })
        .onConflict((oc) => oc.column('handoff_id').doUpdateSet({ comment: comment ?? null }))
        .execute(),
    );
  }

  /** Mean seconds from queued to claimed per team, over handoffs claimed since `since`. */
  async meanWaits(since: Date): Promise<Map<string, number>> {
    const rows = await this.guard('average waits', () =>
      this.db.kysely.selectFrom('handoffs').select(['team', 'queued_at', 'claimed_at']).where('claimed_at', '>=', since.toISOString()).execute(),
    );
    const sums = new Map<string, { total: number; n: number }>();
    for (const r of rows) {
      const s = sums.get(r.team) ?? { total: 0, n: 0 };
      s.total += (Date.parse(r.claimed_at!) - Date.parse(r.queued_at)) / 1_000;
      s.n += 1;
      sums.set(r.team, s);
    }
    return new Map([...sums].map(([team, s]) => [team, s.total / s.n]));
  }

  async countByReason(since: Date): Promise<Record<HandoffReason, number>> {
    const rows = await this.guard('count handoffs', () =>
      this.db.kysely.selectFrom('handoffs').select(['reason', sql<number>`count(*)`.as('n')]).where('created_at', '>=', since.toISOString()).groupBy('reason').execute(),
    );
    const out: Record<HandoffReason, number> = { asked: 0, unsure: 0, escalated: 0, pulled: 0 };
    for (const r of rows) out[r.reason] = Number(r.n);
    return out;
  }

  async satisfactionByTeam(): Promise<Array<{ team: string; answers: number; average: number }>> {
    const rows = await this.guard('average satisfaction', () =>
      this.db.kysely.selectFrom('satisfaction').select(['team', sql<number>`count(*)`.as('n'), sql<number>`avg(score)`.as('avg')]).groupBy('team').execute(),
    );
    return rows.map((r) => ({ team: r.team, answers: Number(r.n), average: Math.round(Number(r.avg) * 100) / 100 }));
  }

}

function fromRow(r: Selectable<HandoffsTable>): Handoff {
  return {
    id: r.id,
    conversationKey: r.conversation_id as ConversationKey,
    channel: r.channel,
    conversationId: r.channel_conversation_id,
    userId: r.user_id,
    citizenId: r.citizen_id,
    team: r.team,
    priority: Number(r.priority),
    reason: r.reason,
    summary: JSON.parse(r.summary) as HandoffSummary,
    locale: r.locale,
    status: r.status,
    createdAt: new Date(r.created_at),
    queuedAt: new Date(r.queued_at),
    ...(r.agent_id ? { agentId: r.agent_id } : {}),
    ...(r.ticket_reference ? { ticketReference: r.ticket_reference } : {}),
    ...(r.resolution ? { resolution: r.resolution } : {}),
    ...(r.claimed_at ? { claimedAt: new Date(r.claimed_at) } : {}),
    ...(r.ended_at ? { endedAt: new Date(r.ended_at) } : {}),
  };
}
