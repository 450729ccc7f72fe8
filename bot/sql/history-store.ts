import { randomUUID } from 'node:crypto';
import { conversationKey, type ConversationKey } from '../conversation-key';
import { sqlGuard } from './guard';
import { CompiledQuery, sql, type Insertable, type QueryCreator, type Selectable } from 'kysely';
import { DependencyUnavailableError } from '../errors';
import type { Db } from './database';
import type { ConversationsTable, DatabaseSchema, MessagesTable } from './schema-types';

/** One message of a conversation, as agents read it in the transcript. */
export interface TranscriptEntry {
  channel: string;
  /** The channel's conversation id (Activity `conversation.id`). */
  conversationId: string;
  citizenId: string;
  direction: 'in' | 'out';
  /** Platform (inbound) or bot (outbound) message id: a replay with the same id is dropped. */
  activityId: string;
  text?: string;
  attachments?: unknown[];
  entities?: unknown[];
  /** Outbound only: the agent who wrote it (absent for the bot). */
  author?: string;
  at: Date;
}

export interface ConversationSummary {
  /** Our key, `<channel>:<conversationId>`. */
  id: ConversationKey;
  channel: string;
  conversationId: string;
  startedAt: Date;
  lastActivityAt: Date;
}

export interface ChannelIdentity {
  channel: string;
  channelUserId: string;
  verified: boolean;
  createdAt: Date;
}

/** Our conversation key for a channel's conversation. */

// Keeps one statement under SQLite's and PostgreSQL's bound-parameter limits (9 columns per message).
const MAX_ROWS_PER_STATEMENT = 1_000;

/** The citizen columns a merge moves in tables other modules own and type (appointments, representations, verified identities). */
type MergedTables = {
  verified_identities: { citizen_id: string };
  appointments: { citizen_id: string; representative_id: string | null };
  representations: { representative_id: string; represented_citizen_id: string | null };
};

/**
 * Citizens, their channel identities, conversations and message transcripts, in SQL.
 *
 * Sits on the hot path (every message in and out), so writes are batched: `recordMessages` is one
 * statement on PostgreSQL (one round trip) and one in-process transaction on SQLite.
 * Every database failure surfaces as DependencyUnavailableError (retryable) with the driver error as `cause`.
 * Conversations and messages reference citizens: get the id from `citizenFor` first.
 */
export class HistoryStore {
  private readonly guard = sqlGuard('history store', DependencyUnavailableError);
  constructor(private readonly db: Db) {}

  /**
   * The citizen behind a channel identity, created on first contact. Race-safe: concurrent calls for one
   * identity (two workers, two processes) all return the same citizen id.
   */
  async citizenFor(channel: string, channelUserId: string, displayName?: string): Promise<string> {
    return this.guard('find the citizen', async () => {
      const known = await this.citizenOf(channel, channelUserId);
      if (known) return known;
      const now = new Date().toISOString();
      const id = randomUUID();
      return this.db.kysely.transaction().execute(async (trx) => {
        await trx
          .insertInto('citizens')
          .values({ id, display_name: displayName ?? null, locale: null, created_at: now })
          .execute();
        // The unique (channel, channel_user_id) key decides the race: on PostgreSQL a concurrent insert
        // waits for the winner to commit, then does nothing.
        const claimed = await trx
          .insertInto('channel_identities')
          .values({ channel, channel_user_id: channelUserId, citizen_id: id, verified: 0, created_at: now })
          .onConflict((oc) => oc.columns(['channel', 'channel_user_id']).doNothing())
          .returning('citizen_id')
          .executeTakeFirst();
        if (claimed) return id;
        await trx.deleteFrom('citizens').where('id', '=', id).execute();
        const winner = await trx
          .selectFrom('channel_identities')
          .select('citizen_id')
          .where('channel', '=', channel)
          .where('channel_user_id', '=', channelUserId)
          .executeTakeFirstOrThrow();
        return winner.citizen_id;
      });
    });
  }

