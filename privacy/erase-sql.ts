import { sql } from 'kysely';
import type { Db } from '../bot/sql/database';
import { pseudonymiseTicket } from './retention';

/** What an erasure removed (or, before it runs, would remove) from SQL: counts only, never content. */
export interface SqlErasureCounts {
  messages: number;
  conversations: number;
  identities: number;
  handoffs: number;
  tickets: number;
  ticketPhotos: number;
  corrections: number;
  /** Their appointments (deleted), and those they booked for someone else (kept, without them). */
  appointments: number;
  /** Their requests to act for someone, and the approvals that let someone act for them. */
  representations: number;
}

/**
 * What identifies a citizen outside SQL, read before their rows go: the ids their Redis keys and queued
 * jobs are named or filled with, the words they wrote (which the bot's replies and dialog state may
 * quote), and their media files.
 */
export interface CitizenTraces {
  /** Citizen id, channel user ids, conversation keys and channel conversation ids, handoff ids. */
  ids: string[];
  /** Texts the citizen wrote (messages, ticket descriptions and addresses, contacts, name). */
  texts: string[];
  /** Media URLs in their messages and tickets. */
  mediaUrls: string[];
}

/** The columns erasure reads of tables that other modules own and type (appointments-, representation-, verified-identities-migration.ts). */
type OwnTables = {
  appointments: { id: string; citizen_id: string; representative_id: string | null };
  representations: { id: string; representative_id: string; represented_citizen_id: string | null; represented_name: string; proof_media: string };
  verified_identities: { citizen_id: string };
};

/** Texts shorter than this are too common to look for in other people's data ("sí", "vale", "hola"). */
const MIN_TEXT = 8;

/** Reads what `erase` would remove, without removing anything (the admin's review). */
export async function previewSqlErasure(db: Db, citizenId: string): Promise<SqlErasureCounts> {
  const { counts } = await gather(db, citizenId);
  return counts;
}

/**
 * Erases a citizen from SQL, in one transaction: their messages, conversations, channel identities,
 * preferences, verified identities and record; their conversations with people (events and satisfaction answers go with
 * them) and the classifier corrections made from them; their WhatsApp Cloud delivery records. Their
 * tickets stay as administrative records that link to nobody (retention's pseudonymisation, with no
 * text of theirs and no notes that could quote them). Returns the counts and the traces to look for
 * elsewhere. Throws nothing for an unknown citizen (counts of zero).
 */
export async function eraseFromSql(db: Db, found: CitizenRecords): Promise<SqlErasureCounts> {
  const { citizenId, counts, conversationIds, waIds, handoffIds, ticketIds, references, appointmentIds, bookedForOthers, representationIds } = found;
  // SQLite leaves deleted rows' bytes in free pages of the file: zero them as they are freed.
  if (db.dialect === 'sqlite') await sql`pragma secure_delete = on`.execute(db.kysely);
  await db.kysely.transaction().execute(async (trx) => {
    for (const id of ticketIds) {
      await pseudonymiseTicket(trx, id, '');
      await trx.updateTable('tickets').set({ address: null, lat: null, lon: null }).where('id', '=', id).execute();
      await trx.updateTable('ticket_events').set({ note: null }).where('ticket_id', '=', id).execute();
    }
    // Tickets they filed on someone's behalf stay that person's, naming no representative.
    await trx.updateTable('tickets').set({ representative_id: null }).where('representative_id', '=', citizenId).execute();
    if (handoffIds.length > 0 || references.length > 0) {
      await trx.deleteFrom('classifier_corrections').where((eb) => eb.or([
        ...(handoffIds.length ? [eb('handoff_id', 'in', handoffIds)] : []),
        ...(references.length ? [eb('ticket_reference', 'in', references)] : []),
      ])).execute();
    }
    if (handoffIds.length) await trx.deleteFrom('handoffs').where('id', 'in', handoffIds).execute();
    if (waIds.length) await trx.deleteFrom('whatsapp_cloud_messages').where('conversation_id', 'in', waIds).execute();
    if (conversationIds.length) {
      await trx.deleteFrom('messages').where('conversation_id', 'in', conversationIds).execute();
      await trx.deleteFrom('conversations').where('id', 'in', conversationIds).execute();
    }
    const own = trx.withTables<OwnTables>();
    if (appointmentIds.length) await own.deleteFrom('appointments').where('id', 'in', appointmentIds).execute();
    if (bookedForOthers.length) await own.updateTable('appointments').set({ representative_id: null }).where('id', 'in', bookedForOthers).execute();
    if (representationIds.length) await own.deleteFrom('representations').where('id', 'in', representationIds).execute();
    // Their verifications (assurance level, time, the sealed identifier): counted with the `oidc` identity they verify.
    await own.deleteFrom('verified_identities').where('citizen_id', '=', citizenId).execute();
    await trx.deleteFrom('channel_identities').where('citizen_id', '=', citizenId).execute();
    await trx.deleteFrom('citizen_preferences').where('citizen_id', '=', citizenId).execute();
    await trx.deleteFrom('citizens').where('id', '=', citizenId).execute();
  });
  return counts;
}

/**
 * SQLite keeps erased words outside the tables: the full-text index in segments not yet merged, the file
 * in pages freed before (rows that moved or went earlier), the write-ahead log in pages as they were.
 * Merges the index, rebuilds the file (VACUUM: seconds for a town's database) and empties the log. Run
 * after everything else of an erasure: it needs the database to itself for a moment and may fail while
 * another process reads (the rows are gone either way; the bytes go with the next one). PostgreSQL:
 * nothing (dead rows are unreadable through SQL, and autovacuum reclaims them).
 */
