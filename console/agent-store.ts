import { randomUUID } from 'node:crypto';
import { sqlGuard } from '../bot/sql/guard';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { AgentExistsError, DependencyUnavailableError, UnknownAgentError } from '../bot/errors';
import type { Db } from '../bot/sql/database';
import type { AgentRole, AgentsTable, DatabaseSchema } from '../bot/sql/schema-types';
import { DEFAULT_SCRYPT_COST, hashPassword, type ScryptCost } from './passwords';
import type { AgentView } from './protocol';

/** What an admin (or the CLI) gives to create an agent. */
export interface NewAgent {
  email: string;
  name: string;
  role: AgentRole;
  /** Plain text; hashed here, never stored. 10 to 256 characters. */
  password: string;
  /** Catalog team codes (the caller checks them against the catalog). */
  teams: readonly string[];
  /** @defaultValue 5 */
  maxConcurrent?: number;
}

/** Fields an admin may change; absent fields stay as they are. `teams` replaces the whole set. */
export interface AgentPatch {
  name?: string;
  role?: AgentRole;
  password?: string;
  teams?: readonly string[];
  maxConcurrent?: number;
  disabled?: boolean;
}

/** The login lookup: the only answer that carries the password hash. */
export interface AgentCredentials {
  agent: AgentView;
  passwordHash: string;
}

export interface AgentStoreOptions {
  /** scrypt cost of new hashes. @defaultValue DEFAULT_SCRYPT_COST (only tests lower it) */
  cost?: ScryptCost;
  clock?: () => Date;
}

type Row = Selectable<AgentsTable>;

/**
 * The agents of the console and their teams, in SQL (SQLite or PostgreSQL, same behaviour).
 * Answers are AgentView (protocol.ts): the password hash leaves this class only through `byEmail`.
 * Database failures surface as DependencyUnavailableError with the driver error as `cause`.
 */
export class AgentStore {
  private readonly guard = sqlGuard('agent store', DependencyUnavailableError);
  readonly cost: ScryptCost;
  private readonly clock: () => Date;

  constructor(private readonly db: Db, options: AgentStoreOptions = {}) {
    this.cost = options.cost ?? DEFAULT_SCRYPT_COST;
    this.clock = options.clock ?? (() => new Date());
  }

