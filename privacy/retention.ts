import { randomUUID } from 'node:crypto';
import { rm, stat } from 'node:fs/promises';
import { mediaFileNames } from './media-files';
import path from 'node:path';
import { AuditLog } from '../bot/sql/audit-log';
import type { Kysely } from 'kysely';
import type { Db } from '../bot/sql/database';
import type { DatabaseSchema } from '../bot/sql/schema-types';
import type { Retention } from '../catalog/schema';
import { redactForModel } from '../dialogs/llm-safety/redact';

const DAY_MS = 86_400_000;
/** Ticket states after which nothing more happens to a ticket (its period counts from the last change). */
const FINAL_STATES = ['resolved', 'closed', 'rejected'] as const;
/** Pseudonymised tickets' citizen ids start with this: they are never processed twice. */
export const PSEUDONYM_PREFIX = 'anon-';

/** What one run removed or changed, for the log and the tests. */
export interface RetentionReport {
  messages: number;
  conversations: number;
  handoffs: number;
  ticketsPseudonymised: number;
  ticketsDeleted: number;
  identities: number;
  citizens: number;
  files: number;
  auditEntries: number;
}

/**
 * Applies the city's retention periods (catalog `privacy.retention`) to the SQL store and the media
 * folder, as of `now`. Idempotent: a second run at the same time changes nothing. Order matters: a
 * conversation goes only once its messages went, a citizen only once nothing of theirs is left.
 */
export async function applyRetention(db: Db, mediaDir: string, policy: Retention, now: Date): Promise<RetentionReport> {
  const before = (days: number): string => new Date(now.getTime() - days * DAY_MS).toISOString();
  const k = db.kysely;
  const count = (r: { numDeletedRows?: bigint; numUpdatedRows?: bigint } | undefined): number => Number(r?.numDeletedRows ?? r?.numUpdatedRows ?? 0);

  const messages = count(await k.deleteFrom('messages').where('created_at', '<', before(policy.transcriptsDays)).executeTakeFirst());
  const conversations = count(await k.deleteFrom('conversations')
    .where('last_activity_at', '<', before(policy.transcriptsDays))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('messages').select('messages.id').whereRef('messages.conversation_id', '=', 'conversations.id'))))
    .executeTakeFirst());
  // Their events and satisfaction answers go with them (foreign keys, on delete cascade).
  const handoffs = count(await k.deleteFrom('handoffs').where('ended_at', 'is not', null).where('ended_at', '<', before(policy.handoffsDays)).executeTakeFirst());

  const expiredTickets = k.selectFrom('tickets').select('id')
    .where('updated_at', '<', before(policy.ticketsDays))
    .where('status', 'in', [...FINAL_STATES])
    .where('citizen_id', 'not like', `${PSEUDONYM_PREFIX}%`);
  let ticketsPseudonymised = 0;
  let ticketsDeleted = 0;
  if (policy.tickets === 'delete') {
    ticketsDeleted = count(await k.deleteFrom('tickets').where('id', 'in', expiredTickets).executeTakeFirst());
  } else {
    for (const t of await k.selectFrom('tickets').select(['id', 'description']).where('id', 'in', expiredTickets).execute()) {
      await pseudonymiseTicket(k, t.id, redactForModel(t.description));
      ticketsPseudonymised++;
    }
  }

  // Identities and citizens with no conversation left in the period (tickets keep their own citizen id).
  const quiet = before(policy.identitiesDays);
  const active = k.selectFrom('conversations').select('citizen_id').where('last_activity_at', '>=', quiet);
  const identities = count(await k.deleteFrom('channel_identities').where('created_at', '<', quiet).where('citizen_id', 'not in', active).executeTakeFirst());
  const citizens = count(await k.deleteFrom('citizens')
    .where('created_at', '<', quiet)
    .where('id', 'not in', active)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('channel_identities').select('channel_identities.citizen_id').whereRef('channel_identities.citizen_id', '=', 'citizens.id'))))
    .where((eb) => eb.not(eb.exists(eb.selectFrom('tickets').select('tickets.id').whereRef('tickets.citizen_id', '=', 'citizens.id'))))
    .executeTakeFirst());
  await k.deleteFrom('citizen_preferences').where('citizen_id', 'not in', k.selectFrom('citizens').select('id')).execute();

  const files = await removeOldFiles(db, mediaDir, now.getTime() - policy.attachmentsDays * DAY_MS);
  // The audit log keeps the last pruned entry's hash as its anchor: what remains still verifies.
  const auditEntries = await new AuditLog(db).prune(new Date(now.getTime() - policy.auditDays * DAY_MS));
  return { messages, conversations, handoffs, ticketsPseudonymised, ticketsDeleted, identities, citizens, files, auditEntries };
}

/**
 * A ticket kept as an administrative record that links to nobody: its own random citizen id (it still
 * counts in statistics), no conversation, contact, answers or back-office token, `description` in place of
 * the citizen's words, no photos. Retention passes the text with personal data taken out; erasure, none.
 */
export async function pseudonymiseTicket(k: Kysely<DatabaseSchema>, ticketId: number, description: string): Promise<void> {
  await k.updateTable('tickets').set({
    citizen_id: `${PSEUDONYM_PREFIX}${randomUUID()}`, conversation_id: 'anon', contact: null, attributes: null, external_token: null, description,
  }).where('id', '=', ticketId).execute();
  await k.deleteFrom('ticket_attachments').where('ticket_id', '=', ticketId).execute();
}

/** Media files stored before `cutoffMs`, except photos a kept ticket still links to (back offices open them). */
async function removeOldFiles(db: Db, dir: string, cutoffMs: number): Promise<number> {
  const names = await mediaFileNames(dir);
  if (names.length === 0) return 0;
  const linked = new Set((await db.kysely.selectFrom('ticket_attachments').select('url').execute()).map((r) => r.url.split('/').pop()));
  let removed = 0;
  for (const name of names) {
    const file = path.join(dir, name);
    const media = name.endsWith('.owner') ? name.slice(0, -'.owner'.length) : name;
    if (linked.has(media)) continue;
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs >= cutoffMs) continue;
    await rm(file, { force: true });
    if (!name.endsWith('.owner')) removed++;
  }
  return removed;
}
