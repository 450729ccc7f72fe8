import { sql, type Kysely, type Transaction } from 'kysely';
import { systemClock, type Clock } from '../clock';
import type { AuditAction } from './audit-actions';
import { chainHash, GENESIS_HASH, type ChainedFields } from './audit-chain';
import type { Db } from './database';
import type { AgentRole } from './schema-types';

export { AUDIT_ACTIONS, type AuditAction } from './audit-actions';

/** Who read: an agent, supervisor or admin of the console, or a citizen looking up their own records. */
export type AuditActorRole = AgentRole | 'citizen';

/** One access to record: who, what, from where. Ids only: never names, message text or contact details. */
export interface AuditRecord {
  actor: { id: string; role: AuditActorRole };
  action: AuditAction;
  citizenId?: string;
  conversationId?: string;
  handoffId?: string;
  ticketReference?: string;
  /** The caller's address as express sees it (req.ip, which respects TRUST_PROXY). */
  ip?: string;
  /** Counts that go with the entry (data.erase: how many of what was removed), never content. */
  detail?: Record<string, number>;
}

/** A stored entry: its chained fields and its hash. */
export interface AuditEntry extends ChainedFields {
  hash: string;
}

/** What to list or export; every field narrows. `to` is exclusive. */
export interface AuditFilter {
  agentId?: string;
  action?: AuditAction;
  citizenId?: string;
  from?: Date;
  to?: Date;
}

export type AuditVerification =
  | { ok: true; count: number; head: string }
  | { ok: false; count: number; brokenAt: number; reason: string };

/** Where the kept chain starts once older entries were pruned: the last pruned entry's seq and hash. */
export interface AuditAnchor {
  seq: number;
  hash: string;
}

interface AuditLogTable {
  seq: number | string;
  at: string;
  agent_id: string;
  agent_role: string;
  action: string;
  citizen_id: string | null;
  conversation_id: string | null;
  handoff_id: string | null;
  ticket_reference: string | null;
  ip: string | null;
  detail: string | null;
  hash: string;
}
interface AuditAnchorTable {
  id: number;
  seq: number | string;
  hash: string;
  pruned_at: string;
}
type AuditTables = { audit_log: AuditLogTable; audit_anchor: AuditAnchorTable };
type AuditDb = Kysely<AuditTables>;
type AuditRow = AuditLogTable;

/** The first of the two keys of the PostgreSQL advisory lock of the chain ('AUDI'); the second is the schema's. */
const LOCK_CLASS = 0x41554449;
const PAGE = 1_000;

export interface AuditLogOptions {
  /** @defaultValue systemClock */
  clock?: Clock;
}

/**
 * The tamper-evident audit log of access to citizens' data, in SQL (table from audit-migration.ts).
 *
 * @example
 * const audit = new AuditLog(db, { clock });
 * await audit.record({ actor: { id: agent.id, role: agent.role }, action: 'search.open', citizenId, ip: req.ip });
 */
export class AuditLog {
  private readonly kysely: AuditDb;
  private readonly clock: Clock;

  constructor(private readonly db: Db, opts: AuditLogOptions = {}) {
    // The table is this module's own: typed here rather than in the shared schema-types.ts.
    this.kysely = db.kysely.withTables<AuditTables>() as unknown as AuditDb;
    this.clock = opts.clock ?? systemClock;
  }

  /**
   * Appends one entry at the head of the chain. Safe under concurrency across processes: the head is
   * read and the entry written under one lock (see lockChain). Throws when it cannot be written; callers
   * show nothing of the citizen then (no access without its record).
   */
  async record(r: AuditRecord): Promise<AuditEntry> {
    return this.kysely.transaction().execute(async (trx) => {
      await this.lockChain(trx);
      // An empty log after a prune continues from its anchor, not from the genesis.
      const head = await trx.selectFrom('audit_log').select(['seq', 'hash']).orderBy('seq', 'desc').limit(1).executeTakeFirst()
        ?? await trx.selectFrom('audit_anchor').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
      const fields: ChainedFields = {
        seq: head ? Number(head.seq) + 1 : 1,
        at: new Date(this.clock()).toISOString(),
        agentId: r.actor.id, agentRole: r.actor.role, action: r.action,
        citizenId: r.citizenId ?? null, conversationId: r.conversationId ?? null, handoffId: r.handoffId ?? null,
        ticketReference: r.ticketReference ?? null, ip: r.ip ?? null,
        ...(r.detail ? { detail: JSON.stringify(r.detail) } : {}),
      };
      const entry = { ...fields, hash: chainHash(head?.hash ?? GENESIS_HASH, fields) };
      await trx.insertInto('audit_log').values(toRow(entry)).execute();
      return entry;
    });
  }

