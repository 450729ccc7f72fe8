import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../bot/sql/database';
import { dropSchema, freshSchemaName, PG_URL } from './test-databases';

const ROOT = resolve(import.meta.dirname, '../../..');
const cleanups: Array<() => void | Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'boot-lock-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Another process's connection in a write transaction on `path` (in WAL mode, as the bot leaves the file), until cleanup. */
function holdWriteLock(path: string): SQLite.Database {
  const holder = new SQLite(path);
  holder.pragma('journal_mode = WAL');
  holder.exec('begin immediate');
  cleanups.push(() => {
    holder.exec('rollback');
    holder.close();
  });
  return holder;
}

describe('booting against a database another process is writing to', () => {
  it('opens an up-to-date SQLite database without waiting for the write lock', async () => {
    const path = join(tempDir(), 'bot.sqlite');
    await (await openDatabase({ sqlitePath: path })).close();
    const holder = holdWriteLock(path);
    holder.exec(`insert into citizens (id, created_at) values ('held', '2026-01-01T00:00:00Z')`);

    // Short busy timeout: before, the migration step took the write lock even with nothing to migrate, and failed here.
    const db = await openDatabase({ sqlitePath: path, busyTimeoutMs: 100 });
    try {
      const r = await sql<{ n: number }>`select count(*) as n from citizens`.execute(db.kysely);
      expect(r.rows[0]?.n).toBe(0); // the holder's row is not committed
    } finally {
      await db.close();
    }
  });

  it('opens an up-to-date PostgreSQL schema while another transaction locks its migration bookkeeping', async () => {
    const schema = freshSchemaName();
    cleanups.push(() => dropSchema(schema));
    await (await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema })).close();
    // Kysely's Migrator reads this table before it migrates; its advisory lock is database-wide, so it is not
    // taken here (other tests share the database).
    const pgHolder = new (await import('pg')).default.Client({ connectionString: PG_URL });
    await pgHolder.connect();
    cleanups.push(async () => {
      await pgHolder.query('rollback');
      await pgHolder.end();
    });
    await pgHolder.query('begin');
    await pgHolder.query(`lock table "${schema}".kysely_migration_lock in access exclusive mode`);

    const db = await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema });
    await db.close();
  });

  it('fails the boot of a database with migrations pending, printing the real cause ("database is locked")', async () => {
    const dir = tempDir();
    const path = join(dir, 'bot.sqlite');
    holdWriteLock(path); // a brand-new file: every migration is pending, and they cannot take the lock
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
      cwd: ROOT,
      env: { ...process.env, ROLE: 'worker', LOG_LEVEL: 'error', DATA_DIR: dir, SQLITE_PATH: path, REDIS_PREFIX: `t-boot-lock-${process.pid}` },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('exit', done));
    expect(code).toBe(1);
    expect(stderr).toMatch(/database migrations? .*failed/);
    expect(stderr).toMatch(/caused by: SqliteError \[SQLITE_BUSY\]: database is locked/);
  });
});
