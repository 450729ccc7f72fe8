import { sql, type RawBuilder } from 'kysely';
import type { SearchCitizen, SearchConversation, SearchTicket } from '../../console/search-protocol';
import { BadInputError, DependencyUnavailableError } from '../errors';
import type { Db } from './database';
import { sqlGuard } from './guard';
import { foldedTsquery } from './search-migration';
import { parseSearchQuery, snippetOf, type SearchQuery } from './search-query';

/**
 * Whose eyes a search is for. Supervisors and admins see everything (`all`); an agent sees what the
 * console's `maySee` lets them see: conversations with a handoff of one of their teams or held by them,
 * the citizens of those conversations, and tickets of their teams' services or of those conversations.
 */
export type SearchScope =
  | { kind: 'all' }
  | { kind: 'agent'; agentId: string; teams: readonly string[]; services: readonly string[] };

export interface SearchOptions {
  scope: SearchScope;
  /** Conversations per page. @defaultValue 20 */
  limit?: number;
  /** `nextCursor` of the previous page; citizens and tickets come with the first page only. */
  cursor?: string;
}

// The wire types (console/search-protocol.ts) with dates as Dates: one description of each hit.
/** A conversation with a transcript line that matches, its latest matching line first. */
export type ConversationHit = Omit<SearchConversation, 'at'> & { at: Date };
export type CitizenHit = SearchCitizen;
export type TicketHit = Omit<SearchTicket, 'createdAt'> & { createdAt: Date };

export interface SearchResults {
  conversations: ConversationHit[];
  citizens: CitizenHit[];
  tickets: TicketHit[];
  /** Present when more conversations may match: pass it as `cursor`. */
  nextCursor?: string;
}

const SIDE_LIMIT = 10;
/**
 * Matching lines are read in windows of message ids, newest first, each four times the one before, until
 * a page of conversations is full: a word index returns matches in no useful order, so matching a common
 * word over the whole table fetches tens of thousands of rows to keep twenty, while within a window only
 * that window's matches are read (PostgreSQL ANDs the GIN bitmap with the id range; FTS5 takes the rowid
 * range itself). 1,000,000 lines: "árbol caído" 620 → 24 ms (bench/search.ts).
 */
const FIRST_WINDOW_LINES = 20_000;
/**
 * An agent who sees at most this many conversations is searched through them instead (their lines by
 * the transcript index, ANDed with the match): a common word in a few visible conversations would
 * otherwise walk every window of the table to find them.
 */
const VISIBLE_FIRST_MAX = 2_000;

export interface SearchStoreOptions {
  /** Lines in the first window (tests make it small to cross windows). @defaultValue 20,000 */
  firstWindowLines?: number;
  /** Most conversations an agent may see to be searched through them. @defaultValue 2,000 */
  visibleFirstMax?: number;
}

interface LineRow { id: number | string; conversation_id: string; text: string; direction: 'in' | 'out'; created_at: string; channel: string; citizen_id: string; display_name: string | null; handoff_id: string | null }

/**
 * Search across transcripts, citizens and tickets, on SQLite (FTS5) and PostgreSQL (GIN over tsvector)
 * alike: see search-migration.ts for the indexes and search-query.ts for how typed text becomes a query.
 * Visibility is part of every SQL statement (never a filter after the fact), so a line of a conversation
 * the caller may not see is never read, let alone cut into a snippet.
 *
 * Conversations come newest matching line first (by message id, which follows arrival), not by rank:
 * an agent looks for the case they are working on, and id order is what both indexes return cheaply.
 *
 * @example
 * const results = await new SearchStore(db).search('farola apagada', { scope: { kind: 'all' } });
 */
export class SearchStore {
  private readonly guard = sqlGuard('search store', DependencyUnavailableError);
  private readonly firstWindow: number;
  private readonly visibleFirstMax: number;
  constructor(private readonly db: Db, opts: SearchStoreOptions = {}) {
    this.firstWindow = Math.max(1, opts.firstWindowLines ?? FIRST_WINDOW_LINES);
    this.visibleFirstMax = opts.visibleFirstMax ?? VISIBLE_FIRST_MAX;
  }

