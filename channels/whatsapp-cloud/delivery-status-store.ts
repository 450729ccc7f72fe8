import { sql, type Expression } from 'kysely';
import { sqlGuard } from '../../bot/sql/guard';
import { DependencyUnavailableError } from '../../bot/errors';
import type { Db } from '../../bot/sql/database';
import type { WhatsappCloudMessagesTable } from '../../bot/sql/schema-types';

export type DeliveryState = WhatsappCloudMessagesTable['status'];
const STATES: readonly DeliveryState[] = ['accepted', 'sent', 'delivered', 'read', 'failed'];

/** A sent message's row, as read back. */
export interface DeliveryRecord {
  wamid: string;
  conversationId: string;
  activityId?: string;
  status: DeliveryState;
  error?: { code: number; title?: string; details?: string };
  updatedAt: Date;
}

/** Whether a status webhook's value is one we keep (Meta has others, e.g. the retired `deleted`). */
export const isDeliveryState = (s: string): s is DeliveryState => (STATES as readonly string[]).includes(s);

/**
 * Delivery statuses of the messages we send, in SQL, so an agent can see whether the citizen got
 * (and read) a reply, and why one failed.
 *
 * Read this before changing: the two writers race. `recordSent` runs after the Graph API answered;
 * Meta's `sent` (even `delivered`) webhook can be handled by another process before that. So both
 * writers upsert on the wamid: the send fills in the activity id without touching the status, and a
 * status only ever moves forward (accepted → sent → delivered → read; failed is final), because
 * webhooks themselves arrive out of order.
 */
export class DeliveryStatusStore {
  private readonly guard = sqlGuard('WhatsApp delivery status store', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  /** The Graph API accepted a message for `conversationId`, rendered from activity `activityId`. */
  async recordSent(wamid: string, conversationId: string, activityId: string | undefined, at = new Date()): Promise<void> {
    const now = at.toISOString();
    await this.guard('record a sent message', () =>
      this.db.kysely
        .insertInto('whatsapp_cloud_messages')
        .values({ wamid, conversation_id: conversationId, activity_id: activityId ?? null, status: 'accepted', error: null, created_at: now, updated_at: now })
        .onConflict((oc) => oc.column('wamid').doUpdateSet((eb) => ({ activity_id: eb.ref('excluded.activity_id') })))
        .execute(),
    );
  }

  /** A status webhook: moves the message's status forward (never back), keeping a failure's error. */
  async recordStatus(wamid: string, conversationId: string, status: DeliveryState, error?: DeliveryRecord['error'], at = new Date()): Promise<void> {
    const now = at.toISOString();
    await this.guard('record a delivery status', () =>
      this.db.kysely
        .insertInto('whatsapp_cloud_messages')
        .values({ wamid, conversation_id: conversationId, activity_id: null, status, error: error ? JSON.stringify(error) : null, created_at: now, updated_at: now })
        .onConflict((oc) =>
          oc
            .column('wamid')
            .doUpdateSet((eb) => ({ status: eb.ref('excluded.status'), error: eb.ref('excluded.error'), updated_at: eb.ref('excluded.updated_at') }))
            .where(({ eb, ref }) => eb(rank(ref('excluded.status')), '>', rank(ref('whatsapp_cloud_messages.status')))),
        )
        .execute(),
    );
  }

  /** One message's row, if any. */
  async get(wamid: string): Promise<DeliveryRecord | undefined> {
    const row = await this.guard('read a delivery status', () =>
      this.db.kysely.selectFrom('whatsapp_cloud_messages').selectAll().where('wamid', '=', wamid).executeTakeFirst(),
    );
    return row && toRecord(row);
  }

  /** The messages an activity was sent as (a long reply can take several), oldest first. */
  async forActivity(activityId: string): Promise<DeliveryRecord[]> {
    const rows = await this.guard('read delivery statuses', () =>
      this.db.kysely.selectFrom('whatsapp_cloud_messages').selectAll().where('activity_id', '=', activityId).orderBy('created_at').orderBy('wamid').execute(),
    );
    return rows.map(toRecord);
  }

}

/** A status's place in the order statuses may take; the same numbers on SQLite and PostgreSQL. */
function rank(status: Expression<string>) {
  return sql<number>`(case ${status} when 'accepted' then 0 when 'sent' then 1 when 'delivered' then 2 when 'read' then 3 when 'failed' then 4 else -1 end)`;
}

function toRecord(row: WhatsappCloudMessagesTable): DeliveryRecord {
  return {
    wamid: row.wamid,
    conversationId: row.conversation_id,
    ...(row.activity_id !== null ? { activityId: row.activity_id } : {}),
    status: row.status,
    ...(row.error !== null ? { error: JSON.parse(row.error) as DeliveryRecord['error'] } : {}),
    updatedAt: new Date(row.updated_at),
  };
}
