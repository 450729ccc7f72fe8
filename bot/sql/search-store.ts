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
 * Matching lines are read newest first in rounds, each round leaving out the conversations already
 * found, until a page of conversations is full: a common word matches dozens of lines of one
 * conversation. Rounds grow fourfold: when PostgreSQL answers from its GIN index (a rare word), every
 * round reads all the matches again, so few rounds matter more than small ones (bench/search.ts).
 */
const FIRST_ROUND_LINES = 200;
const MAX_ROUNDS = 3;

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
  constructor(private readonly db: Db) {}

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
   * is older: those with a matching line at or after it were on an earlier page. `more` when further
   * conversations may match (more than `wanted` found, or the rounds ran out before the lines did); every
   * line read belongs to a conversation found, so the next page may start after the last one found.
   */
  private async newestLinePerConversation(q: SearchQuery, scope: SearchScope, wanted: number, cursor: string | undefined): Promise<{ rows: LineRow[]; more: boolean }> {
    if (!q.fts5 || !q.tsquery) return { rows: [], more: false };
    const found = new Map<string, LineRow>();
    let upper = cursor;
    let exhausted = false;
    for (let round = 0, size = FIRST_ROUND_LINES; round < MAX_ROUNDS && found.size < wanted && !exhausted; round++, size *= 4) {
      const lines = await this.linesRound(q, scope, { size, upper, cursor, skip: [...found.keys()] });
      for (const r of lines) if (!found.has(r.conversation_id)) found.set(r.conversation_id, r);
      exhausted = lines.length < size;
      const oldest = lines.at(-1);
      if (oldest) upper = String(oldest.id);
    }
    return { rows: [...found.values()].slice(0, wanted), more: found.size >= wanted || !exhausted };
  }

  /**
   * One round: the newest `size` matching lines older than `upper`, of conversations not in
   * `skip` (nor, after a cursor, on earlier pages), that the scope sees. The match, order and limit run on
   * the lines alone; the conversation, citizen and handoff are joined to the few lines kept.
   */
  private async linesRound(q: SearchQuery, scope: SearchScope, o: { size: number; upper: string | undefined; cursor: string | undefined; skip: string[] }): Promise<LineRow[]> {
    const sqlite = this.db.dialect === 'sqlite';
    const id = sqlite ? sql`f.rowid` : sql`m.id`;
    const from = sqlite ? sql`messages_fts f join messages m on m.id = f.rowid` : sql`messages m`;
    const match = sqlite ? sql`messages_fts match ${q.fts5!}` : sql`m.search_vector @@ ${foldedTsquery(q.tsquery!)}`;
    const idParam = (v: string) => (sqlite ? Number(v) : v);
    const below = o.upper === undefined ? sql`` : sql`and ${id} < ${idParam(o.upper)}`;
    const earlierPages = o.cursor === undefined ? sql`` : sql`and m.conversation_id not in (
      select m.conversation_id from ${from} where ${match} and ${id} >= ${idParam(o.cursor)})`;
    const skip = o.skip.length ? sql`and m.conversation_id not in (${sql.join(o.skip.map((k) => sql`${k}`))})` : sql``;
    const visible = scope.kind === 'all' ? sql`` : sql`and exists (select 1 from handoffs h where h.conversation_id = m.conversation_id and ${seenBy(scope)})`;
    const r = await sql<LineRow>`
      select l.id, l.conversation_id, l.text, l.direction, l.created_at, c.channel, c.citizen_id, z.display_name,
        ${latestHandoff(sql`h.conversation_id = l.conversation_id`, scope)} as handoff_id
      from (
        select m.id, m.conversation_id, m.text, m.direction, m.created_at from ${from}
        where ${match} ${below} ${skip} ${earlierPages} ${visible}
        order by ${id} desc limit ${o.size}
      ) l
        join conversations c on c.id = l.conversation_id
        join citizens z on z.id = c.citizen_id
      order by l.id desc`.execute(this.db.kysely);
    return r.rows;
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
