import type { Db } from '../bot/sql/database';

/**
 * Everything the bot keeps about one citizen in SQL, as the citizen may see it (GDPR art. 15): who they
 * are on each channel, their conversations with every message, their tickets with their history and
 * photos, their conversations with people (without the agents' identities: those are other people's
 * data) and their answers to the satisfaction question.
 */
export interface CitizenData {
  citizenId: string;
  /** When this copy was made (ISO 8601). */
  madeAt: string;
  citizen: { displayName: string | null; locale: string | null; since: string } | null;
  identities: Array<{ channel: string; userId: string; verified: boolean; since: string }>;
  preferences: { statusUpdates: boolean; updatedAt: string } | null;
  conversations: Array<{
    channel: string;
    startedAt: string;
    lastActivityAt: string;
    messages: Array<{ at: string; from: 'citizen' | 'bot' | 'agent'; text: string | null; attachments: unknown[] }>;
  }>;
  tickets: Array<{
    reference: string;
    service: string;
    type: string;
    status: string;
    description: string;
    address: string | null;
    point: { lat: number; lon: number } | null;
    contact: string | null;
    createdAt: string;
    updatedAt: string;
    history: Array<{ at: string; status: string; note: string | null }>;
    photos: string[];
  }>;
  conversationsWithPeople: Array<{
    team: string;
    reason: string;
    status: string;
    ticketReference: string | null;
    resolution: string | null;
    createdAt: string;
    endedAt: string | null;
  }>;
  satisfaction: Array<{ team: string; score: number; comment: string | null; at: string }>;
}

/** Reads every SQL record of `citizenId` (see CitizenData). `now` stamps the copy. */
export async function collectCitizenData(db: Db, citizenId: string, now: Date): Promise<CitizenData> {
  const k = db.kysely;
  const [citizen, identities, preferences, conversations, tickets, handoffs] = await Promise.all([
    k.selectFrom('citizens').select(['display_name', 'locale', 'created_at']).where('id', '=', citizenId).executeTakeFirst(),
    k.selectFrom('channel_identities').select(['channel', 'channel_user_id', 'verified', 'created_at']).where('citizen_id', '=', citizenId).orderBy('created_at').execute(),
    k.selectFrom('citizen_preferences').select(['status_updates', 'updated_at']).where('citizen_id', '=', citizenId).executeTakeFirst(),
    k.selectFrom('conversations').select(['id', 'channel', 'started_at', 'last_activity_at']).where('citizen_id', '=', citizenId).orderBy('started_at').execute(),
    k.selectFrom('tickets')
      .select(['id', 'reference', 'service', 'type', 'status', 'description', 'address', 'lat', 'lon', 'contact', 'created_at', 'updated_at'])
      .where('citizen_id', '=', citizenId).orderBy('created_at').execute(),
    k.selectFrom('handoffs')
      .select(['id', 'team', 'reason', 'status', 'ticket_reference', 'resolution', 'created_at', 'ended_at'])
      .where('citizen_id', '=', citizenId).orderBy('created_at').execute(),
  ]);
  const conversationIds = conversations.map((c) => c.id);
  const ticketIds = tickets.map((t) => t.id);
  const handoffIds = handoffs.map((h) => h.id);
  const [messages, events, photos, scores] = await Promise.all([
    conversationIds.length === 0 ? [] : k.selectFrom('messages')
      .select(['conversation_id', 'direction', 'text', 'attachments', 'created_at', 'author'])
      .where('conversation_id', 'in', conversationIds).orderBy('created_at').orderBy('id').execute(),
    ticketIds.length === 0 ? [] : k.selectFrom('ticket_events').select(['ticket_id', 'status', 'note', 'at']).where('ticket_id', 'in', ticketIds).orderBy('at').orderBy('id').execute(),
    ticketIds.length === 0 ? [] : k.selectFrom('ticket_attachments').select(['ticket_id', 'url']).where('ticket_id', 'in', ticketIds).orderBy('id').execute(),
    handoffIds.length === 0 ? [] : k.selectFrom('satisfaction').select(['team', 'score', 'comment', 'at']).where('handoff_id', 'in', handoffIds).orderBy('at').execute(),
  ]);
  return {
    citizenId,
    madeAt: now.toISOString(),
    citizen: citizen ? { displayName: citizen.display_name, locale: citizen.locale, since: citizen.created_at } : null,
    identities: identities.map((i) => ({ channel: i.channel, userId: i.channel_user_id, verified: Boolean(i.verified), since: i.created_at })),
    preferences: preferences ? { statusUpdates: Boolean(preferences.status_updates), updatedAt: preferences.updated_at } : null,
    conversations: conversations.map((c) => ({
      channel: c.channel,
      startedAt: c.started_at,
      lastActivityAt: c.last_activity_at,
      messages: messages.filter((m) => m.conversation_id === c.id).map((m) => ({
        at: m.created_at,
        from: m.direction === 'in' ? 'citizen' as const : m.author ? 'agent' as const : 'bot' as const,
        text: m.text,
        attachments: m.attachments ? (JSON.parse(m.attachments) as unknown[]) : [],
      })),
    })),
    tickets: tickets.map((t) => ({
      reference: t.reference,
      service: t.service,
      type: t.type,
      status: t.status,
      description: t.description,
      address: t.address,
      point: t.lat !== null && t.lon !== null ? { lat: t.lat, lon: t.lon } : null,
      contact: t.contact,
      createdAt: t.created_at,
      updatedAt: t.updated_at,
      history: events.filter((e) => e.ticket_id === t.id).map((e) => ({ at: e.at, status: e.status, note: e.note })),
      photos: photos.filter((p) => p.ticket_id === t.id).map((p) => p.url),
    })),
    conversationsWithPeople: handoffs.map((h) => ({
      team: h.team, reason: h.reason, status: h.status, ticketReference: h.ticket_reference, resolution: h.resolution, createdAt: h.created_at, endedAt: h.ended_at,
    })),
    satisfaction: scores.map((s) => ({ team: s.team, score: s.score, comment: s.comment, at: s.at })),
  };
}
