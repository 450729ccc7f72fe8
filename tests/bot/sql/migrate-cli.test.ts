import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';

/* `npm run migrate` (bot/migrate-cli.ts), from the sources; tests/build runs the built one. */

const ROOT = resolve(import.meta.dirname, '../../..');
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c();
});

function migrate(sqlitePath: string) {
  const { DATABASE_URL: _postgres, ...env } = process.env;
  return spawnSync(process.execPath, ['--import', 'tsx', 'bot/migrate-cli.ts'], { cwd: ROOT, encoding: 'utf8', env: { ...env, SQLITE_PATH: sqlitePath }, timeout: 30_000 });
}

describe('npm run migrate', () => {
  it('migrates a new SQLite file, then, with another connection in a write transaction, finds nothing to do without waiting for it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'bot.sqlite');
    const first = migrate(path);
    expect(first.stderr).toBe('');
    expect(first.stdout).toMatch(/^SQLite .*bot\.sqlite: ran \d+ migration\(s\): 2026_01_01_000_history, /);

    const holder = new SQLite(path);
    holder.exec('begin immediate');
    holder.exec(`insert into citizens (id, created_at) values ('held', '2026-01-01T00:00:00Z')`);
    cleanups.push(() => {
      holder.exec('rollback');
      holder.close();
    });
    // Taking the write lock here would wait busy_timeout (5 s) for the holder and then fail with SQLITE_BUSY.
    const again = migrate(path);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('up to date, nothing to run');
  });

  it('exits 1 with the cause when the database cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrate-cli-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, 'a-file'), '');
    const r = migrate(join(dir, 'a-file', 'bot.sqlite')); // its folder is a file
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot open SQLite database .*a-file\/bot\.sqlite\n\s+caused by: Error \[EEXIST\]/);
  });
});
