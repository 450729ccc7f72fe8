import { createHash } from 'node:crypto';
import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import { parseConversationKey } from '../bot/conversation-key';
import { BadTransferError, NotFoundError, NotHolderError, NothingToLearnError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import type { HistoryStore, TranscriptEntry } from '../bot/sql/history-store';
import type { TranscriptOutbox } from '../queues/transcript-outbox';
import type { Connector, TicketStatus } from '../connectors/connector';
import type { DeliveryStore } from '../connectors/delivery-store';
import type { TicketDelivery } from '../queues/ticket-delivery';
import { PROCEDURE_TYPES, type Catalog } from '../catalog/schema';
import { t } from '../dialogs/i18n';
import { emergencyMatcher } from '../dialogs/intents';
import { teamName } from '../dialogs/team-name';
import type { HandoffService } from '../handoff/handoff-service';
import type { Handoff, HandoffStore } from '../handoff/handoff-store';
import { OfficeHours } from '../handoff/office-hours';
import type { Presence } from '../handoff/presence';
import type { TeamQueues } from '../handoff/team-queues';
import type { AgentStore } from './agent-store';
import type { CorrectionsStore } from '../bot/sql/corrections-store';
import type { AuditLog } from '../bot/sql/audit-log';
import { accessBy } from './audit-access';
import { agentOf } from './auth';
import { sendConsoleError } from './console-error';
import { TicketPlaceFields, ticketPlace } from './ticket-form';
import type { AgentPresence, AgentView, Citizen360, ConsoleMessage, HandoffDetail, LiveConversation, SupervisorStats, TicketView } from './protocol';
import { TRANSCRIBED_ENTITY } from '../dialogs/understand/voice-note';

/** Longest an agent waits for recent transcript lines to reach SQL before the transcript is shown. */
const TRANSCRIPT_FLUSH_WAIT_MS = 2_000;

export interface ConsoleApiDeps {
  service: HandoffService;
  store: HandoffStore;
  queues: TeamQueues;
  presence: Presence;
  agents: AgentStore;
  history: HistoryStore;
  /** Turns' transcript lines waiting for SQL: flushed before an agent reads a transcript. */
  transcriptOutbox: Pick<TranscriptOutbox, 'flush'>;
  connector: Connector;
  /** Tickets a back office refused, for review. */
  deliveries: DeliveryStore;
  delivery: Pick<TicketDelivery, 'enqueue'>;
  catalog: Catalog;
  /** Agents' corrections of service and type: stored, then announced to every process's classifier. */
  corrections: { store: CorrectionsStore; announce(): Promise<void> };
  /** Where opening a citizen's data is recorded (issue 15 part 4). */
  audit: Pick<AuditLog, 'record'>;
  requireAgent: RequestHandler;
  requireRole(min: AgentView['role']): RequestHandler;
  log: Logger;
}

/** Supervisors and admins oversee every team; an agent sees their teams' conversations and the ones they hold. */
export function maySee(agent: AgentView, h: Pick<Handoff, 'team'> & Partial<Pick<Handoff, 'agentId'>>): boolean {
  return agent.role !== 'agent' || agent.teams.includes(h.team) || h.agentId === agent.id;
}

const Text = z.object({ text: z.string().trim().min(1).max(4_000) }).strict();
const Transfer = z.object({ team: z.string().optional(), agentId: z.string().optional(), note: z.string().trim().min(1).max(2_000) }).strict();
const Close = z.object({ resolution: z.string().trim().min(1).max(2_000) }).strict();
const Ticket = z.union([
  z.object({ reference: z.string().trim().regex(/^[A-Za-z]{3}-\d{4}-\d{6}$/) }).strict(),
  z.object({ create: z.object({ service: z.string(), type: z.enum(PROCEDURE_TYPES), description: z.string().trim().min(3).max(4_000), ...TicketPlaceFields }).strict() }).strict(),
]);

const LIVE_WINDOW_MS = 30 * 60_000;

/**
 * The agent console's REST API (see protocol.ts for the contract). Every route runs behind
 * requireAgent (session, CSRF, origin), and every route about one handoff checks `maySee` first; what
 * is not the agent's to see answers 404, as if it did not exist. tests/console/access-control-matrix
 * holds who may call what: a new route fails it until it has a row there.
 */
export function createConsoleApi(deps: ConsoleApiDeps): Router {
  const { service, store, catalog } = deps;
  const router = express.Router();
  const api = express.Router();
  router.use('/console/api', express.json({ limit: '32kb' }), deps.requireAgent, api);

  const visible = async (res: Response, id: string): Promise<Handoff> => {
    const h = await service.require(id);
    if (!maySee(agentOf(res), h)) throw new NotFoundError('Esa conversación no existe.');
    return h;
  };
  const teamOfService = (code: string) => catalog.services.find((x) => x.code === code)?.team ?? catalog.handoff.defaultTeam;
  const route = (fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler => (req, res, next) => {
    fn(req, res).then((body) => {
      if (res.headersSent) return;
      if (body === undefined) res.status(204).end();
      else res.json(body);
    }, next);
  };

  api.get('/queue', route(async (_req, res) => {
    const agent = agentOf(res);
    const lists = await Promise.all(agent.teams.map((team) => service.queueOf(team)));
    return { items: lists.flat() };
  }));

  api.get('/mine', route(async (_req, res) => {
    const mine = await store.withStatus('assigned', { agentId: agentOf(res).id });
    return { items: await Promise.all(mine.map((h) => service.view(h))) };
  }));

  // The bot's conversations belong to the citizen desk (HandoffService.botConversationsTeam): who may see
  // that team sees them live, and may pull them.
  const seesBotConversations = (agent: AgentView) => maySee(agent, { team: service.botConversationsTeam });
  const isEmergency = emergencyMatcher(catalog);

  api.get('/live', route(async (_req, res) => {
    if (!seesBotConversations(agentOf(res))) return { items: [] };
    // No flush here: the console re-reads this list when the outbox says lines reached SQL (the 'live' event).
    const recent = await deps.history.recentConversations(new Date(Date.now() - LIVE_WINDOW_MS));
    const items: LiveConversation[] = [];
    for (const c of recent) {
      if (await service.holdOf(c.channel, c.conversationId)) continue;
      // The bot's own detector on the citizen's recent words: what it answered with the emergency number.
      const emergency = c.recentTexts.some(isEmergency);
      items.push({ conversationKey: c.id, channel: c.channel, citizenId: c.citizenId, lastActivityAt: c.lastActivityAt.toISOString(),
        ...(c.lastText ? { preview: c.lastText.slice(0, 140) } : {}), ...(emergency ? { emergency } : {}) });
    }
    // Emergencies first; otherwise most recent first, as read.
    return { items: [...items.filter((c) => c.emergency), ...items.filter((c) => !c.emergency)] };
  }));

  api.get('/handoffs/:id', route(async (req, res) => {
    const h = await visible(res, String(req.params.id));
    // The detail shows the transcript and the citizen 360 view: both accesses are recorded before either is shown.
    const who = accessBy(req, res);
    await deps.audit.record({ ...who, action: 'transcript.open', handoffId: h.id, conversationId: h.conversationKey, citizenId: h.citizenId });
    await deps.audit.record({ ...who, action: 'citizen.view', citizenId: h.citizenId });
    return detail(h);
  }));

  api.post('/handoffs/:id/claim', route(async (req, res) => {
    await visible(res, String(req.params.id));
    return service.view(await service.claim(agentOf(res), String(req.params.id)));
  }));

  api.post('/handoffs/:id/messages', route(async (req, res) => {
    await visible(res, String(req.params.id));
    res.status(201);
    return service.reply(agentOf(res), String(req.params.id), Text.parse(req.body).text);
  }));

  api.post('/handoffs/:id/notes', route(async (req, res) => {
    await visible(res, String(req.params.id));
    const agent = agentOf(res);
    const { text } = Text.parse(req.body);
    await service.note(agent, String(req.params.id), text);
    res.status(201);
    return { kind: 'note', agentId: agent.id, agentName: agent.name, note: text, at: new Date().toISOString() };
  }));

  api.post('/handoffs/:id/typing', route(async (req, res) => {
    await visible(res, String(req.params.id));
    await service.typing(agentOf(res), String(req.params.id));
  }));

  api.post('/handoffs/:id/transfer', route(async (req, res) => {
    await visible(res, String(req.params.id));
    const body = Transfer.parse(req.body);
    return service.view(await service.transfer(agentOf(res), String(req.params.id), { note: body.note, ...(body.team ? { team: body.team } : {}), ...(body.agentId ? { agentId: body.agentId } : {}) }));
  }));

  api.post('/handoffs/:id/release', route(async (req, res) => {
    await visible(res, String(req.params.id));
    return service.view(await service.release(agentOf(res), String(req.params.id)));
  }));

  api.post('/handoffs/:id/close', route(async (req, res) => {
    await visible(res, String(req.params.id));
    return service.view(await service.close(agentOf(res), String(req.params.id), Close.parse(req.body).resolution));
  }));

  api.post('/handoffs/:id/ticket', route(async (req, res) => {
    const h = await visible(res, String(req.params.id));
    const body = Ticket.parse(req.body);
    let reference: string;
    if ('reference' in body) {
      const found = await deps.connector.getStatus(body.reference.toUpperCase());
      // Another team's ticket of another citizen answers as an unknown one: nothing of it leaks.
      if (!found || !(found.citizenId === h.citizenId || maySee(agentOf(res), { team: teamOfService(found.service) }))) {
        throw new NotFoundError('No existe un trámite con esa referencia.');
      }
      reference = found.reference;
    } else {
      const svc = catalog.services.find((s) => s.code === body.create.service);
      if (!svc) throw new BadTransferError('Ese servicio no existe.');
      const key = `console-${h.id}-${createHash('sha256').update(JSON.stringify(body.create)).digest('hex').slice(0, 16)}`;
      const ref = await deps.connector.createTicket({
        service: svc.code, type: body.create.type, connectorCode: svc.connector.code, description: body.create.description,
        ...ticketPlace(h.summary, body.create),
        citizenId: h.citizenId, channel: h.channel, conversationId: h.conversationId, locale: h.locale,
        ...(h.summary.contact ? { contact: h.summary.contact } : {}),
      }, key);
      reference = ref.reference;
      await service.notices.send(h, t(h.locale, 'handoff.filed', { reference, team: teamName(catalog, h.team, h.locale) }));
    }
    await store.setTicket(h.id, reference, agentOf(res).id);
    const status = await deps.connector.getStatus(reference);
    return status ? ticketView(status) : { reference };
  }));

  // An agent corrects the service and type the bot understood: a labelled example for every process's
  // classifier (issue 13 part 3). Who may not see the handoff or the ticket gets the unknown id's 404.
  const serviceCodes = new Set(catalog.services.map((x) => x.code));
  const Correction = z.object({ service: z.string().refine((code) => serviceCodes.has(code), 'no such service in the catalog'), type: z.enum(PROCEDURE_TYPES) }).strict();
  const announce = () => deps.corrections.announce().catch((err: unknown) => deps.log.warn({ err }, 'correction stored but not announced: processes read it at their next reload'));

  api.post('/handoffs/:id/correction', route(async (req, res) => {
    const h = await visible(res, String(req.params.id));
    const { service: code, type } = Correction.parse(req.body);
    const text = h.summary.description?.trim();
    // A handoff asked for before anything was described has no words of the citizen's to learn from.
    if (!text) throw new NothingToLearnError('El ciudadano no describió nada de lo que aprender.');
    const agent = agentOf(res);
    const c = await deps.corrections.store.add({ text, service: code, type, locale: h.locale, handoffId: h.id, agentId: agent.id });
    await store.addEvent(h.id, { kind: 'corrected', agentId: agent.id, note: `${code} · ${type}` }, c.createdAt);
    await announce();
    res.status(201);
    return { id: c.id, service: code, type, agentId: agent.id, createdAt: c.createdAt.toISOString() };
  }));

  api.post('/tickets/:reference/correction', route(async (req, res) => {
    const reference = String(req.params.reference).toUpperCase();
    const ticket = await deps.corrections.store.ticket(reference);
    if (!ticket || !maySee(agentOf(res), { team: teamOfService(ticket.service) })) throw new NotFoundError('No existe un trámite con esa referencia.');
    const { service: code, type } = Correction.parse(req.body);
    const agent = agentOf(res);
    const { correction: c, ticketUpdated } = await deps.corrections.store.addForTicket({ text: ticket.description, service: code, type, locale: ticket.locale, ticketReference: reference, agentId: agent.id });
    await announce();
    res.status(201);
    return { id: c.id, service: code, type, agentId: agent.id, createdAt: c.createdAt.toISOString(), reference, ticketUpdated };
  }));

  api.post('/conversations/:key/pull', route(async (req, res) => {
    const agent = agentOf(res);
    const key = parseConversationKey(String(req.params.key))?.key;
    // Only what the agent's live list may show: a conversation of the desk's, recent. Keys are guessable
    // (telegram:<chat id>, whatsapp-cloud:<phone>): anything else answers as unknown.
    const conversation = key && seesBotConversations(agent) ? await deps.history.conversation(key) : undefined;
    if (!conversation || conversation.lastActivityAt.getTime() < Date.now() - LIVE_WINDOW_MS) {
      throw new NotFoundError('Esa conversación no existe.');
    }
    res.status(201);
    return service.view(await service.pull(agent, conversation.id));
  }));

  api.get('/agents', route(async (req) => {
    const team = typeof req.query.team === 'string' ? req.query.team : undefined;
    return { items: (await agentPresence()).filter((a) => !team || a.teams.includes(team)) };
  }));

  api.get('/supervisor', deps.requireRole('supervisor'), route(async () => supervisorStats()));

  // Tickets the back office refused (a 4xx): an agent of the service's team reviews and sends them again.
  api.get('/reviews', route(async (_req, res) => {
    const agent = agentOf(res);
    const items = (await deps.deliveries.rejections()).filter((r) => maySee(agent, { team: teamOfService(r.service) }));
    return { items: items.map((r) => ({ reference: r.reference, service: r.service, type: r.type, description: r.description, error: r.error, team: teamOfService(r.service), createdAt: r.createdAt })) };
  }));
  api.post('/reviews/:reference/retry', route(async (req, res) => {
    const reference = String(req.params.reference).toUpperCase();
    const ticket = await deps.deliveries.byReference(reference);
    if (!ticket || !maySee(agentOf(res), { team: teamOfService(ticket.service) })) throw new NotFoundError('No existe un trámite con esa referencia.');
    if (!(await deps.deliveries.retry(reference))) throw new NotHolderError('Ese trámite no está pendiente de revisión.');
    await deps.delivery.enqueue(reference);
    return { reference, delivery: 'pending' };
  }));

  api.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendConsoleError(res, err, deps.log));

  /**
   * An agent opening a conversation must see the citizen's last words, and lines of recent turns may still
   * be on their way to SQL (queues/transcript-outbox). A slow or absent database must not hold the console:
   * after a while it shows what SQL has.
   */
  async function recentLinesInSql(): Promise<void> {
    await Promise.race([
      deps.transcriptOutbox.flush().catch((err: unknown) => deps.log.warn({ err }, 'transcript flush failed: showing what SQL has')),
      new Promise((resolve) => setTimeout(resolve, TRANSCRIPT_FLUSH_WAIT_MS).unref()),
    ]);
  }

  async function detail(h: Handoff): Promise<HandoffDetail> {
    await recentLinesInSql();
    const [transcript, events, citizen, names] = await Promise.all([
      deps.history.transcript(h.channel, h.conversationId, 300), store.events(h.id), citizen360(h.citizenId), agentNames(),
    ]);
    return {
      handoff: await service.view(h),
      transcript: transcript.map((m) => transcriptMessage(h, m, names, service.consoleMediaUrl)),
      events: events.map((e) => ({ kind: e.kind, at: e.at.toISOString(), ...(e.agentId ? { agentId: e.agentId, agentName: names.get(e.agentId) ?? e.agentId } : {}), ...(e.team ? { team: e.team } : {}), ...(e.note ? { note: e.note } : {}) })),
      citizen,
    };
  }

  async function citizen360(citizenId: string): Promise<Citizen360> {
    const [identities, conversations, tickets, handoffs] = await Promise.all([
      deps.history.identitiesOf(citizenId), deps.history.conversationsOf(citizenId),
      deps.connector.listForCitizen?.(citizenId) ?? Promise.resolve([]), store.ofCitizen(citizenId),
    ]);
    // Tickets filed on someone's behalf name both people.
    const names = await deps.history.namesOf([...new Set(tickets.flatMap((t) => (t.representativeId ? [t.representativeId, t.citizenId ?? ''] : [])))]);
    return {
      citizenId,
      identities: identities.map((i) => ({ channel: i.channel, verified: i.verified })),
      tickets: tickets.map((t) => ticketView(t, names, citizenId)),
      conversations: conversations.map((c) => ({ key: c.id, channel: c.channel, startedAt: c.startedAt.toISOString(), lastActivityAt: c.lastActivityAt.toISOString() })),
      handoffs: handoffs.map((x) => ({ id: x.id, team: x.team, status: x.status, createdAt: x.createdAt.toISOString(), ...(x.resolution ? { resolution: x.resolution } : {}), ...(x.satisfaction !== undefined ? { satisfaction: x.satisfaction } : {}) })),
    };
  }

  async function agentNames(): Promise<Map<string, string>> {
    return new Map((await deps.agents.list()).map((a) => [a.id, a.name]));
  }

  async function agentPresence(): Promise<AgentPresence[]> {
    const agents = (await deps.agents.list()).filter((a) => !a.disabled);
    const [availability, loads] = await Promise.all([deps.presence.availability(agents.map((a) => a.id)), store.loads()]);
    return agents.map((a) => {
      const now = availability.get(a.id) ?? 'offline';
      return { id: a.id, name: a.name, teams: a.teams, online: now === 'available', availability: now, load: loads.get(a.id) ?? 0, maxConcurrent: a.maxConcurrent };
    });
  }

  async function supervisorStats(): Promise<SupervisorStats> {
    const dayAgo = new Date(Date.now() - 86_400_000);
    const [agents, waits, byReason, satisfaction] = await Promise.all([agentPresence(), store.meanWaits(dayAgo), store.countByReason(new Date(Date.now() - 30 * 86_400_000)), store.satisfactionByTeam()]);
    const now = new Date();
    const teams = await Promise.all(catalog.teams.map(async (team) => {
      const queued = await store.withStatus('queued', { team: team.code });
      return {
        code: team.code, name: team.names.es, waiting: queued.length,
        oldestWaitSeconds: queued.length ? Math.round((now.getTime() - Math.min(...queued.map((h) => h.queuedAt.getTime()))) / 1_000) : 0,
        meanWaitSeconds: Math.round(waits.get(team.code) ?? 0), open: new OfficeHours(team, catalog.city.timezone).isOpen(now),
      };
    }));
    return { teams, agents, byReason, satisfaction };
  }

  return router;
}

function transcriptMessage(h: Handoff, m: TranscriptEntry, names: Map<string, string>, mediaUrl: (url: string) => string): ConsoleMessage {
  const images = (m.attachments as Array<{ contentType?: string; contentUrl?: string }> | undefined ?? []).filter((a) => a.contentType?.startsWith('image/') && a.contentUrl).map((a) => mediaUrl(a.contentUrl!));
  const entities = (m.entities as Array<{ type?: string; geo?: { latitude?: number; longitude?: number } }> | undefined) ?? [];
  const place = entities.find((e) => e.type === 'Place' && e.geo);
  // A voice note: playable, and marked when its text is a transcription (dialogs/understand/voice-note).
  const audio = (m.attachments as Array<{ contentType?: string; contentUrl?: string }> | undefined ?? []).find((a) => a.contentType?.startsWith('audio/') && a.contentUrl);
  const transcribed = entities.some((e) => e.type === TRANSCRIBED_ENTITY);
  return {
    handoffId: h.id, conversationKey: h.conversationKey, at: m.at.toISOString(),
    from: m.direction === 'in' ? 'citizen' : m.author ? 'agent' : 'bot',
    ...(m.author ? { agentId: m.author, agentName: names.get(m.author) ?? m.author } : {}),
    ...(m.text ? { text: m.text } : {}),
    ...(images.length ? { images } : {}),
    ...(audio ? { voice: { url: mediaUrl(audio.contentUrl!), transcribed } } : {}),
    ...(place?.geo?.latitude !== undefined && place.geo.longitude !== undefined ? { location: { lat: place.geo.latitude, lon: place.geo.longitude } } : {}),
  };
}

function ticketView(s: TicketStatus, names = new Map<string, string>(), viewed?: string): TicketView {
  const representative = s.representativeId ? names.get(s.representativeId) : undefined;
  const represented = s.representativeId && s.citizenId ? names.get(s.citizenId) : undefined;
  return {
    reference: s.reference, service: s.service, type: s.type, status: s.status, createdAt: s.createdAt, updatedAt: s.updatedAt, ...(s.note ? { note: s.note } : {}),
    ...(s.representativeId ? { onBehalf: { ...(representative ? { representative } : {}), ...(represented ? { represented } : {}), byThisCitizen: s.representativeId === viewed } } : {}),
  };
}
