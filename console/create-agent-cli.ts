import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { loadConfig } from '../bot/config';
import { BadInputError } from '../bot/errors';
import { loadCatalog } from '../catalog/load-catalog';
import { AgentStore } from './agent-store';

/*
 * Creates an agent of the console (the first admin, typically):
 *
 *   tsx console/create-agent-cli.ts --email ana@city.example --name "Ana" --role admin [--teams t1,t2] [--max 5]
 *
 * The password comes from AGENT_PASSWORD or from the first line of stdin (never from an argument:
 * arguments show in `ps` and in shell history). Prints the new agent's id; on error prints one line and
 * exits 1. Uses the same environment as the bot (DATABASE_URL or SQLITE_PATH, DATABASE_SCHEMA, CATALOG).
 */

const Args = z.object({
  email: z.email({ error: '--email must be an e-mail address' }),
  name: z.string({ error: '--name is required' }).trim().min(1, '--name is required').max(120),
  role: z.enum(['agent', 'supervisor', 'admin'], { error: '--role must be agent, supervisor or admin' }),
  teams: z.string().default('').transform((s) => s.split(',').map((t) => t.trim()).filter(Boolean)),
  max: z.coerce.number({ error: '--max must be a number' }).int().min(1).max(50).default(5),
});

async function main(): Promise<string> {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, teams: { type: 'string' }, max: { type: 'string' } },
    strict: true,
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) throw new BadInputError(parsed.error.issues.map((i) => i.message).join('; '));
  const args = parsed.data;
  const password = process.env.AGENT_PASSWORD ?? (await firstLine());
  if (!password) throw new BadInputError('no password: set AGENT_PASSWORD or give it as the first line of stdin');
  const config = loadConfig();
  const known = new Set(loadCatalog(config.CATALOG).teams.map((t) => t.code));
  const unknown = args.teams.filter((t) => !known.has(t));
  if (unknown.length > 0) throw new BadInputError(`unknown team ${unknown.join(', ')}; the catalog has ${[...known].join(', ')}`);
  // Loaded only now: the SQL drivers take ~0.6 s to load, and a mistyped argument should fail at once.
  const { openDatabase } = await import('../bot/sql/database');
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH, schema: config.DATABASE_SCHEMA });
  try {
    const agent = await new AgentStore(db).create({
      email: args.email, name: args.name, role: args.role, password, teams: args.teams, maxConcurrent: args.max,
    });
    return agent.id;
  } finally {
    await db.close();
  }
}

/** The first line of stdin (piped, or typed at a terminal), or undefined when stdin ends empty. */
async function firstLine(): Promise<string | undefined> {
  if (process.stdin.isTTY) process.stderr.write('Password: ');
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line.replace(/\r$/, '');
    return undefined;
  } finally {
    lines.close();
  }
}

try {
  process.stdout.write(`${await main()}\n`);
} catch (err) {
  // One line, even for a ConfigError (it lists its variables on several) or a database failure (the
  // driver's reason is in `cause`).
  let message = err instanceof Error ? err.message : String(err);
  if (err instanceof Error && err.cause instanceof Error) message += ` (${err.cause.message})`;
  process.stderr.write(`error: ${message.replace(/:\s*\n\s*/g, ': ').replace(/\s*\n\s*/g, '; ')}\n`);
  process.exitCode = 1;
}
