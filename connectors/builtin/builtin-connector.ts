import type { Selectable, Transaction } from 'kysely';
import { sqlGuard } from '../../bot/sql/guard';
import { ConnectorUnavailableError, TicketRejectedError } from '../../bot/errors';
import type { Db } from '../../bot/sql/database';
import type { DatabaseSchema, TicketsTable } from '../../bot/sql/schema-types';
import type { Catalog, Service } from '../../catalog/schema';
import type { Connector, ConnectorKind, TicketDraft, TicketRef, TicketState, TicketStatus, TicketStatusChange } from '../connector';
import { formatReference, normalizeReference, yearIn } from './reference';

/** Thrown inside the create transaction to roll it back (and its reference number) when the key is taken. */
class KeyTaken extends Error {}

/**
 * The built-in ticket store: tickets live in the bot's own SQL database (SQLite or PostgreSQL).
 * The reference implementation of Connector, used in development, in dialog tests, and by councils
 * without a back office.
 *
 * References are numbered per service prefix and city-local year without gaps; a retried create with
 * the same idempotency key returns the first ticket, also when the two calls race.
 */
export class BuiltinConnector implements Connector {
  private readonly guard = sqlGuard('built-in ticket store', ConnectorUnavailableError);
  readonly kind = 'builtin' as const;
  readonly #services: ReadonlyMap<string, Service>;

  /**
   * @param routeOf which back office holds each service's tickets of record (default: this store). For an
   *   external one the ticket is kept here as the local copy, marked `delivery: pending` for the queued
   *   delivery job (queues/ticket-delivery), and its TicketRef says `pending`.
   */
  constructor(
    private readonly db: Db,
    private readonly catalog: Catalog,
    private readonly clock: () => Date = () => new Date(),
    private readonly routeOf: (service: string) => ConnectorKind = () => 'builtin',
  ) {
    this.#services = new Map(catalog.services.map((s) => [s.code, s]));
  }

  /** Files a ticket. Unknown service: TicketRejectedError. Database failure: ConnectorUnavailableError. */
  async createTicket(draft: TicketDraft, key: string): Promise<TicketRef> {
    const service = this.#services.get(draft.service);
    if (!service) throw new TicketRejectedError(`unknown service "${draft.service}"`);
    return this.guard('create a ticket', async () => {
      const existing = await this.refByKey(key);
      if (existing) return existing;
      try {
        return await this.db.kysely.transaction().execute((trx) => this.insert(trx, draft, key, service.prefix));
      } catch (err) {
        if (!(err instanceof KeyTaken)) throw err;
        // A concurrent call with the same key committed first: hand back its ticket.
        const winner = await this.refByKey(key);
        if (!winner) throw new ConnectorUnavailableError(`ticket for key ${key} vanished after a conflict`);
        return winner;
      }
    });
  }

  /** Status and full history by reference (any case); undefined when unknown. */
  async getStatus(reference: string): Promise<TicketStatus | undefined> {
    return this.guard('read a ticket', async () => {
      const ticket = await this.db.kysely
        .selectFrom('tickets')
        .selectAll()
        .where('reference', '=', normalizeReference(reference))
        .executeTakeFirst();
      if (!ticket) return undefined;
      const history = await this.histories([ticket.id]);
      return toStatus(ticket, history.get(ticket.id) ?? []);
    });
  }

  /** Tickets of one citizen, and those they filed as someone's representative, newest first. */
  async listForCitizen(citizenId: string): Promise<TicketStatus[]> {
    return this.guard('list tickets', async () => {
      const tickets = await this.db.kysely
        .selectFrom('tickets')
        .selectAll()
        .where((eb) => eb.or([eb('citizen_id', '=', citizenId), eb('representative_id', '=', citizenId)]))
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .execute();
      if (tickets.length === 0) return [];
      const history = await this.histories(tickets.map((t) => t.id));
      // The citizen's own words come along for matching their follow-up questions (see TicketStatus.summary).
      return tickets.map((t) => ({ ...toStatus(t, history.get(t.id) ?? []), summary: [t.description, t.address ?? ''].join(' ').trim() }));
    });
  }

