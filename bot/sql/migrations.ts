import { Migrator, sql, type ColumnDefinitionBuilder, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import { TICKET_STATES } from '../../connectors/connector';
import { DependencyUnavailableError } from '../errors';
import { searchMigration } from './search-migration';
import { auditLogMigration } from './audit-migration';
import { auditCitizenMigration } from './audit-citizen-migration';
import { representationMigration } from './representation-migration';
import { dataRightsMigration } from './data-rights-migration';
import { deskMigration } from './desk-migration';
import { statsMigration } from './stats-migration';
import { appointmentsMigration } from './appointments-migration';
import { verifiedIdentitiesMigration } from './verified-identities-migration';
import { ticketRepresentativeMigration } from './ticket-representative-migration';

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
    '2026_03_01_000_agents_and_handoffs': {
      async up(db: Kysely<unknown>) {
        // People who answer citizens in the agent console. Roles nest: a supervisor is also an agent, an admin also a supervisor.
        await db.schema
          .createTable('agents')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('email', 'text', (c) => c.notNull().unique())
          .addColumn('display_name', 'text', (c) => c.notNull())
          .addColumn('role', 'text', (c) => c.notNull().check(sql`role in ('agent', 'supervisor', 'admin')`))
          .addColumn('password_hash', 'text', (c) => c.notNull())
          .addColumn('max_concurrent', 'integer', (c) => c.notNull().defaultTo(5))
          .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
          .addColumn('created_at', 'text', (c) => c.notNull())
          .execute();

        await db.schema
          .createTable('agent_teams')
          .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id').onDelete('cascade'))
          .addColumn('team', 'text', (c) => c.notNull())
          .addPrimaryKeyConstraint('agent_teams_pk', ['agent_id', 'team'])
          .execute();
        await db.schema.createIndex('agent_teams_team').on('agent_teams').column('team').execute();

        // One stay of a conversation with people, from the moment the bot hands it off until it is closed,
        // released back to the bot, or given up on (nobody claimed it in time). No foreign key to
        // conversations: like tickets, handoffs are records that outlive an erased transcript.
        await db.schema
          .createTable('handoffs')
          .addColumn('id', 'text', (c) => c.primaryKey())
          .addColumn('conversation_id', 'text', (c) => c.notNull())
          .addColumn('channel', 'text', (c) => c.notNull())
          .addColumn('channel_conversation_id', 'text', (c) => c.notNull())
          .addColumn('user_id', 'text', (c) => c.notNull())
          .addColumn('citizen_id', 'text', (c) => c.notNull())
          .addColumn('team', 'text', (c) => c.notNull())
          .addColumn('priority', 'integer', (c) => c.notNull())
          .addColumn('reason', 'text', (c) => c.notNull().check(sql`reason in ('asked', 'unsure', 'escalated', 'pulled')`))
          .addColumn('summary', 'text', (c) => c.notNull())
          .addColumn('locale', 'text', (c) => c.notNull())
          .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued', 'assigned', 'closed', 'released', 'expired', 'cancelled')`))
          .addColumn('agent_id', 'text')
          .addColumn('ticket_reference', 'text')
          .addColumn('resolution', 'text')
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addColumn('queued_at', 'text', (c) => c.notNull())
          .addColumn('claimed_at', 'text')
          .addColumn('ended_at', 'text')
          .execute();
        await db.schema.createIndex('handoffs_status_team').on('handoffs').columns(['status', 'team', 'queued_at']).execute();
        await db.schema.createIndex('handoffs_conversation').on('handoffs').columns(['conversation_id', 'created_at']).execute();
        await db.schema.createIndex('handoffs_citizen').on('handoffs').columns(['citizen_id', 'created_at']).execute();
        await db.schema.createIndex('handoffs_agent').on('handoffs').columns(['agent_id', 'status']).execute();

        // What happened to a handoff, in order: queued, claimed, transferred, released, closed, notes…
        await db.schema
          .createTable('handoff_events')
          .addColumn('id', autoIdType('integer'), autoId)
          .addColumn('handoff_id', 'text', (c) => c.notNull().references('handoffs.id').onDelete('cascade'))
          .addColumn('kind', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('team', 'text')
          .addColumn('note', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();
        await db.schema.createIndex('handoff_events_handoff').on('handoff_events').columns(['handoff_id', 'id']).execute();

        await db.schema
          .createTable('satisfaction')
          .addColumn('handoff_id', 'text', (c) => c.primaryKey().references('handoffs.id').onDelete('cascade'))
          .addColumn('team', 'text', (c) => c.notNull())
          .addColumn('agent_id', 'text')
          .addColumn('score', 'integer', (c) => c.notNull().check(sql`score between 1 and 5`))
          .addColumn('comment', 'text')
          .addColumn('at', 'text', (c) => c.notNull())
          .execute();

        // Who wrote an outbound message: null for the bot, the agent's id for a person.
        await db.schema.alterTable('messages').addColumn('author', 'text').execute();
      },
    },
    '2026_04_01_000_back_office_delivery': {
      async up(db: Kysely<unknown>) {
        // A ticket for an external back office is filed here first (the citizen gets its reference at
        // once) and delivered by a queued job: `delivery` says where that stands.
        await db.schema.alterTable('tickets').addColumn('delivery', 'text', (c) => c.check(sql`delivery in ('pending', 'accepted', 'rejected')`)).execute();
        await db.schema.alterTable('tickets').addColumn('delivery_error', 'text').execute();
        await db.schema.alterTable('tickets').addColumn('external_token', 'text').execute();
        await db.schema.alterTable('tickets').addColumn('delivered_at', 'text').execute();
        // When the latest delivery attempt began (a retry's duplicate lookup may use any list fetched after it ended).
        await db.schema.alterTable('tickets').addColumn('last_attempt_at', 'text').execute();
        // Answers to the back office's own questions for the service (Open311 attributes), JSON.
        await db.schema.alterTable('tickets').addColumn('attributes', 'text').execute();
        await db.schema.createIndex('tickets_delivery').on('tickets').columns(['delivery', 'created_at']).execute();
        await db.schema.createIndex('tickets_external').on('tickets').columns(['connector_kind', 'external_id']).execute();

        // What a citizen wants to hear from us unasked (status changes of their tickets).
        await db.schema
          .createTable('citizen_preferences')
          .addColumn('citizen_id', 'text', (c) => c.primaryKey())
          .addColumn('status_updates', 'integer', (c) => c.notNull().defaultTo(1))
          .addColumn('updated_at', 'text', (c) => c.notNull())
          .execute();
      },
    },
    // Agents' corrections of a handoff's or a ticket's service and type: labelled examples the
    // classifier of every process trains on (issue 13 part 3).
    '2026_05_01_000_classifier_corrections': {
      async up(db: Kysely<unknown>) {
        await db.schema
          .createTable('classifier_corrections')
          .addColumn('id', autoIdType('integer'), autoId)
          .addColumn('text', 'text', (c) => c.notNull())
          .addColumn('service', 'text', (c) => c.notNull())
          .addColumn('type', 'text', (c) => c.notNull())
          .addColumn('locale', 'text', (c) => c.notNull())
          .addColumn('handoff_id', 'text')
          .addColumn('ticket_reference', 'text')
          .addColumn('agent_id', 'text', (c) => c.notNull())
          .addColumn('created_at', 'text', (c) => c.notNull())
          .addCheckConstraint('classifier_corrections_subject', sql`handoff_id is not null or ticket_reference is not null`)
          .execute();
      },
    },
    // Full-text search over transcripts and citizens' names (issue 15 part 1): FTS5 on SQLite, GIN on PostgreSQL.
    '2026_12_04_000_search': searchMigration(dialect),
    // The tamper-evident audit log of access to citizens' data (issue 15 part 4).
    '2026_12_04_010_audit_log': auditLogMigration(),
    // Erasure requests, the audit log's retention anchor and its entries' counts (issue 15 part 4).
    '2026_12_04_020_data_rights': dataRightsMigration(),
    // The ended-conversations history's index and supervisors' canned responses (issue 15 part 1).
    '2026_12_04_030_desk': deskMigration(),
    // Indexes on when rows happened, for the council's dashboards (issue 15 part 3).
    '2026_12_04_050_stats': statsMigration(),
    // Appointments (cita previa), each slot's places as seats under a unique index (issue 16 part 1).
    '2026_12_04_070_appointments': appointmentsMigration(),
    // The audit log records citizens' own look-ups of their records (issue 16 part 3).
    '2026_12_04_080_audit_citizen_actor': auditCitizenMigration(dialect),
    // Who may act for whom, approved by an agent with an expiry (issue 16 part 4).
    '2026_12_04_090_representations': representationMigration(),
    // Verified identities: assurance level, time, and the sealed identifier for records look-ups (issue 16 parts 2, 3).
    '2026_12_04_100_verified_identities': verifiedIdentitiesMigration(),
    // Tickets filed on someone's behalf name who filed them (issue 16 part 4).
    '2026_12_04_110_ticket_representative': ticketRepresentativeMigration(),
  };
}

class InCodeMigrationProvider implements MigrationProvider {
  constructor(private readonly migrations: Record<string, Migration>) {}
  async getMigrations(): Promise<Record<string, Migration>> {
    return this.migrations;
  }
}

/** Kysely's bookkeeping table: one row per migration that ran. */
const MIGRATION_TABLE = 'kysely_migration';

/**
 * Brings the database to the latest schema. Idempotent, and safe when several processes start at once:
 * PostgreSQL serialises runs with Kysely's advisory lock; SQLite with one `BEGIN IMMEDIATE` transaction
 * (see ImmediateSqliteDialect). `schema` is where Kysely keeps its own bookkeeping tables on PostgreSQL
 * (it must be the schema the tables are created in, i.e. the head of `search_path`).
 * Takes `Kysely<any>` as Kysely's Migrator does: migrations run before, and regardless of, the typed schema.
 *
 * It first reads which migrations ran, and takes the migration lock only when one is pending: every
 * process start goes through here, and with SQLite the lock is the database's one write lock, so a
 * start of an up-to-date bot must not wait for (and time out behind) another process's long write.
 * Returns the names of the migrations it ran (none when the database was up to date).
 */
export async function migrateToLatest(db: Kysely<any>, dialect: SqlDialect, schema?: string): Promise<string[]> {
  const migrations = migrationsFor(dialect);
  if (await isUpToDate(db, dialect, schema, Object.keys(migrations))) return [];
  const migrator = new Migrator({
    db,
    provider: new InCodeMigrationProvider(migrations),
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  let { error, results } = await migrator.migrateToLatest();
  // Kysely's introspector lists the tables of every schema: another schema dropped while it reads
  // (tests drop theirs; a neighbour application may too) fails the read with 3F000. Nothing ran: read again.
  for (let attempt = 1; attempt <= 3 && error && isOtherSchemaGone(error, schema); attempt++) {
    ({ error, results } = await migrator.migrateToLatest());
  }
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    throw new DependencyUnavailableError(failed ? `database migration ${failed} failed` : 'database migrations failed', {
      cause: error,
    });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** PostgreSQL's "schema … does not exist" (3F000) about a schema other than ours. */
function isOtherSchemaGone(error: unknown, ours: string | undefined): boolean {
  const e = error as { code?: unknown; message?: unknown };
  if (e.code !== '3F000' || typeof e.message !== 'string') return false;
  return ours === undefined || !e.message.includes(`"${ours}"`);
}

/**
 * Whether exactly our migrations have run, read without any write lock. Anything else (no bookkeeping
 * table yet, a migration missing, one this code does not know) is left to the Migrator, which runs or
 * refuses under its lock.
 */
async function isUpToDate(db: Kysely<any>, dialect: SqlDialect, schema: string | undefined, names: string[]): Promise<boolean> {
  let ran: string[];
  try {
    const exists = dialect === 'sqlite'
      ? await sql<{ n: number }>`select count(*) as n from sqlite_master where type = 'table' and name = ${MIGRATION_TABLE}`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables where table_name = ${MIGRATION_TABLE} and table_schema = ${schema ?? sql`current_schema()`}`.execute(db);
    if (Number(exists.rows[0]?.n ?? 0) === 0) return false;
    const table = schema ? sql.table(`${schema}.${MIGRATION_TABLE}`) : sql.table(MIGRATION_TABLE);
    ran = (await sql<{ name: string }>`select name from ${table}`.execute(db)).rows.map((r) => r.name);
  } catch (err) {
    throw new DependencyUnavailableError('cannot read which database migrations ran', { cause: err });
  }
  return ran.length === names.length && names.every((n) => ran.includes(n));
}
