import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { imagesOf, locationOf } from '../bot/activity';
import type { Ingest } from '../bot/channel';
import type { ChannelRegistry } from '../bot/channel-registry';
import { conversationKey, type ConversationKey } from '../bot/conversation-key';
import {
  AlreadyClaimedError, AlreadyHeldError, AtCapacityError, BadTransferError, NotFoundError, NotHolderError, StaleHoldError,
} from '../bot/errors';
import type { Clock } from '../bot/clock';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import type { HistoryStore } from '../bot/sql/history-store';
import type { Catalog } from '../catalog/schema';
// Not '../dialogs' (the engine's index): every role has this service, and only turn processes load the engine.
import type { ForwardFlags, HandoffOutcome, HandoffPort, HandoffRequest, Hold } from '../dialogs';
import { HANDOFF_ENDED, type HandoffEnded } from '../dialogs/handoff-ended';
import { t } from '../dialogs/i18n';
import { teamName } from '../dialogs/team-name';
import type { AgentView, ConsoleMessage, HandoffView, QueueItem } from '../console/protocol';
import { CitizenNotices } from '../queues/citizen-notices';
import { QueuePlaces } from './queue-places';
import { audienceOf, type ConsoleBus } from './console-bus';
import { ACTIVE, type Handoff, type HandoffStore } from './handoff-store';
import { Holds } from './holds';
import type { HandoffTimers } from './handoff-timers';
import { OfficeHours } from './office-hours';
import { Presence } from './presence';
import type { TeamQueues } from './team-queues';

// Lower is sooner (BullMQ priorities): hazards, then citizens whose agent vanished, then everyone else.
const PRIORITY = { hazard: 1, returned: 2, normal: 5 } as const;
const PREVIEW_CHARS = 140;
const PREVIEW_EVERY_MS = 500;

export interface HandoffServiceDeps {
  store: HandoffStore;
  queues: TeamQueues;
  timers: HandoffTimers;
  presence: Presence;
  bus: ConsoleBus;
  redis: Redis;
  prefix: string;
  catalog: Catalog;
  outbound: ConstructorParameters<typeof CitizenNotices>[0]['outbound'];
  history: HistoryStore;
  /** Tells the engine (through the conversation's inbound mailbox) that people let go. */
  ingest: Ingest;
  channels: ChannelRegistry;
  agents: { byId(id: string): Promise<AgentView | undefined> };
  log: Logger;
  /**
   * Our media URLs as an agent's browser may load them (signed, expiring: `GET /media/<name>` needs a
   * signature or the web chat conversation's token). Only views that passed the console's checks use it.
   * @defaultValue unchanged URLs
   */
  mediaUrl?: (url: string) => string;
  /** "Now" for office hours (tests pin the day); the system clock by default. */
  clock?: Clock;
  /** How long a hold lives unless the sweep renews it. @defaultValue HOLD_LEASE_MS (handoff/holds) */
  holdLeaseMs?: number;
  /** Times each claim from the queue, per team (citybot_handoff_claim_seconds). */
  metrics?: Pick<Metrics, 'handoffClaimSeconds'>;
}

/**
 * The life of a handoff, from the bot's request to a person's close. Every state change is decided in
 * SQL first (conditional updates: one winner), then mirrored to Redis (the hold the engine reads on
 * every turn, the team's BullMQ queue), told to the citizen on their channel, and pushed to consoles.
 *
 * Read this before changing: the engine stays silent while `hold:<conversation>` exists, so every path
 * that ends a handoff must delete it, and every path that starts or re-queues one must set it. Holds are
 * leases (handoff/holds): one left behind by a failure heals (see `sweep`, `forward`, `rebuild`).
 */