  async search(text: string, opts: SearchOptions): Promise<SearchResults> {
    const query = parseSearchQuery(text);
    const limit = Math.max(1, Math.min(opts.limit ?? 20, 100));
    const before = opts.cursor === undefined ? undefined : decodeCursor(opts.cursor);
    return this.guard('search', async () => {
      const [lines, citizens, tickets] = await Promise.all([
        this.newestLinePerConversation(query, opts.scope, limit + 1, before),
        before === undefined ? this.citizens(query, opts.scope) : [],
        before === undefined ? this.tickets(query, opts.scope) : [],
      ]);
      const page = lines.rows.slice(0, limit);
      const conversations = page.map((r) => hitOf(r, query));
      const last = page.at(-1);
      return { conversations, citizens, tickets, ...(lines.more && last ? { nextCursor: encodeCursor(String(last.id)) } : {}) };
    });
  }

  /**
   * The newest matching line of each of up to `wanted` conversations, newest first. After a cursor (the
   * line of the last conversation of the previous page), only conversations whose newest matching line
   * is older: those with a matching line at or after it were on an earlier page. `more` when `wanted`
   * were found (callers ask for one more than a page).
   */
  private async newestLinePerConversation(q: SearchQuery, scope: SearchScope, wanted: number, cursor: string | undefined): Promise<{ rows: LineRow[]; more: boolean }> {
    if (!q.fts5 || !q.tsquery) return { rows: [], more: false };
    const base = { q, scope, cursor, wanted };
    if (scope.kind === 'agent') {
      const visible = await this.visibleConversations(scope, this.visibleFirstMax + 1);
      if (visible.length <= this.visibleFirstMax) {
        const rows = visible.length ? await this.newestLines({ ...base, among: visible, skip: [] }) : [];
        return { rows, more: rows.length >= wanted };
      }
    }
    const found = new Map<string, LineRow>();
    let upper = cursor === undefined ? (await this.lastMessageId()) + 1 : Number(cursor);
    for (let size = this.firstWindow; upper > 0 && found.size < wanted; size *= 4) {
      const lower = Math.max(0, upper - size);
      const rows = await this.newestLines({ ...base, wanted: wanted - found.size, window: [lower, upper], skip: [...found.keys()] });
      for (const r of rows) found.set(r.conversation_id, r);
      upper = lower;
    }
    return { rows: [...found.values()], more: found.size >= wanted };
  }

  /**
   * The newest matching line of each of up to `wanted` conversations the scope sees, newest first: lines
   * with ids in `window` (lower inclusive, upper exclusive) or of the conversations `among`; leaving out
   * `skip` and, after a cursor, the conversations with a matching line at or after it (earlier pages).
   * The match, grouping and limit run on the lines alone; the conversation, citizen and handoff are
   * joined to the few lines kept.
   */
  private async newestLines(o: { q: SearchQuery; scope: SearchScope; wanted: number; cursor: string | undefined; skip: string[]; window?: [number, number]; among?: string[] }): Promise<LineRow[]> {
    const sqlite = this.db.dialect === 'sqlite';
    const id = sqlite ? sql`f.rowid` : sql`m.id`;
    const from = sqlite ? sql`messages_fts f join messages m on m.id = f.rowid` : sql`messages m`;
    const match = sqlite ? sql`messages_fts match ${o.q.fts5!}` : sql`m.search_vector @@ ${foldedTsquery(o.q.tsquery!)}`;
    const window = o.window ? sql`and ${id} >= ${o.window[0]} and ${id} < ${o.window[1]}` : sql``;
    const among = o.among ? sql`and ${inList(sql.ref('m.conversation_id'), o.among)}` : sql``;
    const earlierPages = o.cursor === undefined ? sql`` : sql`and m.conversation_id not in (
      select m.conversation_id from ${from} where ${match} and ${id} >= ${Number(o.cursor)})`;
    const skip = o.skip.length ? sql`and not ${inList(sql.ref('m.conversation_id'), o.skip)}` : sql``;
    // Scopes searched `among` their conversations are already limited to what they see.
    const visible = o.scope.kind === 'all' || o.among ? sql`` : sql`and exists (select 1 from handoffs h where h.conversation_id = m.conversation_id and ${seenBy(o.scope)})`;
    const r = await sql<LineRow>`
      select l.id, l.conversation_id, l.text, l.direction, l.created_at, c.channel, c.citizen_id, z.display_name,
        ${latestHandoff(sql`h.conversation_id = l.conversation_id`, o.scope)} as handoff_id
      from (
        select max(${id}) as id from ${from}
        where ${match} ${window} ${among} ${skip} ${earlierPages} ${visible}
        group by m.conversation_id order by 1 desc limit ${o.wanted}
      ) w
        join messages l on l.id = w.id
        join conversations c on c.id = l.conversation_id
        join citizens z on z.id = c.citizen_id
      order by l.id desc`.execute(this.db.kysely);
    return r.rows;
  }