  /**
   * Why a lock, and which. Two appenders reading the same head would both write entry n+1 (the primary
   * key refuses the second, so the chain cannot fork, but the access would go unrecorded).
   * - SQLite: our transactions begin IMMEDIATE (immediate-sqlite-dialect.ts), i.e. with the database's
   *   one write lock, which every process shares: nothing to add.
   * - PostgreSQL: a transaction-scoped advisory lock, not `SELECT … FOR UPDATE` of the head. FOR UPDATE
   *   locks nothing while the log is empty (two first entries race), and a waiter, once the lock is
   *   released, re-reads the row it locked (the old head) instead of the new one, which would fork the
   *   chain. The advisory lock is released at commit or rollback, and keyed by schema, so several bots in
   *   one database keep separate chains without waiting for each other.
   */
  private async lockChain(trx: Transaction<AuditTables>): Promise<void> {
    if (this.db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${LOCK_CLASS}, hashtext(current_schema()))`.execute(trx);
  }

  /** One page of entries, newest first, and how many match in all. */
  async list(filter: AuditFilter, page: { limit: number; offset: number }): Promise<{ items: AuditEntry[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.filtered(filter).selectAll().orderBy('seq', 'desc').limit(page.limit).offset(page.offset).execute(),
      this.filtered(filter).select((eb) => eb.fn.countAll<number | string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items: rows.map(fromRow), total: Number(count.n) };
  }

  /** Every matching entry, newest first, read a page at a time (for exports of any size). */
  async *entries(filter: AuditFilter): AsyncGenerator<AuditEntry> {
    let before: number | undefined;
    for (;;) {
      let q = this.filtered(filter).selectAll().orderBy('seq', 'desc').limit(PAGE);
      if (before !== undefined) q = q.where('seq', '<', before);
      const rows = await q.execute();
      for (const row of rows) yield fromRow(row);
      if (rows.length < PAGE) return;
      before = Number(rows[rows.length - 1]!.seq);
    }
  }

  /**
   * Walks the chain from the first entry and recomputes every hash. Names the first entry that does not
   * follow: a gap in `seq` (entries deleted), or a hash that does not match the entry's content and the
   * previous hash (an entry altered, inserted or moved).
   */
  async verify(): Promise<AuditVerification> {
    const anchor = await this.anchor();
    let previous = anchor?.hash ?? GENESIS_HASH;
    const base = anchor?.seq ?? 0;
    let expected = base + 1;
    for (;;) {
      const rows = await this.kysely.selectFrom('audit_log').selectAll().where('seq', '>=', expected).orderBy('seq').limit(PAGE).execute();
      for (const row of rows) {
        const e = fromRow(row);
        if (e.seq !== expected) {
          return { ok: false, count: expected - 1 - base, brokenAt: e.seq, reason: `entry ${e.seq} follows entry ${expected - 1}: ${e.seq - expected} entr${e.seq - expected === 1 ? 'y' : 'ies'} missing` };
        }
        if (chainHash(previous, e) !== e.hash) {
          return { ok: false, count: expected - 1 - base, brokenAt: e.seq, reason: `entry ${e.seq} does not match its hash: altered, inserted or moved` };
        }
        previous = e.hash;
        expected++;
      }
      if (rows.length < PAGE) return { ok: true, count: expected - 1 - base, head: previous };
    }
  }

  /** The anchor left by the last prune, if entries were ever pruned. */
  async anchor(): Promise<AuditAnchor | undefined> {
    const row = await this.kysely.selectFrom('audit_anchor').select(['seq', 'hash']).where('id', '=', 1).executeTakeFirst();
    return row ? { seq: Number(row.seq), hash: row.hash } : undefined;
  }

  /**
   * Deletes the entries recorded before `before` (the retention period, catalog
   * `privacy.retention.auditDays`) and keeps the last deleted entry's seq and hash as the chain's anchor,
   * in one transaction under the chain's lock: what remains still verifies from the anchor, and a gap
   * or an altered entry among what remains is still found. Returns how many entries went.
   */
  async prune(before: Date): Promise<number> {
    return this.kysely.transaction().execute(async (trx) => {
      await this.lockChain(trx);
      const last = await trx.selectFrom('audit_log').select(['seq', 'hash']).where('at', '<', before.toISOString()).orderBy('seq', 'desc').limit(1).executeTakeFirst();
      if (!last) return 0;
      const deleted = await trx.deleteFrom('audit_log').where('seq', '<=', last.seq).executeTakeFirst();
      const anchor = { seq: last.seq, hash: last.hash, pruned_at: new Date(this.clock()).toISOString() };
      await trx.insertInto('audit_anchor').values({ id: 1, ...anchor })
        .onConflict((oc) => oc.column('id').doUpdateSet(anchor)).execute();
      return Number(deleted.numDeletedRows);
    });
  }

  private filtered(f: AuditFilter) {
    let q = this.kysely.selectFrom('audit_log');
    if (f.agentId) q = q.where('agent_id', '=', f.agentId);
    if (f.action) q = q.where('action', '=', f.action);
    if (f.citizenId) q = q.where('citizen_id', '=', f.citizenId);
    if (f.from) q = q.where('at', '>=', f.from.toISOString());
    if (f.to) q = q.where('at', '<', f.to.toISOString());
    return q;
  }
}

function toRow(e: AuditEntry): AuditRow {
  return {
    seq: e.seq, at: e.at, agent_id: e.agentId, agent_role: e.agentRole, action: e.action, citizen_id: e.citizenId,
    conversation_id: e.conversationId, handoff_id: e.handoffId, ticket_reference: e.ticketReference, ip: e.ip, detail: e.detail ?? null, hash: e.hash,
  };
}

function fromRow(r: AuditRow): AuditEntry {
  return {
    // PostgreSQL's bigint arrives as a string.
    seq: Number(r.seq), at: r.at, agentId: r.agent_id, agentRole: r.agent_role, action: r.action, citizenId: r.citizen_id,
    conversationId: r.conversation_id, handoffId: r.handoff_id, ticketReference: r.ticket_reference, ip: r.ip, hash: r.hash,
    ...(r.detail !== null ? { detail: r.detail } : {}),
  };
}
