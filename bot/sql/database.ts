import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { LRUCache } from 'lru-cache';
import type pg from 'pg';
import { DependencyUnavailableError } from '../errors';
import { ImmediateSqliteDialect } from './immediate-sqlite-dialect';
import { migrateToLatest, type SqlDialect } from './migrations';
import type { DatabaseSchema } from './schema-types';

export type { SqlDialect } from './migrations';

/** An open, migrated database. One per process; share it. */
export interface Db {
  readonly kysely: Kysely<DatabaseSchema>;
  readonly dialect: SqlDialect;
  /** The migrations opening it ran, in order; empty when it was up to date. */
  readonly migrationsRun: ReadonlyArray<string>;
  /** Closes the pool (PostgreSQL) or the file (SQLite). Safe to call twice. */
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** `postgres://…`; when set, PostgreSQL is used and `sqlitePath` is ignored. */
  databaseUrl?: string;
  /** SQLite file (its folder is created) or `:memory:`. */
  sqlitePath: string;
  /**
   * PostgreSQL only: the schema to use (created when missing, put first in every connection's
   * `search_path`). Lets tests and several bots share one database. Lower-case identifier.
   */
  schema?: string;
  /** PostgreSQL pool size. @defaultValue 10 */
  poolSize?: number;
  /** SQLite: how long a writer waits for another process's lock before failing. @defaultValue 5000 */
  busyTimeoutMs?: number;
  /**
   * Called when an idle PostgreSQL connection dies (server restart, network). The pool drops the
   * connection and opens a new one on next use; without a handler pg would crash the process.
   * @defaultValue emits a process warning
   */
  onPoolError?: (err: Error) => void;
}

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Opens the bot's SQL database (PostgreSQL when `databaseUrl` is set, else SQLite) and runs pending
 * migrations. Throws DependencyUnavailableError when the database cannot be reached or migrated.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Db> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openSqlite(opts);
}

async function openSqlite(opts: DatabaseOptions): Promise<Db> {
  let file: SQLite.Database | undefined;
  try {
    const inMemory = opts.sqlitePath === ':memory:' || opts.sqlitePath === '';
    if (!inMemory) mkdirSync(dirname(opts.sqlitePath), { recursive: true });
    file = new SQLite(opts.sqlitePath);
    // WAL lets readers run beside the writer; NORMAL sync is durable across app crashes (not power loss)
    // at a fraction of FULL's fsyncs; busy_timeout makes a second process wait instead of failing.
    file.pragma('journal_mode = WAL');
    file.pragma('synchronous = NORMAL');
    // Checkpoint every ~40 MB of WAL instead of SQLite's 4 MB: transcript batches dirty pages all over the
    // message indexes, and checkpointing them ten times as often cost ~30% of a batch's CPU (bench/ladder).
    // The WAL file is cut back to 64 MB after a checkpoint.
    file.pragma('wal_autocheckpoint = 10000');
    file.pragma('journal_size_limit = 67108864');
    file.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? 5_000)}`);
    file.pragma('foreign_keys = ON');
  } catch (err) {
    file?.close();
    throw new DependencyUnavailableError(`cannot open SQLite database ${opts.sqlitePath}`, { cause: err });
  }
  cachePreparedStatements(file);
  const kysely = new Kysely<DatabaseSchema>({ dialect: new ImmediateSqliteDialect({ database: file }) });
  return migrated(kysely, 'sqlite', undefined);
}

async function openPostgres(url: string, opts: DatabaseOptions): Promise<Db> {
  const schema = opts.schema;
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new DependencyUnavailableError(`invalid PostgreSQL schema name "${schema}"`);
  }
  // Loaded only for PostgreSQL: most small deployments use SQLite, and pg is ~8 MB of every process.
  const { default: pgLib } = await import('pg');
  if (schema) await ensureSchema(pgLib, url, schema);
  const pool = new pgLib.Pool({
    connectionString: url,
    max: opts.poolSize ?? 10,
    // Set at connection start-up, so it costs no round trip per query.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', opts.onPoolError ?? ((err) => process.emitWarning(err, 'PostgresPoolWarning')));
  const kysely = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  let target = schema;
  if (!target) {
    try {
      // Kysely's bookkeeping tables must live where our tables are created: the head of search_path.
      const r = await sql<{ s: string }>`select current_schema() as s`.execute(kysely);
      target = r.rows[0]?.s ?? 'public';
    } catch (err) {
      await kysely.destroy();
      throw new DependencyUnavailableError('cannot reach PostgreSQL', { cause: err });
    }
  }
  return migrated(kysely, 'postgres', target);
}

async function ensureSchema(pgLib: typeof pg, url: string, schema: string): Promise<void> {
  const client = new pgLib.Client({ connectionString: url });
  let connected = false;
  try {
    await client.connect();
    connected = true;
    try {
      await client.query(`create schema if not exists "${schema}"`);
    } catch (err) {
      // Two processes creating the same schema at once: `if not exists` can still fail with a unique
      // violation in the catalog. That is fine as long as the schema now exists.
      const r = await client.query('select 1 from information_schema.schemata where schema_name = $1', [schema]);
      if (r.rowCount === 0) throw err;
    }
  } catch (err) {
    throw new DependencyUnavailableError(`cannot create PostgreSQL schema ${schema}`, { cause: err });
  } finally {
    if (connected) await client.end();
  }
}

async function migrated(kysely: Kysely<DatabaseSchema>, dialect: SqlDialect, schema: string | undefined): Promise<Db> {
  let migrationsRun: string[];
  try {
    migrationsRun = await migrateToLatest(kysely, dialect, schema);
  } catch (err) {
    await kysely.destroy();
    throw err;
  }
  let closed: Promise<void> | undefined;
  return {
    kysely,
    dialect,
    migrationsRun,
    close: () => (closed ??= kysely.destroy()),
  };
}

/**
 * Kysely prepares every query anew; on the hot path (a transcript write per turn) better-sqlite3's
 * `prepare` was ~3% of a worker's CPU. Statements are reusable, so keep the most recent ones by SQL text.
 */
function cachePreparedStatements(file: SQLite.Database, max = 256): void {
  const prepare = file.prepare.bind(file);
  const cache = new LRUCache<string, SQLite.Statement>({ max, memoMethod: (source) => prepare(source) });
  file.prepare = ((source: string) => cache.memo(source)) as typeof file.prepare;
}