  /** Creates an agent. Throws WeakPasswordError, or AgentExistsError when the e-mail is taken (any case). */
  async create(input: NewAgent): Promise<AgentView> {
    // Hash before the transaction: scrypt takes ~100 ms and must not hold SQLite's write lock.
    const passwordHash = await hashPassword(input.password, this.cost);
    const id = randomUUID();
    const email = normalizeEmail(input.email);
    return this.guard('create the agent', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        // The unique e-mail decides a race between two creations; the loser inserts nothing.
        const inserted = await trx
          .insertInto('agents')
          .values({
            id, email, display_name: input.name, role: input.role, password_hash: passwordHash,
            max_concurrent: input.maxConcurrent ?? 5, disabled: 0, created_at: this.clock().toISOString(),
          })
          .onConflict((oc) => oc.column('email').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) throw new AgentExistsError('an agent with this e-mail already exists');
        await insertTeams(trx, id, input.teams);
        return (await viewIn(trx, id))!;
      }),
    );
  }

  /** The agent with this id, or undefined. */
  async byId(id: string): Promise<AgentView | undefined> {
    return this.guard('read the agent', () => viewIn(this.db.kysely, id));
  }

  /** For login only: the agent with this e-mail (any case) and their password hash. */
  async byEmail(email: string): Promise<AgentCredentials | undefined> {
    return this.guard('read the agent', async () => {
      const row = await this.db.kysely.selectFrom('agents').selectAll().where('email', '=', normalizeEmail(email)).executeTakeFirst();
      if (!row) return undefined;
      return { agent: toView(row, await teamsIn(this.db.kysely, row.id)), passwordHash: row.password_hash };
    });
  }

  /** Every agent, disabled ones included, by name. */
  async list(): Promise<AgentView[]> {
    return this.guard('list the agents', async () => {
      const [rows, memberships] = await Promise.all([
        this.db.kysely.selectFrom('agents').selectAll().execute(),
        this.db.kysely.selectFrom('agent_teams').select(['agent_id', 'team']).execute(),
      ]);
      return withTeams(rows, memberships);
    });
  }

  /**
   * Changes an agent and returns it as it is now. Throws UnknownAgentError or WeakPasswordError.
   * Killing the agent's sessions after a password change or a disable is the caller's job (sessions.ts).
   */
  async update(id: string, patch: AgentPatch): Promise<AgentView> {
    // Hashed (and length-checked) before the transaction, for the same reason as in create.
    const passwordHash = patch.password === undefined ? undefined : await hashPassword(patch.password, this.cost);
    const columns = {
      ...(patch.name !== undefined && { display_name: patch.name }),
      ...(patch.role !== undefined && { role: patch.role }),
      ...(passwordHash !== undefined && { password_hash: passwordHash }),
      ...(patch.maxConcurrent !== undefined && { max_concurrent: patch.maxConcurrent }),
      ...(patch.disabled !== undefined && { disabled: patch.disabled ? 1 : 0 }),
    };
    return this.guard('update the agent', () =>
      this.db.kysely.transaction().execute(async (trx) => {
        // On PostgreSQL, lock the row so two concurrent team replacements cannot interleave their
        // delete and insert (SQLite's BEGIN IMMEDIATE already serializes writers).
        const found = await trx
          .selectFrom('agents')
          .select('id')
          .where('id', '=', id)
          .$if(this.db.dialect === 'postgres', (q) => q.forUpdate())
          .executeTakeFirst();
        if (!found) throw new UnknownAgentError(`no agent has the id ${id}`);
        if (Object.keys(columns).length > 0) await trx.updateTable('agents').set(columns).where('id', '=', id).execute();
        if (patch.teams !== undefined) {
          await trx.deleteFrom('agent_teams').where('agent_id', '=', id).execute();
          await insertTeams(trx, id, patch.teams);
        }
        return (await viewIn(trx, id))!;
      }),
    );
  }

  /** The team codes of an agent, sorted (empty for an unknown agent). */
  async teamsOf(id: string): Promise<string[]> {
    return this.guard('read the teams', () => teamsIn(this.db.kysely, id));
  }

  /** The agents of one team (disabled ones included: callers filter), by name. */
  async agentsOfTeam(team: string): Promise<AgentView[]> {
    return this.guard('list the team', async () => {
      const rows = await this.db.kysely
        .selectFrom('agents')
        .selectAll()
        .where('id', 'in', (q) => q.selectFrom('agent_teams').select('agent_id').where('team', '=', team))
        .execute();
      if (rows.length === 0) return [];
      const memberships = await this.db.kysely
        .selectFrom('agent_teams')
        .select(['agent_id', 'team'])
        .where('agent_id', 'in', rows.map((r) => r.id))
        .execute();
      return withTeams(rows, memberships);
    });
  }

}

/** E-mails are compared in lower case: the login name is the address, whatever case it was typed in. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

type Reader = Pick<Kysely<DatabaseSchema>, 'selectFrom'>;

// Sorting happens here, not in SQL: PostgreSQL's collation and SQLite's byte order disagree (case,
// accents, `-` in team codes), and both dialects must answer alike.
const byCodePoint = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: AgentView, b: AgentView): number => a.name.localeCompare(b.name, 'es') || byCodePoint(a.id, b.id);

function withTeams(rows: Row[], memberships: Array<{ agent_id: string; team: string }>): AgentView[] {
  const teams = new Map<string, string[]>();
  for (const m of memberships) teams.set(m.agent_id, [...(teams.get(m.agent_id) ?? []), m.team]);
  return rows.map((row) => toView(row, teams.get(row.id) ?? [])).sort(byName);
}

async function viewIn(q: Reader, id: string): Promise<AgentView | undefined> {
  const row = await q.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toView(row, await teamsIn(q, id));
}

async function teamsIn(q: Reader, id: string): Promise<string[]> {
  const rows = await q.selectFrom('agent_teams').select('team').where('agent_id', '=', id).execute();
  return rows.map((r) => r.team).sort(byCodePoint);
}

async function insertTeams(trx: Transaction<DatabaseSchema>, id: string, teams: readonly string[]): Promise<void> {
  const unique = [...new Set(teams)];
  if (unique.length === 0) return;
  await trx.insertInto('agent_teams').values(unique.map((team) => ({ agent_id: id, team }))).execute();
}

function toView(row: Row, teams: string[]): AgentView {
  return {
    id: row.id,
    email: row.email,
    name: row.display_name,
    role: row.role,
    teams: [...teams].sort(byCodePoint),
    maxConcurrent: Number(row.max_concurrent),
    disabled: Number(row.disabled) === 1,
  };
}