  /** Up to `max` conversations with a handoff the agent sees. */
  private async visibleConversations(scope: Extract<SearchScope, { kind: 'agent' }>, max: number): Promise<string[]> {
    const r = await sql<{ conversation_id: string }>`
      select distinct h.conversation_id from handoffs h where ${seenBy(scope)} limit ${max}`.execute(this.db.kysely);
    return r.rows.map((x) => x.conversation_id);
  }

  /** The newest transcript line's id (0 with none): where the first window ends. */
  private async lastMessageId(): Promise<number> {
    const r = await sql<{ id: number | string | null }>`select max(id) as id from messages`.execute(this.db.kysely);
    return Number(r.rows[0]?.id ?? 0);
  }

  private async citizens(q: SearchQuery, scope: SearchScope): Promise<CitizenHit[]> {
    const visible = scope.kind === 'all' ? sql`` : sql`and exists (select 1 from handoffs h where h.citizen_id = z.id and ${seenBy(scope)})`;
    const handoff = latestHandoff(sql`h.citizen_id = z.id`, scope);
    const hits: CitizenHit[] = [];
    const add = (rows: Array<{ id: string; display_name: string | null; handoff_id: string | null }>, matched: CitizenHit['matched']) => {
      for (const r of rows) {
        if (hits.some((x) => x.citizenId === r.id)) continue;
        hits.push({ citizenId: r.id, matched, ...(r.display_name ? { name: r.display_name } : {}), ...(r.handoff_id ? { handoffId: r.handoff_id } : {}) });
      }
    };
    const select = (where: RawBuilder<unknown>) => sql<{ id: string; display_name: string | null; handoff_id: string | null }>`
      select z.id, z.display_name, ${handoff} as handoff_id from citizens z where (${where}) ${visible} limit ${SIDE_LIMIT}`.execute(this.db.kysely);
    if (q.fts5 && q.tsquery) {
      const byName = this.db.dialect === 'sqlite'
        ? sql`z.id in (select citizen_id from citizens_fts where citizens_fts match ${q.fts5})`
        : sql`z.search_vector @@ ${foldedTsquery(q.tsquery)}`;
      add((await select(byName)).rows, 'name');
    }
    if (q.phoneDigits) {
      add((await select(sql`z.id in (select citizen_id from channel_identities where channel_user_id like ${`%${q.phoneDigits}`})
        or z.id in (select citizen_id from tickets where ${digitsOf(sql.ref('contact'))} like ${`%${q.phoneDigits}%`})`)).rows, 'phone');
    }
    if (q.email) {
      add((await select(sql`z.id in (select citizen_id from tickets where lower(contact) like ${`%${escapeLike(q.email)}%`} escape '\\')`)).rows, 'email');
    }
    return hits.slice(0, SIDE_LIMIT);
  }

