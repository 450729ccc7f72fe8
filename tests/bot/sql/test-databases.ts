import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Db } from '../../../bot/sql/database';

/** The real PostgreSQL the tests use (trust auth). */
export const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Db;
  /** Where a second process or connection finds the same database. */
  sqlitePath: string;
  schema?: string;
  /** Closes the database and deletes its file or schema. */
  drop: () => Promise<void>;
}

/** A migrated SQLite database in a fresh temporary folder (the file itself does not exist yet). */
export async function sqliteTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'bot-sql-'));
  const sqlitePath = join(dir, 'nested', 'bot.sqlite');
  const db = await openDatabase({ sqlitePath });
  return {
    db,
    sqlitePath,
    drop: async () => {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const freshSchemaName = (): string => `t_${randomBytes(6).toString('hex')}`;

/** A migrated PostgreSQL schema of its own, dropped afterwards. */
export async function postgresTestDatabase(): Promise<TestDatabase> {
  const schema = freshSchemaName();
  const db = await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema });
  return { db, sqlitePath: ':memory:', schema, drop: async () => { await db.close(); await dropSchema(schema); } };
}

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: PG_URL });
  await client.connect();
  try {
    await client.query(`drop schema if exists "${schema}" cascade`);
  } finally {
    await client.end();
  }
}

/** Both dialects, for `describe.each`. */
export const DIALECTS = [
  { dialect: 'sqlite', open: sqliteTestDatabase },
  { dialect: 'postgres', open: postgresTestDatabase },
] as const;
