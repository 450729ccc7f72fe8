import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/sql/database';
import { AgentStore } from '../../console/agent-store';
import { verifyPassword } from '../../console/passwords';
import { PG_URL, dropSchema, freshSchemaName } from '../bot/sql/test-databases';

const dir = mkdtempSync(join(tmpdir(), 'agent-cli-'));
const sqlitePath = join(dir, 'db', 'bot.sqlite');
const schema = freshSchemaName();
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropSchema(schema);
});

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs the CLI as `npm run` would, with CI=true, no TTY, and `stdin` piped in. */
function cli(args: string[], env: Record<string, string>, stdin = ''): Promise<Run> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'console/create-agent-cli.ts', ...args], {
    // Only what the CLI needs: an AGENT_PASSWORD or DATABASE_URL from the developer's shell must not leak in.
    env: { PATH: process.env.PATH, CI: 'true', SQLITE_PATH: sqlitePath, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(stdin);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

describe('create-agent CLI', () => {
  it('creates an agent on SQLite with the password from stdin and prints its id', async () => {
    const run = await cli(['--email', 'Ana@City.Example', '--name', 'Ana Pérez', '--role', 'admin', '--teams', 'aguas,movilidad', '--max', '3'], {}, 'a long password\n');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const id = run.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const db = await openDatabase({ sqlitePath });
    try {
      const found = await new AgentStore(db).byEmail('ana@city.example');
      expect(found?.agent).toEqual({
        id, email: 'ana@city.example', name: 'Ana Pérez', role: 'admin', teams: ['aguas', 'movilidad'], maxConcurrent: 3, disabled: false,
      });
      // Made with the production cost, not a test one.
      expect(found!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(await verifyPassword('a long password', found!.passwordHash)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it('creates an agent on PostgreSQL in DATABASE_SCHEMA with the password from AGENT_PASSWORD', async () => {
    const env = { DATABASE_URL: PG_URL, DATABASE_SCHEMA: schema, AGENT_PASSWORD: 'another long one' };
    const run = await cli(['--email', 'luis@city.example', '--name', 'Luis', '--role', 'agent'], env);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const db = await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema });
    try {
      expect((await new AgentStore(db).byId(run.stdout.trim()))?.email).toBe('luis@city.example');
    } finally {
      await db.close();
    }
  });

  it('fails with one line and exit code 1 on an unknown team, a bad role or a missing password', async () => {
    const runs = await Promise.all([
      cli(['--email', 'b@city.example', '--name', 'B', '--role', 'agent', '--teams', 'bomberos'], { AGENT_PASSWORD: 'a long password' }),
      cli(['--email', 'b@city.example', '--name', 'B', '--role', 'boss'], { AGENT_PASSWORD: 'a long password' }),
      cli(['--email', 'b@city.example', '--name', 'B', '--role', 'agent'], {}),
    ]);
    expect(runs.map((r) => r.code)).toEqual([1, 1, 1]);
    for (const r of runs) expect(r.stderr).toMatch(/^error: [^\n]+\n$/);
    expect(runs[0]!.stderr).toMatch(/unknown team bomberos/);
    expect(runs[1]!.stderr).toMatch(/--role/);
    expect(runs[2]!.stderr).toMatch(/AGENT_PASSWORD/);
  });
});