  private async tickets(q: SearchQuery, scope: SearchScope): Promise<TicketHit[]> {
    const conditions: Array<[RawBuilder<unknown>, TicketHit['matched']]> = [];
    if (q.referencePrefix) conditions.push([sql`t.reference like ${`${escapeLike(q.referencePrefix)}%`} escape '\\'`, 'reference']);
    if (q.phoneDigits) conditions.push([sql`${digitsOf(sql.ref('t.contact'))} like ${`%${q.phoneDigits}%`}`, 'phone']);
    if (q.email) conditions.push([sql`lower(t.contact) like ${`%${escapeLike(q.email)}%`} escape '\\'`, 'email']);
    const ofTicket = sql`(h.ticket_reference = t.reference or h.conversation_id = t.channel || ':' || t.conversation_id)`;
    const visible = scope.kind === 'all' ? sql`` : sql`and (${inList(sql.ref('t.service'), scope.services)} or exists (select 1 from handoffs h where ${ofTicket} and ${seenBy(scope)}))`;
    const hits: TicketHit[] = [];
    for (const [where, matched] of conditions) {
      const r = await sql<{ reference: string; service: string; type: string; status: string; citizen_id: string; channel: string; conversation_id: string; created_at: string; handoff_id: string | null }>`
        select t.reference, t.service, t.type, t.status, t.citizen_id, t.channel, t.conversation_id, t.created_at, ${latestHandoff(ofTicket, scope)} as handoff_id
        from tickets t where (${where}) ${visible} order by t.created_at desc limit ${SIDE_LIMIT}`.execute(this.db.kysely);
      for (const t of r.rows) {
        if (hits.some((x) => x.reference === t.reference)) continue;
        hits.push({
          reference: t.reference, service: t.service, type: t.type, status: t.status, citizenId: t.citizen_id,
          conversationKey: `${t.channel}:${t.conversation_id}`, createdAt: new Date(t.created_at), matched,
          ...(t.handoff_id ? { handoffId: t.handoff_id } : {}),
        });
      }
    }
    return hits.slice(0, SIDE_LIMIT);
  }
}

/** `maySee` in SQL over a handoff aliased `h`: one of the agent's teams, or held by the agent. */
function seenBy(scope: Extract<SearchScope, { kind: 'agent' }>): RawBuilder<unknown> {
  return sql`(${inList(sql.ref('h.team'), scope.teams)} or h.agent_id = ${scope.agentId})`;
}

/** The newest handoff (aliased `h`) meeting `where` that the scope sees, as a scalar subquery. */
function latestHandoff(where: RawBuilder<unknown>, scope: SearchScope): RawBuilder<unknown> {
  const visible = scope.kind === 'all' ? sql`` : sql`and ${seenBy(scope)}`;
  return sql`(select h.id from handoffs h where ${where} ${visible} order by h.created_at desc, h.id desc limit 1)`;
}

/** `col in (…)`, or false for an empty list (an empty `in ()` is a syntax error on PostgreSQL). */
function inList(column: RawBuilder<unknown>, values: readonly string[]): RawBuilder<unknown> {
  return values.length ? sql`${column} in (${sql.join(values.map((v) => sql`${v}`))})` : sql`1 = 0`;
}

/** A text with the separators people put in phone numbers removed (the same on both dialects). */
function digitsOf(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`replace(replace(replace(replace(replace(replace(coalesce(${column}, ''), ' ', ''), '-', ''), '.', ''), '(', ''), ')', ''), '+', '')`;
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

function hitOf(r: LineRow, query: SearchQuery): ConversationHit {
  return {
    conversationKey: r.conversation_id, channel: r.channel, citizenId: r.citizen_id,
    ...(r.display_name ? { citizenName: r.display_name } : {}),
    snippet: snippetOf(r.text, query.words), direction: r.direction, at: new Date(r.created_at),
    ...(r.handoff_id ? { handoffId: r.handoff_id } : {}),
  };
}

/** Cursors are the id of the line of a page's last conversation, opaque to callers (base64url) so they are passed back as they came. */
const encodeCursor = (id: string) => Buffer.from(id).toString('base64url');
function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString();
  if (!/^\d{1,15}$/.test(id)) throw new BadInputError('cursor: not a cursor of this search');
  return id;
}