  /**
   * Appends messages to their conversations' transcripts, creating or touching each conversation row.
   * Entries already recorded (same conversation, direction and activity id) are ignored, so a replayed
   * message or a retried outbound job never appears twice.
   */
  async recordMessages(entries: readonly TranscriptEntry[]): Promise<void> {
    if (entries.length === 0) return;
    const conversations = conversationRows(entries);
    const messages = entries.map(messageRow);
    await this.guard('record messages', async () => {
      for (let i = 0; i < messages.length; i += MAX_ROWS_PER_STATEMENT) {
        const chunk = messages.slice(i, i + MAX_ROWS_PER_STATEMENT);
        const convs = i === 0 ? conversations : [];
        if (this.db.dialect === 'postgres') await this.recordPostgres(convs, chunk);
        else await this.recordSqlite(convs, chunk);
      }
    });
  }

  /** The latest `limit` messages of a conversation, oldest first. */
  async transcript(channel: string, conversationId: string, limit = 200): Promise<TranscriptEntry[]> {
    return this.guard('read the transcript', async () => {
      const rows = await this.db.kysely
        .selectFrom('messages as m')
        .innerJoin('conversations as c', 'c.id', 'm.conversation_id')
        .select(['m.direction', 'm.activity_id', 'm.text', 'm.attachments', 'm.entities', 'm.created_at', 'm.author', 'c.citizen_id'])
        .where('m.conversation_id', '=', conversationKey(channel, conversationId))
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(limit)
        .execute();
      return rows.reverse().map((r) => ({
        channel,
        conversationId,
        citizenId: r.citizen_id,
        direction: r.direction,
        activityId: r.activity_id,
        ...(r.text !== null ? { text: r.text } : {}),
        ...(r.attachments !== null ? { attachments: JSON.parse(r.attachments) as unknown[] } : {}),
        ...(r.entities !== null ? { entities: JSON.parse(r.entities) as unknown[] } : {}),
        ...(r.author !== null ? { author: r.author } : {}),
        at: new Date(r.created_at),
      }));
    });
  }

  /** A citizen's conversations on every channel, most recently active first. */
  async conversationsOf(citizenId: string): Promise<ConversationSummary[]> {
    return this.guard('list conversations', async () => {
      const rows = await this.db.kysely
        .selectFrom('conversations')
        .selectAll()
        .where('citizen_id', '=', citizenId)
        .orderBy('last_activity_at', 'desc')
        .orderBy('id')
        .execute();
      return rows.map(summaryOf);
    });
  }

  /**
   * Attaches a channel identity to a citizen (cross-channel linking). An identity already attached to
   * another citizen moves to this one; its verified flag is overwritten.
   */
  async linkIdentity(citizenId: string, channel: string, channelUserId: string, verified: boolean): Promise<void> {
    await this.guard('link an identity', async () => {
      await this.db.kysely
        .insertInto('channel_identities')
        .values({
          channel,
          channel_user_id: channelUserId,
          citizen_id: citizenId,
          verified: verified ? 1 : 0,
          created_at: new Date().toISOString(),
        })
        .onConflict((oc) =>
          oc.columns(['channel', 'channel_user_id']).doUpdateSet({ citizen_id: citizenId, verified: verified ? 1 : 0 }),
        )
        .execute();
    });
  }

  /**
   * Folds citizen `from` into citizen `to` (a proven cross-channel link): its identities, conversations,
   * tickets, handoffs, appointments, representations and verified identities move over in one transaction,
   * and `from` is deleted. Idempotent; nothing happens when both are the same citizen.
   */
  async mergeCitizens(from: string, to: string): Promise<void> {
    if (from === to) return;
    await this.guard('merge citizens', async () => {
      await this.db.kysely.transaction().execute(async (trx) => {
        await trx.updateTable('channel_identities').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        await trx.updateTable('conversations').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        await trx.updateTable('tickets').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        await trx.updateTable('tickets').set({ representative_id: to }).where('representative_id', '=', from).execute();
        // A ticket an agent files from a handoff takes the handoff's citizen: it must be the one that stays.
        await trx.updateTable('handoffs').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        // Tables of their own modules, named here: appointments booked and representations asked before the
        // link are the surviving citizen's; verifications too, before the citizen goes (on delete cascade).
        const own = trx.withTables<MergedTables>();
        await own.updateTable('verified_identities').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        await own.updateTable('appointments').set({ citizen_id: to }).where('citizen_id', '=', from).execute();
        await own.updateTable('appointments').set({ representative_id: to }).where('representative_id', '=', from).execute();
        await own.updateTable('representations').set({ representative_id: to }).where('representative_id', '=', from).execute();
        await own.updateTable('representations').set({ represented_citizen_id: to }).where('represented_citizen_id', '=', from).execute();
        await trx.deleteFrom('citizens').where('id', '=', from).execute();
      });
    });
  }

