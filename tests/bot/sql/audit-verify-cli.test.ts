import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuditLog } from '../../../bot/sql/audit-log';
import { DIALECTS, PG_URL, type TestDatabase } from './test-databases';

/* `npm run audit:verify` (bot/audit-verify-cli.ts), from the sources, on both dialects. */

const ROOT = resolve(import.meta.dirname, '../../..');
const run = promisify(execFile);

describe.each(DIALECTS)('npm run audit:verify on $dialect', ({ dialect, open }) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await open();
    const audit = new AuditLog(test.db, { clock: () => Date.parse('2026-05-01T10:00:00Z') });
    for (let i = 1; i <= 5; i++) await audit.record({ actor: { id: 'a1', role: 'agent' }, action: 'transcript.open', handoffId: `h${i}`, ip: '192.0.2.7' });
  });
  afterEach(() => test.drop());

  async function verify(): Promise<{ code: number; stdout: string; stderr: string }> {
    const { DATABASE_URL: _u, DATABASE_SCHEMA: _s, ...env } = process.env;
    const where = dialect === 'sqlite' ? { SQLITE_PATH: test.sqlitePath } : { DATABASE_URL: PG_URL, DATABASE_SCHEMA: test.schema! };
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'bot/audit-verify-cli.ts'], { cwd: ROOT, env: { ...env, ...where }, timeout: 30_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  }

  it('exits 0 with the count and the head hash when the chain is intact', async () => {
    const head = (await new AuditLog(test.db).verify()) as { head: string };
    const r = await verify();
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe(`audit log intact: 5 entries, head ${head.head}\n`);
  });

  it('exits 2 naming the first broken entry when one was altered', async () => {
    await sql`update audit_log set ip = '198.51.100.1' where seq = 3`.execute(test.db.kysely);
    const r = await verify();
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('audit log broken at entry 3: entry 3 does not match its hash: altered, inserted or moved (2 entries before it verify)\n');
  });

  it('exits 2 naming the entry after a deleted one', async () => {
    await sql`delete from audit_log where seq = 2`.execute(test.db.kysely);
    const r = await verify();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^audit log broken at entry 3: entry 3 follows entry 1: 1 entry missing/);
  });
});
