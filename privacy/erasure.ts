import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Kysely } from 'kysely';
import { systemClock, type Clock } from '../bot/clock';
import { ErasureBlockedError, NotFoundError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { AuditLog, AuditRecord } from '../bot/sql/audit-log';
import type { Db } from '../bot/sql/database';
import type { Locale } from '../catalog/schema';
import { eraseFromMedia } from './erase-media';
import { eraseFromRedis, type RedisErasureCounts } from './erase-redis';
import { compactAfterErasure, eraseFromSql, findCitizenRecords, previewSqlErasure, type SqlErasureCounts } from './erase-sql';
import { traceMatcher } from './trace-matcher';

/** Where the citizen asked from: where they are told the outcome. */
export interface ErasureTarget {
  citizenId: string;
  channel: string;
  conversationId: string;
  userId?: string;
  locale: Locale;
}

/** Everything an erasure removed, by kind: what the audit log keeps (counts, never content). */
export type ErasureCounts = SqlErasureCounts & { redisKeys: number; redisEntries: number; jobs: number; files: number };

export type ErasureStatus = 'pending' | 'done' | 'rejected';

export interface ErasureRequest {
  id: string;
  citizenId: string;
  channel: string;
  locale: Locale;
  status: ErasureStatus;
  /** 'citizen' when the citizen asked through the bot; otherwise the admin's agent id. */
  requestedBy: string;
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  reason: string | null;
  removed: ErasureCounts | null;
}

/** Who decides, for the audit log. */
export type ErasureActor = Pick<AuditRecord, 'actor' | 'ip'>;

/** Says `outcome` to the citizen on their channel, recording nothing (see ErasuresDeps.tell). */
export type ErasureOutcome = { kind: 'done' } | { kind: 'rejected'; reason: string };

export interface ErasuresDeps {
  db: Db;
  redis: Redis;
  /** The bot's Redis prefix: every key under it is looked through. */
  prefix: string;
  mediaDir: string;
  audit: AuditLog;
  /** Moves transcript lines still in Redis to SQL first, so they are erased with the rest. */
  flushTranscripts(): Promise<void>;
  /** Tells the citizen on their channel, if it still reaches them; writes no transcript line. */
  tell(target: ErasureTarget, outcome: ErasureOutcome): Promise<void>;
  log: Logger;
  clock?: Clock;
}

interface ErasureRequestsTable {
  id: string;
  citizen_id: string;
  channel: string;
  conversation_id: string | null;
  user_id: string | null;
  locale: string;
  status: ErasureStatus;
  requested_by: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  reason: string | null;
  removed: string | null;
}
type ErasureDb = Kysely<{ erasure_requests: ErasureRequestsTable; handoffs: { citizen_id: string; status: string } }>;

/** Conversations with people that an erasure must wait for: the agent is reading them. */
const IN_PROGRESS = ['queued', 'assigned'];

/**
 * Citizens' right to erasure (GDPR art. 17): a citizen asks through the bot (`request`), an admin reviews
 * what would be erased (`get`) and confirms or rejects it with a reason; an admin may also erase from the
 * citizen's record (`eraseNow`). Erasing reaches SQL (erase-sql.ts), every Redis key of the bot
 * (erase-redis.ts: state, streams, mailboxes, dedupe keys, holds, queued jobs) and the media folder
 * (erase-media.ts); it is recorded as data.erase with counts only, and the citizen is told on their
 * channel. Afterwards the request keeps no way to reach them.
 */
export class Erasures {
  private readonly k: ErasureDb;
  private readonly clock: Clock;

  constructor(private readonly deps: ErasuresDeps) {
    this.k = deps.db.kysely.withTables<{ erasure_requests: ErasureRequestsTable }>() as unknown as ErasureDb;
    this.clock = deps.clock ?? systemClock;
  }

  /** The citizen asks: a pending request (the one already pending for them, if any). */
  async request(target: ErasureTarget, requestedBy = 'citizen'): Promise<ErasureRequest> {
    const open = await this.k.selectFrom('erasure_requests').selectAll().where('citizen_id', '=', target.citizenId).where('status', '=', 'pending').executeTakeFirst();
    if (open) return fromRow(open);
    const row: ErasureRequestsTable = {
      id: randomUUID(), citizen_id: target.citizenId, channel: target.channel, conversation_id: target.conversationId, user_id: target.userId ?? null,
      locale: target.locale, status: 'pending', requested_by: requestedBy, created_at: this.now(), decided_by: null, decided_at: null, reason: null, removed: null,
    };
    await this.k.insertInto('erasure_requests').values(row).execute();
    this.deps.log.info({ erasure: row.id, channel: row.channel }, 'erasure requested');
    return fromRow(row);
  }

  /** Requests waiting for an admin, oldest first. */
  async pending(): Promise<ErasureRequest[]> {
    return (await this.k.selectFrom('erasure_requests').selectAll().where('status', '=', 'pending').orderBy('created_at').orderBy('id').execute()).map(fromRow);
  }

  /** One request and, while pending, what erasing would remove from SQL now. */
  async get(id: string): Promise<{ request: ErasureRequest; preview: SqlErasureCounts | null }> {
    const request = await this.require(id);
    return { request, preview: request.status === 'pending' ? await previewSqlErasure(this.deps.db, request.citizenId) : null };
  }

  /** An admin confirms: everything of the citizen goes, then they are told. */
  async confirm(id: string, by: ErasureActor): Promise<ErasureCounts> {
    const request = await this.require(id);
    if (request.status !== 'pending') throw new ErasureBlockedError(`erasure request ${id} is already ${request.status}`);
    return this.erase(request, by);
  }

  /** An admin rejects, with the reason the citizen is given. */
  async reject(id: string, by: ErasureActor, reason: string): Promise<void> {
    const row = await this.k.selectFrom('erasure_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no erasure request ${id}`);
    const decided = await this.k.updateTable('erasure_requests').set({ status: 'rejected', decided_by: by.actor.id, decided_at: this.now(), reason })
      .where('id', '=', id).where('status', '=', 'pending').where('decided_by', 'is', null).executeTakeFirst();
    if (Number(decided.numUpdatedRows) !== 1) throw new ErasureBlockedError(`erasure request ${id} is already ${row.status === 'pending' ? 'being erased' : row.status}`);
    if (row.conversation_id) {
      await this.deps.tell({ citizenId: row.citizen_id, channel: row.channel, conversationId: row.conversation_id, locale: row.locale as Locale, ...(row.user_id ? { userId: row.user_id } : {}) }, { kind: 'rejected', reason });
    }
  }

  /**
   * An admin erases a citizen from their record in the console: recorded as a request of that admin,
   * confirmed at once. The citizen is told on the conversation they used last, if any.
   */
  async eraseNow(citizenId: string, by: ErasureActor): Promise<ErasureCounts> {
    const last = await this.deps.db.kysely.selectFrom('conversations').select(['channel', 'channel_conversation_id'])
      .where('citizen_id', '=', citizenId).orderBy('last_activity_at', 'desc').limit(1).executeTakeFirst();
    const citizen = await this.deps.db.kysely.selectFrom('citizens').select('locale').where('id', '=', citizenId).executeTakeFirst();
    const request = await this.request({
      citizenId, channel: last?.channel ?? 'console', conversationId: last?.channel_conversation_id ?? '', locale: citizen?.locale ?? 'es',
    }, by.actor.id);
    return this.erase(request, by);
  }

  private async erase(request: ErasureRequest, by: ErasureActor): Promise<ErasureCounts> {
    const { citizenId } = request;
    const busy = await this.k.selectFrom('handoffs').select('citizen_id').where('citizen_id', '=', citizenId).where('status', 'in', IN_PROGRESS).executeTakeFirst();
    if (busy) throw new ErasureBlockedError('the citizen is in a conversation with a person: end it first');
    // Claimed by one admin at a time: a second confirmation meanwhile is refused, not run twice.
    const claimed = await this.k.updateTable('erasure_requests').set({ decided_by: by.actor.id })
      .where('id', '=', request.id).where('status', '=', 'pending').where('decided_by', 'is', null).executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) throw new ErasureBlockedError(`erasure request ${request.id} is being decided by someone else`);
    try {
      return await this.run(request, by);
    } catch (err) {
      await this.k.updateTable('erasure_requests').set({ decided_by: null }).where('id', '=', request.id).where('status', '=', 'pending').execute();
      throw err;
    }
  }

  private async run(request: ErasureRequest, by: ErasureActor): Promise<ErasureCounts> {
    const { citizenId } = request;
    const row = await this.k.selectFrom('erasure_requests').selectAll().where('id', '=', request.id).executeTakeFirstOrThrow();
    await this.deps.flushTranscripts();
    // SQL is read first and erased after Redis and the files: a failure there leaves SQL to trace them again.
    const records = await findCitizenRecords(this.deps.db, citizenId);
    const traces = { ...records.traces, ids: [...records.traces.ids] };
    // The conversation they asked from, even if it never reached SQL.
    if (row.conversation_id) traces.ids.push(row.conversation_id, `${row.channel}:${row.conversation_id}`);
    if (row.user_id) traces.ids.push(row.user_id);
    const mentions = traceMatcher(traces);
    const redis: RedisErasureCounts = await eraseFromRedis(this.deps.redis, this.deps.prefix, mentions, this.deps.log, this.reachable(row));
    const files = await eraseFromMedia(this.deps.mediaDir, traces.mediaUrls, mentions);
    const sqlCounts = await eraseFromSql(this.deps.db, records);
    await compactAfterErasure(this.deps.db).catch((err: unknown) =>
      this.deps.log.error({ err, erasure: request.id }, 'erasure: the SQLite file could not be compacted now; erased rows may linger in its free pages until the next erasure'));
    const counts: ErasureCounts = { ...sqlCounts, redisKeys: redis.keys, redisEntries: redis.entries, jobs: redis.jobs, files };
    // Every request of theirs is settled, and none keeps a way to reach them.
    await this.k.updateTable('erasure_requests').set({ status: 'done', decided_by: by.actor.id, decided_at: this.now(), removed: JSON.stringify(counts) })
      .where('id', '=', request.id).execute();
    await this.k.updateTable('erasure_requests').set({ conversation_id: null, user_id: null }).where('citizen_id', '=', citizenId).execute();
    await this.k.updateTable('erasure_requests').set({ status: 'done', decided_by: by.actor.id, decided_at: this.now() })
      .where('citizen_id', '=', citizenId).where('status', '=', 'pending').execute();
    await this.deps.audit.record({ ...by, action: 'data.erase', citizenId, detail: { ...counts } });
    this.deps.log.info({ erasure: request.id, ...counts }, 'citizen data erased');
    if (row.conversation_id) {
      await this.deps.tell({ citizenId, channel: row.channel, conversationId: row.conversation_id, locale: row.locale as Locale, ...(row.user_id ? { userId: row.user_id } : {}) }, { kind: 'done' });
    }
    return counts;
  }

  /**
   * Keys without which the outcome could not reach the citizen: an open web chat's activity stream and
   * metadata (channels/webchat/conversation-store.ts), emptied rather than deleted, so the widget still
   * shows the "erased" message; they expire with the Direct Line conversation. Other channels need none.
   */
  private reachable(row: ErasureRequestsTable): string[] {
    if (row.channel !== 'webchat' || !row.conversation_id) return [];
    const dl = `${this.deps.prefix}:dl:${row.conversation_id}`;
    return [dl, `${dl}:meta`];
  }

  private async require(id: string): Promise<ErasureRequest> {
    const row = await this.k.selectFrom('erasure_requests').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError(`no erasure request ${id}`);
    return fromRow(row);
  }

  private now(): string {
    return new Date(this.clock()).toISOString();
  }
}

function fromRow(r: ErasureRequestsTable): ErasureRequest {
  return {
    id: r.id, citizenId: r.citizen_id, channel: r.channel, locale: r.locale as Locale, status: r.status, requestedBy: r.requested_by,
    createdAt: r.created_at, decidedBy: r.decided_by, decidedAt: r.decided_at, reason: r.reason, removed: r.removed ? (JSON.parse(r.removed) as ErasureCounts) : null,
  };
}
