import type { Selectable } from 'kysely';
import { sqlGuard } from '../bot/sql/guard';
import { ConnectorUnavailableError } from '../bot/errors';
import type { Db } from '../bot/sql/database';
import type { TicketsTable } from '../bot/sql/schema-types';
import type { ConnectorKind, TicketContact, TicketState } from './connector';

/** A locally filed ticket on its way to (or in) an external back office. */
export interface DeliveryTicket {
  id: number;
  reference: string;
  service: string;
  type: TicketsTable['type'];
  status: TicketState;
  description: string;
  address?: string;
  point?: { latitude: number; longitude: number };
  contact?: TicketContact;
  attributes?: Record<string, string | string[]>;
  citizenId: string;
  channel: string;
  conversationId: string;
  locale: TicketsTable['locale'];
  kind: ConnectorKind;
  idempotencyKey: string;
  delivery: TicketsTable['delivery'];
  externalId?: string;
  externalToken?: string;
  /** When the latest delivery attempt began. */
  lastAttemptAt?: Date;
  photos: string[];
  createdAt: string;
}

const FINAL: readonly TicketState[] = ['resolved', 'closed', 'rejected'];

/**
 * The delivery side of the tickets table: what is still to be handed to a back office, what it
 * answered, and the tickets whose status we follow there. The built-in connector owns filing and
 * status history; this class owns only the delivery columns.
 */
export class DeliveryStore {
  private readonly guard = sqlGuard('ticket store', ConnectorUnavailableError);
  constructor(private readonly db: Db) {}

  async byReference(reference: string): Promise<DeliveryTicket | undefined> {
    const row = await this.guard('read a ticket', () => this.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirst());
    return row ? this.withPhotos(row) : undefined;
  }

  async byExternalId(kind: ConnectorKind, externalId: string): Promise<DeliveryTicket | undefined> {
    const row = await this.guard('read a ticket', () =>
      this.db.kysely.selectFrom('tickets').selectAll().where('connector_kind', '=', kind).where('external_id', '=', externalId).executeTakeFirst(),
    );
    return row ? this.withPhotos(row) : undefined;
  }

  /** Tickets still waiting for delivery, oldest first, a page at a time (`afterId`: the last id of the previous page). */
  async pending(limit = 5_000, afterId = 0): Promise<Array<{ id: number; reference: string }>> {
    return this.guard('list pending deliveries', () =>
      this.db.kysely.selectFrom('tickets').select(['id', 'reference']).where('delivery', '=', 'pending').where('id', '>', afterId).orderBy('id').limit(limit).execute(),
    );
  }

  /** Delivered tickets of `kind` the back office has not finished with: their status is polled. */
  async following(kind: ConnectorKind, limit = 500): Promise<DeliveryTicket[]> {
    const rows = await this.guard('list followed tickets', () =>
      this.db.kysely.selectFrom('tickets').selectAll().where('connector_kind', '=', kind).where('delivery', '=', 'accepted')
        .where('status', 'not in', [...FINAL]).orderBy('updated_at').limit(limit).execute(),
    );
    return rows.map((r) => fromRow(r, []));
  }

  async accepted(reference: string, externalId: string, at = new Date()): Promise<void> {
    await this.guard('record a delivery', () =>
      this.db.kysely.updateTable('tickets').set({ delivery: 'accepted', external_id: externalId, external_token: null, delivered_at: at.toISOString(), delivery_error: null })
        .where('reference', '=', reference).execute(),
    );
  }

  async attemptStarted(reference: string, at = new Date()): Promise<void> {
    await this.guard('record an attempt', () => this.db.kysely.updateTable('tickets').set({ last_attempt_at: at.toISOString() }).where('reference', '=', reference).execute());
  }

  async tokenReceived(reference: string, token: string): Promise<void> {
    await this.guard('record a token', () => this.db.kysely.updateTable('tickets').set({ external_token: token }).where('reference', '=', reference).execute());
  }