  /** Every channel identity of a citizen, oldest first. */
  /**
   * Conversations active since `since`, most recent first, with the citizen's last words in each and
   * their latest texts, newest first (for the agents' "live with the bot" list, which flags emergencies).
   */
  async recentConversations(since: Date, limit = 50): Promise<Array<ConversationSummary & { citizenId: string; lastText?: string; recentTexts: string[] }>> {
    return this.guard('list recent conversations', async () => {
      const rows = await this.db.kysely
        .selectFrom('conversations')
        .selectAll()
        .where('last_activity_at', '>=', since.toISOString())
        .orderBy('last_activity_at', 'desc')
        .limit(limit)
        .execute();
      if (rows.length === 0) return [];
      const lastIn = await this.db.kysely
        .selectFrom('messages')
        .select(['conversation_id', 'text'])
        .where('conversation_id', 'in', rows.map((r) => r.id))
        .where('direction', '=', 'in')
        .where('created_at', '>=', since.toISOString())
        .orderBy('created_at', 'desc')
        .limit(limit * 20)
        .execute();
      const texts = new Map<string, string[]>();
      for (const m of lastIn) if (m.text) texts.set(m.conversation_id, [...(texts.get(m.conversation_id) ?? []), m.text]);
      return rows.map((r) => ({
        ...summaryOf(r),
        citizenId: r.citizen_id,
        ...(texts.has(r.id) ? { lastText: texts.get(r.id)![0]! } : {}),
        recentTexts: texts.get(r.id) ?? [],
      }));
    });
  }

  /** One conversation by our key (`<channel>:<conversation id>`). */
  async conversation(key: ConversationKey): Promise<(ConversationSummary & { citizenId: string }) | undefined> {
    return this.guard('read a conversation', async () => {
      const r = await this.db.kysely.selectFrom('conversations').selectAll().where('id', '=', key).executeTakeFirst();
      return r ? { ...summaryOf(r), citizenId: r.citizen_id } : undefined;
    });
  }

  async identitiesOf(citizenId: string): Promise<ChannelIdentity[]> {
    return this.guard('list identities', async () => {
      const rows = await this.db.kysely
        .selectFrom('channel_identities')
        .selectAll()
        .where('citizen_id', '=', citizenId)
        .orderBy('created_at')
        .orderBy('channel')
        .orderBy('channel_user_id')
        .execute();
      return rows.map((r) => ({
        channel: r.channel,
        channelUserId: r.channel_user_id,
        verified: r.verified === 1,
        createdAt: new Date(r.created_at),
      }));
    });
  }

  /** The names citizens are known by (a channel's display name; a represented person's name), of those that have one. */
  async namesOf(citizenIds: readonly string[]): Promise<Map<string, string>> {
    if (citizenIds.length === 0) return new Map();
    return this.guard('read names', async () => {
      const rows = await this.db.kysely.selectFrom('citizens').select(['id', 'display_name']).where('id', 'in', [...citizenIds]).where('display_name', 'is not', null).execute();
      return new Map(rows.map((r) => [r.id, r.display_name!]));
    });
  }

  /** Resolves when the database answers a trivial query (readiness probe). */
  async ping(): Promise<void> {
    await this.guard('answer a ping', async () => {
      await sql`select 1`.execute(this.db.kysely);
    });
  }

  private async citizenOf(channel: string, channelUserId: string): Promise<string | undefined> {
    const row = await this.db.kysely
      .selectFrom('channel_identities')
      .select('citizen_id')
      .where('channel', '=', channel)
      .where('channel_user_id', '=', channelUserId)
      .executeTakeFirst();
    return row?.citizen_id;
  }

  /**
   * PostgreSQL: the conversation upsert rides in a data-modifying CTE of the message insert, so the
   * batch is one statement and one round trip (and atomic). Foreign keys are checked at the end of the
   * statement, after the CTE has created the conversation.
   */
  private async recordPostgres(convs: Insertable<ConversationsTable>[], msgs: Insertable<MessagesTable>[]): Promise<void> {
    const db = this.db.kysely;
    const base = convs.length > 0 ? db.with('touched', (qc) => upsertConversations(qc, convs).returning('id')) : db;
    await insertMessages(base, msgs).execute();
  }

