import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { DependencyUnavailableError } from '../../../bot/errors';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { migrationsFor } from '../../../bot/sql/migrations';
import { dropSchema, freshSchemaName, PG_URL } from './test-databases';

const MIGRATIONS = Object.keys(migrationsFor('sqlite')).length;
const ROOT = resolve(import.meta.dirname, '../../..');

const tempDirs: string[] = [];
const schemas: string[] = [];
afterAll(async () => {
  for (const d of tempDirs) rmSync(d, { recursive: true, force: true });
  for (const s of schemas) await dropSchema(s);
});
function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bot-db-'));
  tempDirs.push(dir);
  return join(dir, 'deep', 'er', 'bot.sqlite');
}

async function migrationNames(db: Db): Promise<string[]> {
  const r = await sql<{ name: string }>`select name from kysely_migration order by name`.execute(db.kysely);
  return r.rows.map((x) => x.name);
}

/** Runs openDatabase in a separate Node process, the way a second bot process would. */
function openInChild(sqlitePath: string): Promise<{ code: number | null; stderr: string }> {
  const script = `
    import { openDatabase } from './bot/sql/database';
    const db = await openDatabase({ sqlitePath: process.env.P });
    await db.kysely.insertInto('citizens').values({ id: crypto.randomUUID(), display_name: null, locale: null, created_at: new Date().toISOString() }).execute();
    await db.close();`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: ROOT,
      env: { ...process.env, P: sqlitePath },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => done({ code, stderr }));
  });
}

describe('openDatabase on SQLite', () => {
  it('creates the folder, turns on WAL and foreign keys, and migrates', async () => {
    const path = tempFile();
    const db = await openDatabase({ sqlitePath: path });
    try {
      expect(db.dialect).toBe('sqlite');
      expect(existsSync(path)).toBe(true);
      expect(await migrationNames(db)).toHaveLength(MIGRATIONS);
      const fk = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db.kysely);
      expect(fk.rows[0]?.foreign_keys).toBe(1);
    } finally {
      await db.close();
    }
    const raw = new SQLite(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('reopens an existing database without migrating twice, and keeps its rows', async () => {
    const path = tempFile();
    const first = await openDatabase({ sqlitePath: path });
    await first.kysely.insertInto('citizens').values({ id: 'c1', display_name: 'Ana', locale: 'es', created_at: '2026-01-01T00:00:00.000Z' }).execute();
    await first.close();
    await first.close(); // closing twice is harmless
    const second = await openDatabase({ sqlitePath: path });
    try {
      expect(await migrationNames(second)).toHaveLength(MIGRATIONS);
      expect(await second.kysely.selectFrom('citizens').select('display_name').execute()).toEqual([{ display_name: 'Ana' }]);
    } finally {
      await second.close();
    }
  });

  it('lets several processes open and migrate one new file at the same time', async () => {
    const path = tempFile();
    const results = await Promise.all(Array.from({ length: 4 }, () => openInChild(path)));
    for (const r of results) expect(r, r.stderr).toMatchObject({ code: 0 });
    const db = await openDatabase({ sqlitePath: path });
    try {
      expect(await migrationNames(db)).toHaveLength(MIGRATIONS);
      expect(await db.kysely.selectFrom('citizens').select('id').execute()).toHaveLength(4);
    } finally {
      await db.close();
    }
  });

  it('enforces foreign keys', async () => {
    const db = await openDatabase({ sqlitePath: ':memory:' });
    try {
      const orphan = db.kysely
        .insertInto('conversations')
        .values({ id: 'x:1', channel: 'x', channel_conversation_id: '1', citizen_id: 'nobody', started_at: 'a', last_activity_at: 'a' })
        .execute();
      await expect(orphan).rejects.toThrow(/FOREIGN KEY/i);
    } finally {
      await db.close();
    }
  });
});

describe('openDatabase on PostgreSQL', () => {
  it('creates its schema and keeps every table in it', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const db = await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema });
    try {
      expect(db.dialect).toBe('postgres');
      const r = await sql<{ table_name: string }>`
        select table_name from information_schema.tables where table_schema = ${schema} order by table_name`.execute(db.kysely);
      expect(r.rows.map((x) => x.table_name)).toEqual([
        'agent_teams',
        'agents',
        'appointments',
        'audit_anchor',
        'audit_log',
        'canned_responses',
        'channel_identities',
        'citizen_preferences',
        'citizens',
        'classifier_corrections',
        'conversations',
        'erasure_requests',
        'handoff_events',
        'handoffs',
        'kysely_migration',
        'kysely_migration_lock',
        'messages',
        'reference_counters',
        'representations',
        'satisfaction',
        'ticket_attachments',
        'ticket_events',
        'tickets',
        'verified_identities',
        'whatsapp_cloud_messages',
      ]);
    } finally {
      await db.close();
    }
  });

  it('lets several openers migrate one new schema at the same time', async () => {
    const schema = freshSchemaName();
    schemas.push(schema);
    const dbs = await Promise.all(
      Array.from({ length: 4 }, () => openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema, poolSize: 2 })),
    );
    try {
      for (const db of dbs) expect(await migrationNames(db)).toHaveLength(MIGRATIONS);
    } finally {
      await Promise.all(dbs.map((db) => db.close()));
    }
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema: 'x"; drop' })).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('reports an unreachable server as DependencyUnavailableError', async () => {
    const err = await openDatabase({ databaseUrl: 'postgres://postgres@127.0.0.1:1/test', sqlitePath: ':memory:' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DependencyUnavailableError);
    expect((err as Error).cause).toBeInstanceOf(Error);
  });
});