  async rejected(reference: string, reason: string): Promise<void> {
    await this.guard('record a rejection', () =>
      this.db.kysely.updateTable('tickets').set({ delivery: 'rejected', delivery_error: reason.slice(0, 2_000) }).where('reference', '=', reference).execute(),
    );
  }

  /** An agent fixed a rejected ticket (or asks to try again): back to pending. */
  async retry(reference: string): Promise<boolean> {
    const r = await this.guard('retry a delivery', () =>
      this.db.kysely.updateTable('tickets').set({ delivery: 'pending', delivery_error: null }).where('reference', '=', reference).where('delivery', '=', 'rejected').executeTakeFirst(),
    );
    return Number(r.numUpdatedRows) === 1;
  }

  /** How many tickets wait for an agent's review (the metric citybot_backoffice_review_tickets). */
  async countRejected(): Promise<number> {
    const row = await this.guard('count rejections', () =>
      this.db.kysely.selectFrom('tickets').select((eb) => eb.fn.countAll<string | number>().as('n')).where('delivery', '=', 'rejected').executeTakeFirstOrThrow(),
    );
    return Number(row.n);
  }

  /** Rejected tickets (for agents to review), newest first. */
  async rejections(limit = 200): Promise<Array<DeliveryTicket & { error: string }>> {
    const rows = await this.guard('list rejections', () =>
      this.db.kysely.selectFrom('tickets').selectAll().where('delivery', '=', 'rejected').orderBy('updated_at', 'desc').limit(limit).execute(),
    );
    return rows.map((r) => ({ ...fromRow(r, []), error: r.delivery_error ?? '' }));
  }

  /** Whether the citizen still wants status updates (the default). */
  async wantsUpdates(citizenId: string): Promise<boolean> {
    const row = await this.guard('read preferences', () => this.db.kysely.selectFrom('citizen_preferences').select('status_updates').where('citizen_id', '=', citizenId).executeTakeFirst());
    return row === undefined || row.status_updates === 1;
  }

  async setWantsUpdates(citizenId: string, wants: boolean, at = new Date()): Promise<void> {
    await this.guard('store preferences', () =>
      this.db.kysely.insertInto('citizen_preferences').values({ citizen_id: citizenId, status_updates: wants ? 1 : 0, updated_at: at.toISOString() })
        .onConflict((oc) => oc.column('citizen_id').doUpdateSet({ status_updates: wants ? 1 : 0, updated_at: at.toISOString() }))
        .execute(),
    );
  }

  private async withPhotos(row: Selectable<TicketsTable>): Promise<DeliveryTicket> {
    const photos = await this.guard('read attachments', () =>
      this.db.kysely.selectFrom('ticket_attachments').select(['url', 'content_type']).where('ticket_id', '=', row.id).orderBy('id').execute(),
    );
    return fromRow(row, photos.filter((p) => p.content_type.startsWith('image/')).map((p) => p.url));
  }

}

function fromRow(r: Selectable<TicketsTable>, photos: string[]): DeliveryTicket {
  return {
    id: r.id, reference: r.reference, service: r.service, type: r.type, status: r.status, description: r.description,
    citizenId: r.citizen_id, channel: r.channel, conversationId: r.conversation_id, locale: r.locale,
    kind: r.connector_kind as ConnectorKind, idempotencyKey: r.idempotency_key, delivery: r.delivery, photos, createdAt: r.created_at,
    ...(r.address ? { address: r.address } : {}),
    ...(r.lat !== null && r.lon !== null ? { point: { latitude: Number(r.lat), longitude: Number(r.lon) } } : {}),
    ...(r.contact ? { contact: JSON.parse(r.contact) as TicketContact } : {}),
    ...(r.attributes ? { attributes: JSON.parse(r.attributes) as Record<string, string | string[]> } : {}),
    ...(r.external_id ? { externalId: r.external_id } : {}),
    ...(r.external_token ? { externalToken: r.external_token } : {}),
    ...(r.last_attempt_at ? { lastAttemptAt: new Date(r.last_attempt_at) } : {}),
  };
}