  /** SQLite has no data-modifying CTEs; a transaction in-process costs no network round trip anyway. */
  /**
   * One prepared statement per row, the same SQL every time, in one transaction: SQLite compiles a
   * multi-row VALUES anew for every batch size, which cost ~34 µs a line (bench/history-insert.ts).
   */
  private async recordSqlite(convs: Insertable<ConversationsTable>[], msgs: Insertable<MessagesTable>[]): Promise<void> {
    await this.db.kysely.transaction().execute(async (trx) => {
      for (const c of convs) {
        await trx.executeQuery(CompiledQuery.raw(UPSERT_CONVERSATION, [c.id, c.channel, c.channel_conversation_id, c.citizen_id, c.started_at, c.last_activity_at]));
      }
      for (const m of msgs) {
        await trx.executeQuery(CompiledQuery.raw(INSERT_MESSAGE, [m.conversation_id, m.direction, m.activity_id, m.text ?? null, m.attachments ?? null, m.entities ?? null, m.created_at, m.author ?? null]));
      }
    });
  }

}

/** SQLite's row statements (see recordSqlite); the same conflict rules as upsertConversations and insertMessages. */
const UPSERT_CONVERSATION = `insert into conversations (id, channel, channel_conversation_id, citizen_id, started_at, last_activity_at)
  values (?, ?, ?, ?, ?, ?) on conflict (id) do update set last_activity_at = case
  when excluded.last_activity_at > conversations.last_activity_at then excluded.last_activity_at else conversations.last_activity_at end`;
const INSERT_MESSAGE = `insert into messages (conversation_id, direction, activity_id, text, attachments, entities, created_at, author)
  values (?, ?, ?, ?, ?, ?, ?, ?) on conflict (conversation_id, direction, activity_id) do nothing`;

/** Creates conversations, or moves their last activity forward (never back: batches may arrive late). */
function upsertConversations(qc: QueryCreator<DatabaseSchema>, convs: Insertable<ConversationsTable>[]) {
  return qc
    .insertInto('conversations')
    .values(convs)
    .onConflict((oc) =>
      oc.column('id').doUpdateSet({
        last_activity_at: sql<string>`case when excluded.last_activity_at > conversations.last_activity_at
          then excluded.last_activity_at else conversations.last_activity_at end`,
      }),
    );
}

function insertMessages(qc: QueryCreator<DatabaseSchema>, msgs: Insertable<MessagesTable>[]) {
  return qc
    .insertInto('messages')
    .values(msgs)
    .onConflict((oc) => oc.columns(['conversation_id', 'direction', 'activity_id']).doNothing());
}

/** One row per conversation in the batch (an upsert may not touch a row twice in one statement). */
function conversationRows(entries: readonly TranscriptEntry[]): Insertable<ConversationsTable>[] {
  const byKey = new Map<string, Insertable<ConversationsTable>>();
  for (const e of entries) {
    const id = conversationKey(e.channel, e.conversationId);
    const at = e.at.toISOString();
    const row = byKey.get(id);
    if (!row) {
      byKey.set(id, {
        id,
        channel: e.channel,
        channel_conversation_id: e.conversationId,
        citizen_id: e.citizenId,
        started_at: at,
        last_activity_at: at,
      });
      continue;
    }
    if (at < row.started_at) row.started_at = at;
    if (at > row.last_activity_at) row.last_activity_at = at;
  }
  return [...byKey.values()];
}

function summaryOf(r: Selectable<ConversationsTable>): ConversationSummary {
  return {
    id: r.id as ConversationKey,
    channel: r.channel,
    conversationId: r.channel_conversation_id,
    startedAt: new Date(r.started_at),
    lastActivityAt: new Date(r.last_activity_at),
  };
}

function messageRow(e: TranscriptEntry): Insertable<MessagesTable> {
  return {
    conversation_id: conversationKey(e.channel, e.conversationId),
    direction: e.direction,
    activity_id: e.activityId,
    text: e.text ?? null,
    attachments: e.attachments ? JSON.stringify(e.attachments) : null,
    entities: e.entities ? JSON.stringify(e.entities) : null,
    created_at: e.at.toISOString(),
    author: e.author ?? null,
  };
}