export class HandoffService implements HandoffPort {
  readonly notices: CitizenNotices;
  private readonly places: QueuePlaces;
  private readonly holds: Holds;
  private readonly hours = new Map<string, OfficeHours>();
  private readonly previewTimers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly deps: HandoffServiceDeps) {
    this.notices = new CitizenNotices(deps);
    this.places = new QueuePlaces(deps);
    this.holds = new Holds(deps.redis, deps.prefix, deps.holdLeaseMs);
    for (const team of deps.catalog.teams) this.hours.set(team.code, new OfficeHours(team, deps.catalog.city.timezone));
  }

  // ---- the engine's side (HandoffPort) ----

  holdOf(channel: string, conversationId: string): Promise<Hold | undefined> {
    return this.holds.get(channel, conversationId);
  }

  async request(req: HandoffRequest): Promise<HandoffOutcome> {
    const now = new Date((this.deps.clock ?? Date.now)());
    const hours = this.hours.get(req.team);
    if (hours && !hours.isOpen(now)) {
      const opensAt = hours.nextOpening(now);
      return { kind: 'closed', ...(opensAt ? { opensAt } : {}) };
    }
    // Open, but nobody of the team at a console: the citizen hears it now rather than after the claim window.
    if (!req.waitAnyway && !(await this.staffed(req.team))) return { kind: 'unstaffed' };
    const h = await this.deps.store.open({
      id: randomUUID(), conversationKey: conversationKey(req.channel, req.conversationId), channel: req.channel, conversationId: req.conversationId,
      userId: req.userId, citizenId: req.citizenId, team: req.team, reason: req.reason, summary: req.summary, locale: req.locale,
      priority: req.summary.hazard ? PRIORITY.hazard : PRIORITY.normal,
    }, now);
    if (req.preview) await this.setPreview(h.id, req.preview);
    await this.enqueue(h);
    const order = await this.deps.queues.waiting(h.team);
    const position = Math.max(1, order.indexOf(h.id) + 1);
    this.deps.log.info({ handoffId: h.id, team: h.team, reason: h.reason, position }, 'conversation handed off');
    return { kind: 'queued', handoffId: h.id, position, waitMinutes: await this.places.waitMinutes(h.team, position) };
  }

  /** Whether an agent of `team` (enabled) is at a console now. Presence is kept on the real clock. */
  private async staffed(team: string): Promise<boolean> {
    for (const id of await this.deps.presence.online()) {
      const agent = await this.deps.agents.byId(id);
      if (agent && !agent.disabled && agent.teams.includes(team)) return true;
    }
    return false;
  }

  async leave(hold: Hold): Promise<void> {
    const h = await this.deps.store.transition(hold.id, ['queued'], 'cancelled', { ended_at: new Date().toISOString() }, { kind: 'cancelled' });
    if (h) await this.ended(h, { tellEngine: false });
  }

  /**
   * Throws StaleHoldError (retryable) when SQL says the hold's handoff ended: the hold outlived it (Redis
   * failed between a close's two steps), so it is dropped and the message runs again, answered by the bot.
   */
  async forward(hold: Hold, activity: Partial<Activity>, flags?: ForwardFlags): Promise<void> {
    const h = await this.deps.store.byId(hold.id);
    if (!h || !ACTIVE.includes(h.status)) {
      this.deps.log.warn({ handoffId: hold.id, status: h?.status, channel: activity.channelId }, 'stale handoff hold: dropped, the bot answers the message');
      await this.holds.drop({ id: hold.id, channel: activity.channelId ?? '', conversationId: activity.conversation?.id ?? '' });
      throw new StaleHoldError(`handoff ${hold.id} is ${h?.status ?? 'gone'}: its hold was stale`);
    }
    if (activity.text) await this.setPreview(h.id, activity.text);
    const message = consoleMessageOf(h, activity, this.consoleMediaUrl);
    if (flags?.emergency) {
      // The citizen was told to call the emergency number; the agent sees the message flagged, now and on reload.
      message.emergency = true;
      this.deps.log.warn({ handoffId: h.id, team: h.team }, 'emergency reported during a handoff: flagged to agents');
      await this.deps.store.addEvent(h.id, { kind: 'emergency' });
    }
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
    if (h.status === 'queued') this.previewSoon(h.team);
  }

  /**
   * The queue list shows each waiting citizen's last words. Re-sending the whole list to the whole team
   * for every message doubled the consoles' traffic (bench/console-fanout.ts), so preview-only changes
   * are sent at most once per PREVIEW_EVERY_MS per team; changes of the list itself go at once.
   */
  private previewSoon(team: string): void {
    if (this.previewTimers.has(team)) return;
    this.previewTimers.set(team, setTimeout(() => {
      this.previewTimers.delete(team);
      this.publishQueue(team).catch((err: unknown) => this.deps.log.warn({ err, team }, 'queue preview not published'));
    }, PREVIEW_EVERY_MS).unref());
  }

  async recordSatisfaction(handoffId: string, score: number, comment?: string): Promise<void> {
    await this.deps.store.recordSatisfaction(handoffId, score, comment);
  }

  async ticketFiled(handoffId: string | undefined, reference: string): Promise<void> {
    if (handoffId) await this.deps.store.setTicket(handoffId, reference);
  }

  // ---- the agents' side (the console API calls these after checking the agent may see the handoff) ----

  async claim(agent: AgentView, id: string): Promise<Handoff> {
    const h = await this.deps.store.claim(id, agent.id, agent.maxConcurrent);
    if (!h) {
      const current = await this.require(id);
      if (current.status !== 'queued') throw new AlreadyClaimedError('Otra persona ya atendió esta conversación.');
      throw new AtCapacityError(`Ya atiendes ${agent.maxConcurrent} conversaciones: cierra o libera una antes de tomar otra.`);
    }
    this.deps.metrics?.handoffClaimSeconds.observe({ team: h.team }, Math.max(0, Date.now() - h.queuedAt.getTime()) / 1_000);
    await this.setHold(h);
    await this.deps.queues.remove(h.team, h.id);
    await this.places.forget(h.id);
    await this.places.claimed(h.team);
    await this.deps.presence.seen([agent.id]);
    await this.notices.send(h, t(h.locale, 'handoff.claimed', { agent: agent.name, team: teamName(this.deps.catalog, h.team, h.locale) }));
    await this.changed(h);
    await this.queueMoved(h.team);
    return h;
  }

  /**
   * The team a conversation with the bot belongs to: the citizen desk (the catalog's default team). The
   * console lists these conversations to whoever may see that team, and a pulled one is filed in it.
   */
  get botConversationsTeam(): string {
    return this.deps.catalog.handoff.defaultTeam;
  }

  /**
   * Takes a conversation from the bot (the "live" list): it goes straight to the agent. The console API
   * checks first that the agent may see it; the handoff is filed in the team that owns the conversation
   * (`botConversationsTeam`), never in the agent's own, so later checks judge it by its real team.
   */
  async pull(agent: AgentView, conversationKey: ConversationKey): Promise<Handoff> {
    const conversation = await this.deps.history.conversation(conversationKey);
    if (!conversation) throw new NotFoundError('Esa conversación no existe.');
    if (await this.deps.store.activeOf(conversationKey)) throw new AlreadyHeldError('Esa conversación ya está con una persona.');
    const identities = await this.deps.history.identitiesOf(conversation.citizenId);
    const own = identities.filter((i) => i.channel === conversation.channel);
    const userId = (own.find((i) => i.channelUserId === conversation.conversationId) ?? own[0])?.channelUserId ?? conversation.conversationId;
    const team = this.botConversationsTeam;
    const opened = await this.deps.store.open({
      id: randomUUID(), conversationKey, channel: conversation.channel, conversationId: conversation.conversationId, userId,
            // The citizen's chosen language lives in the bot's state, out of reach here; the city's language is the safe default.
      citizenId: conversation.citizenId, team, reason: 'pulled', summary: {}, locale: this.deps.catalog.city.defaultLocale, priority: PRIORITY.normal,
    });
    // Opened and claimed at once: nobody else can claim in between, it was never in a queue.
    await this.setHold(opened);
    try {
      return await this.claim(agent, opened.id);
    } catch (err) {
      // At capacity: the conversation goes back to the bot rather than wait in no queue.
      const cancelled = await this.deps.store.transition(opened.id, ['queued'], 'cancelled', { ended_at: new Date().toISOString() }, { kind: 'cancelled', agentId: agent.id });
      if (cancelled) await this.ended(cancelled, { tellEngine: false });
      throw err;
    }
  }

  async reply(agent: AgentView, id: string, text: string): Promise<ConsoleMessage> {
    const h = await this.held(agent, id);
    const sent = await this.notices.send(h, text, { id: agent.id, name: agent.name });
    const message: ConsoleMessage = { handoffId: h.id, conversationKey: h.conversationKey, from: 'agent', agentId: agent.id, agentName: agent.name, text, at: sent.at.toISOString() };
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
    await this.deps.presence.seen([agent.id]);
    return message;
  }

  async note(agent: AgentView, id: string, text: string): Promise<void> {
    await this.require(id);
    await this.deps.store.addEvent(id, { kind: 'note', agentId: agent.id, note: text });
  }

  /** "typing…" on the citizen's channel while the agent writes; best effort, like the bot's. */
  async typing(agent: AgentView, id: string): Promise<void> {
    const h = await this.held(agent, id);
    const channel = this.deps.channels.get(h.channel);
    if (channel?.capabilities.typing) {
      await channel.send({ channel: channel.id, conversationId: h.conversationId, userId: h.userId }, [{ type: 'typing' }]).catch((err: unknown) => this.deps.log.debug({ err }, 'typing indicator failed'));
    }
    await this.deps.bus.publish(audienceOf(h), { type: 'typing', handoffId: h.id, agentId: agent.id });
  }

  /**
   * To another team's queue, or straight to an agent (of that team), with a note for whoever takes it.
   * Only its holder, a supervisor of its team or an admin may move it (E_NOT_HOLDER otherwise).
   */
  async transfer(agent: AgentView, id: string, to: { team?: string; agentId?: string; note: string }): Promise<Handoff> {
    const h = await this.require(id);
    const oversees = agent.role === 'admin' || (agent.role === 'supervisor' && agent.teams.includes(h.team));
    if (!oversees && (h.status !== 'assigned' || h.agentId !== agent.id)) {
      throw new NotHolderError('Solo quien atiende la conversación, o quien supervisa su equipo, puede transferirla.');
    }
    // A holder's transfer fails if the conversation was taken from them meanwhile.
    const from = oversees ? (['queued', 'assigned'] as const) : { statuses: ['assigned'] as const, heldBy: agent.id };
    const team = to.team ?? h.team;
    if (!this.deps.catalog.teams.some((x) => x.code === team)) throw new BadTransferError('Ese equipo no existe.');
    const now = new Date().toISOString();
    const event = { kind: 'transferred', agentId: agent.id, team, note: to.note };
    let moved: Handoff | undefined;
    if (to.agentId) {
      const target = await this.deps.agents.byId(to.agentId);
      if (!target || target.disabled || !target.teams.includes(team)) throw new BadTransferError('Esa persona no pertenece a ese equipo.');
      if (((await this.deps.store.loads()).get(target.id) ?? 0) >= target.maxConcurrent) {
        throw new AtCapacityError(`${target.name} ya atiende todas las conversaciones que puede.`);
      }
      moved = await this.deps.store.transition(id, from, 'assigned', { team, agent_id: target.id, claimed_at: now }, event);
      if (moved) {
        await this.deps.queues.remove(h.team, id);
        await this.setHold(moved);
        await this.notices.send(moved, t(moved.locale, 'handoff.transferredAgent', { agent: target.name }));
      }
    } else {
      moved = await this.deps.store.transition(id, from, 'queued', { team, agent_id: null, queued_at: now, claimed_at: null }, event);
      if (moved) {
        await this.deps.queues.remove(h.team, id);
        await this.places.forget(id);
        const position = await this.enqueue(moved);
        await this.notices.send(moved, t(moved.locale, 'handoff.transferredTeam', { team: teamName(this.deps.catalog, team, moved.locale), position }));
      }
    }
    if (!moved) throw new NotHolderError('La conversación ya no está abierta.');
    await this.changed(moved, h.agentId);
    if (h.team !== team || h.status === 'queued') await this.queueMoved(h.team);
    return moved;
  }

  /** Back to the bot, which answers again from the citizen's next message. */
  async release(agent: AgentView, id: string): Promise<Handoff> {
    await this.held(agent, id);
    const h = await this.deps.store.transition(id, { statuses: ['assigned'], heldBy: agent.id }, 'released', { ended_at: new Date().toISOString() }, { kind: 'released', agentId: agent.id });
    if (!h) throw new NotHolderError('La conversación ya no está abierta.');
    await this.ended(h, { tellEngine: 'released' });
    return h;
  }

  /** Done: the citizen is asked how it went. */
  async close(agent: AgentView, id: string, resolution: string): Promise<Handoff> {
    await this.held(agent, id);
    const h = await this.deps.store.transition(id, { statuses: ['assigned'], heldBy: agent.id }, 'closed', { ended_at: new Date().toISOString(), resolution }, { kind: 'closed', agentId: agent.id, note: resolution });
    if (!h) throw new NotHolderError('La conversación ya no está abierta.');
    await this.ended(h, { tellEngine: 'closed' });
    return h;
  }

  // ---- time (HandoffTimers calls these) ----

  /** Nobody claimed it within the team's limit: the citizen is told and the engine files a ticket. */
  async expire(id: string, queuedAt: string): Promise<void> {
    const h = await this.deps.store.byId(id);
    if (!h || h.status !== 'queued' || h.queuedAt.toISOString() !== queuedAt) return;
    const expired = await this.deps.store.transition(id, ['queued'], 'expired', { ended_at: new Date().toISOString() }, { kind: 'expired' });
    if (!expired) return;
    this.deps.log.warn({ handoffId: id, team: h.team }, 'nobody claimed a handoff in time: filing a ticket');
    await this.ended(expired, { tellEngine: 'expired' });
  }

  /** Agents gone longer than the grace period give their conversations back to their queues. */
  async returnAbsentAgents(now = Date.now()): Promise<number> {
    const graceMs = this.deps.catalog.handoff.graceSeconds * 1_000;
    const seen = await this.deps.presence.lastSeen();
    let returned = 0;
    for (const h of await this.deps.store.withStatus('assigned')) {
      // An agent who claimed through the API and never opened a console counts from the claim.
      const last = Math.max(seen.get(h.agentId!) ?? 0, h.claimedAt?.getTime() ?? 0);
      if (Presence.offlineFor(last, now) <= graceMs) continue;
      const back = await this.deps.store.transition(h.id, { statuses: ['assigned'], heldBy: h.agentId! }, 'queued',
        { agent_id: null, claimed_at: null, queued_at: new Date(now).toISOString(), priority: Math.min(h.priority, PRIORITY.returned) },
        { kind: 'requeued', agentId: h.agentId!, note: 'agent disconnected' });
      if (!back) continue;
      returned++;
      const position = await this.enqueue(back);
      await this.notices.send(back, t(back.locale, 'handoff.agentGone', { position }));
      await this.changed(back, h.agentId);
    }
    return returned;
  }

  /**
   * The sweep of the handoff timers: returns absent agents' conversations, and renews the holds of every
   * open handoff (setting those Redis lost). A hold whose handoff ended is not renewed and lapses.
   */
  async sweep(now = Date.now()): Promise<void> {
    await this.returnAbsentAgents(now);
    await this.renewHolds();
  }

  /**
   * Renews the lease of every open handoff's hold. Returns how many holds Redis had lost (set again). A
   * handoff that ends while this runs may get its hold back for one lease: its next message drops it (forward).
   */
  async renewHolds(): Promise<number> {
    const open = (await Promise.all(ACTIVE.map((status) => this.deps.store.withStatus(status)))).flat();
    const lost = await this.holds.renew(open);
    if (lost > 0) this.deps.log.warn({ holds: lost }, 'handoff holds missing in Redis: set again from SQL');
    return lost;
  }

  /**
   * At start: holds left by handoffs that ended are dropped (reconciled with SQL), and holds and queues
   * of open handoffs are rebuilt from SQL (Redis may have lost its data: a restart without persistence).
   */
  async rebuild(): Promise<void> {
    const dropped = await this.holds.reconcile(async (id) => ACTIVE.includes((await this.deps.store.byId(id))?.status ?? 'closed'));
    if (dropped > 0) this.deps.log.warn({ holds: dropped }, 'stale handoff holds dropped at start');
    for (const status of ['queued', 'assigned'] as const) {
      for (const h of await this.deps.store.withStatus(status)) {
        await this.setHold(h);
        if (status === 'queued') await this.deps.queues.add(h.team, h.id, h.priority);
      }
    }
  }

  // ---- views for the console ----

  /** A photo URL as the console shows it (see HandoffServiceDeps.mediaUrl). */
  readonly consoleMediaUrl = (url: string): string => this.deps.mediaUrl?.(url) ?? url;

  private consoleSummary(summary: Handoff['summary']): Handoff['summary'] {
    return summary.photos?.length ? { ...summary, photos: summary.photos.map(this.consoleMediaUrl) } : summary;
  }

  async view(h: Handoff): Promise<HandoffView> {
    const agent = h.agentId ? await this.deps.agents.byId(h.agentId) : undefined;
    return {
      id: h.id, conversationKey: h.conversationKey, channel: h.channel, citizenId: h.citizenId, team: h.team, priority: h.priority,
      reason: h.reason, status: h.status, locale: h.locale, summary: this.consoleSummary(h.summary), createdAt: h.createdAt.toISOString(), queuedAt: h.queuedAt.toISOString(),
      ...(h.agentId ? { agentId: h.agentId } : {}), ...(agent ? { agentName: agent.name } : {}),
      ...(h.ticketReference ? { ticketReference: h.ticketReference } : {}), ...(h.claimedAt ? { claimedAt: h.claimedAt.toISOString() } : {}),
    };
  }

  /** A team's waiting list, next first. */
  async queueOf(team: string): Promise<QueueItem[]> {
    const order = await this.deps.queues.waiting(team);
    if (order.length === 0) return [];
    const byId = new Map((await this.deps.store.withStatus('queued', { team })).map((h) => [h.id, h]));
    const previews = await this.deps.redis.hmget(this.previewKey(), ...order);
    const now = Date.now();
    const items: QueueItem[] = [];
    for (const [i, id] of order.entries()) {
      const h = byId.get(id);
      if (!h) continue;
      const preview = previews[i];
      items.push({ ...(await this.view(h)), position: items.length + 1, waitingSeconds: Math.round((now - h.queuedAt.getTime()) / 1_000), ...(preview ? { preview } : {}) });
    }
    return items;
  }

  async require(id: string): Promise<Handoff> {
    const h = await this.deps.store.byId(id);
    if (!h) throw new NotFoundError('Esa conversación no existe.');
    return h;
  }

  // ---- internals ----

  /** Holds the conversation for people, queues it in its team, and starts the claim clock. Returns its place. */
  private async enqueue(h: Handoff): Promise<number> {
    await this.setHold(h);
    await this.deps.queues.add(h.team, h.id, h.priority);
    const minutes = this.deps.catalog.teams.find((x) => x.code === h.team)?.claimWithinMinutes ?? 10;
    await this.deps.timers.expireAt(h.id, h.queuedAt, minutes * 60_000);
    await this.changed(h);
    const position = await this.queueMoved(h.team);
    return Math.max(1, position.indexOf(h.id) + 1);
  }

  /** After a team queue changed: consoles get the new list, and waiting citizens whose place moved are told. */
  private async queueMoved(team: string): Promise<string[]> {
    const order = await this.deps.queues.waiting(team);
    await this.publishQueue(team);
    for (const { id, position } of await this.places.movedPlaces(order)) {
      const h = await this.deps.store.byId(id);
      if (h?.status === 'queued') await this.notices.send(h, t(h.locale, 'handoff.position', { position, minutes: await this.places.waitMinutes(team, position) }));
    }
    return order;
  }

  private async publishQueue(team: string): Promise<void> {
    await this.deps.bus.publish({ team }, { type: 'queue', team, items: await this.queueOf(team) });
  }

  /** Tells every console that can see it (its team, its holder, and the agent who just let go of it). */
  private async changed(h: Handoff, formerAgentId?: string): Promise<void> {
    const handoff = await this.view(h);
    await this.deps.bus.publish(audienceOf(h), { type: 'handoff', handoff });
    if (formerAgentId && formerAgentId !== h.agentId) await this.deps.bus.publish({ agentId: formerAgentId }, { type: 'handoff', handoff });
  }

  /** People let go: the bot may speak again; the engine learns why through the conversation's own mailbox. */
  private async ended(h: Handoff, opts: { tellEngine: HandoffEnded['outcome'] | false }): Promise<void> {
    // SQL has decided. A hold left behind heals (the next held message or the lease drops it): go on.
    await this.holds.drop(h).catch((err: unknown) => this.deps.log.warn({ err, handoffId: h.id }, 'handoff hold not dropped: it lapses or the next message drops it'));
    await this.deps.queues.remove(h.team, h.id);
    await this.places.forget(h.id);
    await this.deps.redis.hdel(this.previewKey(), h.id);
    if (opts.tellEngine) {
      const value: HandoffEnded = { handoffId: h.id, team: h.team, outcome: opts.tellEngine };
      await this.deps.ingest({
        type: 'event', name: HANDOFF_ENDED, value, id: `handoff-${h.id}-${opts.tellEngine}`, channelId: h.channel,
        conversation: { id: h.conversationId, isGroup: false, conversationType: 'personal', name: '' }, from: { id: h.userId, name: '' }, recipient: { id: 'bot', name: '' },
        timestamp: new Date(), locale: h.locale,
      });
    }
    await this.changed(h);
    await this.queueMoved(h.team);
  }

  private async held(agent: AgentView, id: string): Promise<Handoff> {
    const h = await this.require(id);
    if (h.status !== 'assigned' || h.agentId !== agent.id) throw new NotHolderError('No estás atendiendo esta conversación.');
    return h;
  }

  private setHold(h: Handoff): Promise<void> {
    return this.holds.set(h);
  }

  private async setPreview(id: string, text: string): Promise<void> {
    await this.deps.redis.hset(this.previewKey(), id, text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text);
  }

  private previewKey(): string {
    return `${this.deps.prefix}:handoff:preview`;
  }
}

/** A citizen's message as the console shows it. */
export function consoleMessageOf(h: Pick<Handoff, 'id' | 'conversationKey'>, a: Partial<Activity>, mediaUrl = (url: string) => url): ConsoleMessage {
  const images = imagesOf(a).map((x) => mediaUrl(x.contentUrl!));
  const point = locationOf(a);
  return {
    handoffId: h.id, conversationKey: h.conversationKey, from: 'citizen', at: new Date(a.timestamp ?? Date.now()).toISOString(),
    ...(a.text ? { text: a.text } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(point ? { location: { lat: point.latitude, lon: point.longitude } } : {}),
  };
}