  /**
   * Moves a ticket to `status` and records the change (and its note) in the history.
   * For agents and the back office; the caller pushes the change to the citizen.
   * Unknown reference: TicketRejectedError.
   */
  async updateStatus(reference: string, status: TicketState, note?: string): Promise<TicketStatus> {
    const ref = normalizeReference(reference);
    const updated = await this.guard('update a ticket', async () => {
      const at = this.clock().toISOString();
      return this.db.kysely.transaction().execute(async (trx) => {
        const ticket = await trx
          .updateTable('tickets')
          .set({ status, updated_at: at })
          .where('reference', '=', ref)
          .returning('id')
          .executeTakeFirst();
        if (!ticket) return false;
        await trx.insertInto('ticket_events').values({ ticket_id: ticket.id, status, note: note ?? null, at }).execute();
        return true;
      });
    });
    if (!updated) throw new TicketRejectedError(`unknown ticket reference ${ref}`);
    const current = await this.getStatus(ref);
    if (!current) throw new ConnectorUnavailableError(`ticket ${ref} vanished after an update`);
    return current;
  }

  private async insert(trx: Transaction<DatabaseSchema>, draft: TicketDraft, key: string, prefix: string): Promise<TicketRef> {
    const now = this.clock();
    const at = now.toISOString();
    const year = yearIn(now, this.catalog.city.timezone);
    // Atomic on both dialects: the row lock (PostgreSQL) or the write lock (SQLite) serialises writers,
    // and a rollback (e.g. KeyTaken) gives the number back, so references stay gap-free.
    const counter = await trx
      .insertInto('reference_counters')
      .values({ prefix, year, last: 1 })
      .onConflict((oc) => oc.columns(['prefix', 'year']).doUpdateSet((eb) => ({ last: eb('reference_counters.last', '+', 1) })))
      .returning('last')
      .executeTakeFirstOrThrow();
    const reference = formatReference(prefix, year, counter.last);
    const route = this.routeOf(draft.service);
    const ticket = await trx
      .insertInto('tickets')
      .values({
        reference,
        service: draft.service,
        type: draft.type,
        status: 'open',
        description: draft.description,
        address: draft.location?.address ?? null,
        lat: draft.location?.point?.latitude ?? null,
        lon: draft.location?.point?.longitude ?? null,
        citizen_id: draft.citizenId,
        representative_id: draft.representativeId ?? null,
        channel: draft.channel,
        conversation_id: draft.conversationId,
        locale: draft.locale,
        contact: draft.contact ? JSON.stringify(draft.contact) : null,
        attributes: draft.attributes ? JSON.stringify(draft.attributes) : null,
        connector_kind: route,
        external_id: null,
        delivery: route === 'builtin' ? null : 'pending',
        idempotency_key: key,
        created_at: at,
        updated_at: at,
      })
      // On PostgreSQL a concurrent insert with the same key waits for the other transaction, then skips.
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!ticket) throw new KeyTaken();
    await trx.insertInto('ticket_events').values({ ticket_id: ticket.id, status: 'open', note: null, at }).execute();
    if (draft.attachments.length > 0) {
      await trx
        .insertInto('ticket_attachments')
        .values(draft.attachments.map((a) => ({ ticket_id: ticket.id, content_type: a.contentType, url: a.url, name: a.name ?? null })))
        .execute();
    }
    return { id: String(ticket.id), reference, ...(route !== 'builtin' ? { pending: true } : {}) };
  }

  private async refByKey(key: string): Promise<TicketRef | undefined> {
    const row = await this.db.kysely
      .selectFrom('tickets')
      .select(['id', 'reference', 'delivery'])
      .where('idempotency_key', '=', key)
      .executeTakeFirst();
    return row && { id: String(row.id), reference: row.reference, ...(row.delivery === 'pending' ? { pending: true } : {}) };
  }

  /** Status changes of several tickets, each in the order they happened. */
  private async histories(ticketIds: number[]): Promise<Map<number, TicketStatusChange[]>> {
    const rows = await this.db.kysely
      .selectFrom('ticket_events')
      .select(['ticket_id', 'status', 'note', 'at'])
      .where('ticket_id', 'in', ticketIds)
      .orderBy('ticket_id')
      .orderBy('at')
      .orderBy('id')
      .execute();
    const byTicket = new Map<number, TicketStatusChange[]>();
    for (const r of rows) {
      const list = byTicket.get(r.ticket_id) ?? [];
      list.push({ status: r.status, at: r.at, ...(r.note !== null ? { note: r.note } : {}) });
      byTicket.set(r.ticket_id, list);
    }
    return byTicket;
  }

}

function toStatus(t: Selectable<TicketsTable>, history: TicketStatusChange[]): TicketStatus {
  const note = history.findLast((h) => h.note !== undefined)?.note;
  return {
    reference: t.reference,
    service: t.service,
    type: t.type,
    status: t.status,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    ...(note !== undefined ? { note } : {}),
    history,
    citizenId: t.citizen_id,
    ...(t.representative_id ? { representativeId: t.representative_id } : {}),
  };
}