export async function compactAfterErasure(db: Db): Promise<void> {
  if (db.dialect !== 'sqlite') return;
  await sql`insert into messages_fts(messages_fts) values ('optimize')`.execute(db.kysely);
  await sql`vacuum`.execute(db.kysely);
  await sql`pragma wal_checkpoint(truncate)`.execute(db.kysely);
}

/** What SQL holds of a citizen: the rows to erase, their counts, and the traces to look for elsewhere. */
export type CitizenRecords = Awaited<ReturnType<typeof gather>>;

/**
 * Reads (changing nothing) what an erasure of `citizenId` will remove from SQL and what to look for in
 * Redis and the files. Read first, erased last: if erasing elsewhere fails, SQL still holds what a retry
 * needs to find it again.
 */
export function findCitizenRecords(db: Db, citizenId: string): Promise<CitizenRecords> {
  return gather(db, citizenId);
}

async function gather(db: Db, citizenId: string) {
  const k = db.kysely;
  const [citizen, identities, conversations, handoffs, tickets] = await Promise.all([
    k.selectFrom('citizens').select('display_name').where('id', '=', citizenId).executeTakeFirst(),
    k.selectFrom('channel_identities').select(['channel', 'channel_user_id']).where('citizen_id', '=', citizenId).execute(),
    k.selectFrom('conversations').select(['id', 'channel', 'channel_conversation_id']).where('citizen_id', '=', citizenId).execute(),
    k.selectFrom('handoffs').select(['id', 'user_id', 'channel_conversation_id', 'conversation_id']).where('citizen_id', '=', citizenId).execute(),
    k.selectFrom('tickets').select(['id', 'reference', 'description', 'address', 'contact', 'conversation_id']).where('citizen_id', '=', citizenId).execute(),
  ]);
  // Tables of their own modules (appointments, representations), typed there: read here through raw names.
  const own = k.withTables<OwnTables>();
  const [appointments, representations] = await Promise.all([
    own.selectFrom('appointments').select(['id', 'citizen_id']).where((eb) => eb.or([eb('citizen_id', '=', citizenId), eb('representative_id', '=', citizenId)])).execute(),
    own.selectFrom('representations').select(['id', 'represented_name', 'proof_media']).where((eb) => eb.or([eb('representative_id', '=', citizenId), eb('represented_citizen_id', '=', citizenId)])).execute(),
  ]);
  const conversationIds = conversations.map((c) => c.id);
  const ticketIds = tickets.map((t) => t.id);
  const [messages, photos, corrections] = await Promise.all([
    conversationIds.length ? k.selectFrom('messages').select(['direction', 'text', 'attachments']).where('conversation_id', 'in', conversationIds).execute() : [],
    ticketIds.length ? k.selectFrom('ticket_attachments').select('url').where('ticket_id', 'in', ticketIds).execute() : [],
    handoffs.length || tickets.length ? k.selectFrom('classifier_corrections').select('id').where((eb) => eb.or([
      ...(handoffs.length ? [eb('handoff_id', 'in', handoffs.map((h) => h.id))] : []),
      ...(tickets.length ? [eb('ticket_reference', 'in', tickets.map((t) => t.reference))] : []),
    ])).execute() : [],
  ]);
  const mediaUrls = [
    ...photos.map((p) => p.url),
    ...representations.map((r) => r.proof_media),
    ...messages.flatMap((m) => (m.attachments ? (JSON.parse(m.attachments) as Array<{ contentUrl?: string }>).flatMap((a) => (a.contentUrl ? [a.contentUrl] : [])) : [])),
  ];
  const ids = [
    citizenId,
    ...identities.map((i) => i.channel_user_id),
    ...conversations.flatMap((c) => [c.id, c.channel_conversation_id]),
    ...handoffs.flatMap((h) => [h.id, h.user_id, h.channel_conversation_id, h.conversation_id]),
    ...tickets.map((t) => t.conversation_id),
  ];
  const texts = [
    citizen?.display_name,
    ...messages.filter((m) => m.direction === 'in').map((m) => m.text),
    ...tickets.flatMap((t) => [t.description, t.address, t.contact]),
    ...representations.map((r) => r.represented_name),
  ];
  const counts: SqlErasureCounts = {
    messages: messages.length,
    conversations: conversations.length,
    identities: identities.length,
    handoffs: handoffs.length,
    tickets: tickets.length,
    ticketPhotos: photos.length,
    corrections: corrections.length,
    appointments: appointments.length,
    representations: representations.length,
  };
  return {
    citizenId,
    counts,
    conversationIds,
    ticketIds,
    handoffIds: handoffs.map((h) => h.id),
    // Their own appointments go; those they booked for someone else stay that person's, without them.
    appointmentIds: appointments.filter((a) => a.citizen_id === citizenId).map((a) => a.id),
    bookedForOthers: appointments.filter((a) => a.citizen_id !== citizenId).map((a) => a.id),
    representationIds: representations.map((r) => r.id),
    references: tickets.map((t) => t.reference),
    waIds: conversations.filter((c) => c.channel === 'whatsapp-cloud').map((c) => c.channel_conversation_id),
    traces: {
      ids: unique(ids),
      texts: unique(texts.flatMap((t) => (t && t.trim().length >= MIN_TEXT ? [t.trim()] : []))),
      mediaUrls: unique(mediaUrls),
    },
  };
}

const unique = <T>(xs: T[]): T[] => [...new Set(xs.filter((x) => x !== '' && x !== null && x !== undefined))];
