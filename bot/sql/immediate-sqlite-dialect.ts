import { CompiledQuery, SqliteAdapter, SqliteDialect, SqliteDriver, type DatabaseConnection, type SqliteDialectConfig } from 'kysely';

/**
 * Kysely's SQLite dialect with two changes that make several processes sharing one file safe:
 *
 * - Transactions start with `BEGIN IMMEDIATE`. A plain (deferred) `BEGIN` takes the write lock only at
 *   the first write; in WAL mode, if another process committed since this transaction's first read,
 *   that upgrade fails at once with SQLITE_BUSY and `busy_timeout` does not help. Every transaction we
 *   run writes, so taking the write lock up front turns the race into an ordinary wait.
 * - The adapter reports transactional DDL (which SQLite has), so Kysely's Migrator runs all pending
 *   migrations in one such transaction. That transaction is the migration lock: a second process waits
 *   for it, then finds nothing pending. (Kysely's own SQLite lock is a no-op that assumes one process.)
 */
export class ImmediateSqliteDialect extends SqliteDialect {
  // SqliteDialect keeps its config private; keep our own copy to build the driver.
  readonly #config: SqliteDialectConfig;

  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }

  override createDriver(): SqliteDriver {
    return new ImmediateSqliteDriver(this.#config);
  }

  override createAdapter(): SqliteAdapter {
    return new TransactionalDdlSqliteAdapter();
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}
