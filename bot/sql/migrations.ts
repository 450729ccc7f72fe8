import { Migrator, sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { TICKET_STATES } from '../../connectors/connector';
import { DependencyUnavailableError } from '../errors';

export type SqlDialect = 'sqlite' | 'postgres';

/**
 * The schema, as ordered in-code migrations. Never edit a migration that has shipped: add a new one.
 * Names sort in the order they must run (Kysely refuses out-of-order history).
 */
export function migrationsFor(dialect: SqlDialect): Record<string, Migration> {
  // An auto-incremented integer key. SQLite needs AUTOINCREMENT so ids of deleted rows are never reused
  // (a ticket id must stay unique forever); PostgreSQL uses an identity column.
  const autoId = (col: ColumnDefinitionBuilder) =>
    dialect === 'sqlite' ? col.primaryKey().autoIncrement() : col.primaryKey().generatedByDefaultAsIdentity();
  const autoIdType = (type: 'integer' | 'bigint') => (dialect === 'sqlite' ? 'integer' : type);
  const states = sql.join(TICKET_STATES.map((s) => sql.lit(s)));

  return {
    '2026_01_01_000_history': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('citizens')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('display_name', 'text')
          .addColumn('locale', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('channel_identities')
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('channel_user_id', 'text', (c) => c.notNull())
          .addColumn('citizen_id', 'text', (c) => c.notNull().references('citizens.id').onDelete('cascade'))
          .addColumn('verified', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('channel_identities_pk', ['channel', 'channel_user_id'])
          .execute();
        await db.schema.createIndex('channel_identities_citizen').on('channel_identities').column('citizen_id').execute();

        await db.schema
          .createTable('conversations')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('channel_conversation_id', 'text', (c) => c.notNull())
          .addColumn('citizen_id', 'text', (c) => c.notNull().references('citizens.id').onDelete('cascade'))
          .addColumn('started_at', 'text', (c) => c.notNull())
          .addColumn('last_activity_at', 'text', (c) => c.notNull())
          .addUniqueConstraint('conversations_channel_uq', ['channel', 'channel_conversation_id'])
          .execute();
        await db.schema.createIndex('conversations_citizen').on('conversations').columns(['citizen_id', 'last_activity_at']).execute();

        await db.schema
          .createTable('messages')
          .addColumn('id', autoIdType('bigint'), autoId)
          .addColumn('conversation_id', 'text', (c) => c.notNull().references('conversations.id').onDelete('cascade'))
          .addColumn('direction', 'text', (c) => c.notNull().check(sql`direction in ('in', 'out')`))
          .addColumn('activity_id', 'text', (c) => c.notNull())
          .addColumn('text', 'text')
          .addColumn('attachments', 'text')
          .addColumn('entities', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          // Replays of the same platform message (webhook retries, re-sent outbound jobs) hit this and are dropped.
          .addUniqueConstraint('messages_activity_uq', ['conversation_id', 'direction', 'activity_id'])
          .execute();
        await db.schema.createIndex('messages_transcript').on('messages').columns(['conversation_id', 'created_at', 'id']).execute();
      },
    },
    '2026_01_01_001_tickets': {
      async up(db: Kysely<unknown>) {
        // No foreign key from tickets to citizens/conversations: tickets are the system of record and
        // must outlive a transcript erased under the retention policy.
        await db.schema
          .createTable('tickets')
          .addColumn('id', autoIdType('integer'), autoId)
          .addColumn('reference', 'text', (c) => c.notNull().unique())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${states})`))
          .addColumn('description', 'text', (c) => c.notNull())
          .addColumn('address', 'text')
          .addColumn('lat', 'double precision')
          .addColumn('lon', 'double precision')
          .addColumn('citizen_id', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('locale', 'text', (c) => c.notNull())
          .addColumn('contact', 'text')
          .addColumn('connector_kind', 'text', (c) => c.notNull())
          .addColumn('external_id', 'text')
          .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('tickets_citizen').on('tickets').columns(['citizen_id', 'created_at']).execute();

        await db.schema
          .createTable('ticket_events')
          .addColumn('id', autoIdType('integer'), autoId)
          .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in (${states})`))
          .addColumn('note', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('ticket_events_ticket').on('ticket_events').columns(['ticket_id', 'at', 'id']).execute();

        await db.schema
          .createTable('ticket_attachments')
          .addColumn('id', autoIdType('integer'), autoId)
          .addColumn('ticket_id', 'integer', (c) => c.notNull().references('tickets.id').onDelete('cascade'))
          .addColumn('content_type', 'text', (c) => c.notNull())
          .addColumn('url', 'text', (c) => c.notNull())
          .addColumn('name', 'text')
          .execute();
        await db.schema.createIndex('ticket_attachments_ticket').on('ticket_attachments').column('ticket_id').execute();

        await db.schema
          .createTable('reference_counters')
          .addColumn('prefix', 'text', (c) => c.notNull())
          .addColumn('year', 'integer', (c) => c.notNull())
          .addColumn('last', 'integer', (c) => c.notNull())
          .addPrimaryKeyConstraint('reference_counters_pk', ['prefix', 'year'])
          .execute();
      },
    },
    '2026_02_01_000_whatsapp_cloud_messages': {
      async up(db: Kysely<unknown>) {
        // One row per message we sent through the WhatsApp Cloud API, keyed by Meta's wamid. A status
        // webhook can arrive before the send's own insert commits, so either side may create the row.
        await db.schema
          .createTable('whatsapp_cloud_messages')
          .addColumn('wamid', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('activity_id', 'text')
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('accepted', 'sent', 'delivered', 'read', 'failed')`))
          .addColumn('error', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('whatsapp_cloud_messages_activity').on('whatsapp_cloud_messages').column('activity_id').execute();
        await db.schema.createIndex('whatsapp_cloud_messages_conversation').on('whatsapp_cloud_messages').columns(['conversation_id', 'created_at']).execute();
      },
    },
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/**
 * Brings the database to the latest schema. Idempotent, and safe when several processes start at once:
 * PostgreSQL serialises runs with Kysely's advisory lock; SQLite with one `BEGIN IMMEDIATE` transaction
 * (see ImmediateSqliteDialect). `schema` is where Kysely keeps its own bookkeeping tables on PostgreSQL
 * (it must be the schema the tables are created in, i.e. the head of `search_path`).
 * Takes `Kysely<any>` as Kysely's Migrator does: migrations run before, and regardless of, the typed schema.
 */
export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialect, schema?: string): Promise<void> {
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(migrationsFor(dialect)),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DependencyUnavailableError(failed ? `database migration ${failed} failed` : 'database migrations failed', {
      cause: error,
    });
  }
}
