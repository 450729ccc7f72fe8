import { randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { conversationKey } from '../bot/conversation-key';
import { StaleHoldError } from '../bot/errors';
// Not '../dialogs' (the engine's index): every role has this service, and only turn processes load the engine.
import type { ForwardFlags, HandoffOutcome, HandoffPort, HandoffRequest, Hold } from '../dialogs';
import { audienceOf } from './console-bus';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import { PRIORITY } from './handoff-priority';
import { ACTIVE, type Handoff } from './handoff-store';
import { consoleMessageOf } from './handoff-views';
import { OfficeHours } from './office-hours';

/**
 * The citizen's side of a handoff, as the engine asks for it (HandoffPort): the request (or why there is
 * nobody to take it), the citizen's messages while people hold the conversation, leaving the queue.
 */
export class CitizenHandoffs implements HandoffPort {
  private readonly hours = new Map<string, OfficeHours>();

  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'holds' | 'places' | 'previews' | 'views' | 'feed' | 'steps'>,
  ) {
    for (const team of deps.catalog.teams) this.hours.set(team.code, new OfficeHours(team, deps.catalog.city.timezone));
  }

  holdOf(channel: string, conversationId: string): Promise<Hold | undefined> {
    return this.parts.holds.get(channel, conversationId);
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
    if (req.preview) await this.parts.previews.set(h.id, req.preview);
    await this.parts.steps.enqueue(h);
    const order = await this.deps.queues.waiting(h.team);
    const position = Math.max(1, order.indexOf(h.id) + 1);
    this.deps.log.info({ handoffId: h.id, team: h.team, reason: h.reason, position }, 'conversation handed off');
    return { kind: 'queued', handoffId: h.id, position, waitMinutes: await this.parts.places.waitMinutes(h.team, position) };
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
    if (h) await this.parts.steps.ended(h, { tellEngine: false });
  }

  /**
   * Throws StaleHoldError (retryable) when SQL says the hold's handoff ended: the hold outlived it (Redis
   * failed between a close's two steps), so it is dropped and the message runs again, answered by the bot.
   */
  async forward(hold: Hold, activity: Partial<Activity>, flags?: ForwardFlags): Promise<void> {
    const h = await this.deps.store.byId(hold.id);
    if (!h || !ACTIVE.includes(h.status)) {
      this.deps.log.warn({ handoffId: hold.id, status: h?.status, channel: activity.channelId }, 'stale handoff hold: dropped, the bot answers the message');
      await this.parts.holds.drop({ id: hold.id, channel: activity.channelId ?? '', conversationId: activity.conversation?.id ?? '' });
      throw new StaleHoldError(`handoff ${hold.id} is ${h?.status ?? 'gone'}: its hold was stale`);
    }
    if (activity.text) await this.parts.previews.set(h.id, activity.text);
    const message = consoleMessageOf(h, activity, this.parts.views.consoleMediaUrl);
    if (flags?.emergency) {
      // The citizen was told to call the emergency number; the agent sees the message flagged, now and on reload.
      message.emergency = true;
      this.deps.log.warn({ handoffId: h.id, team: h.team }, 'emergency reported during a handoff: flagged to agents');
      await this.raiseForEmergency(h);
    }
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
    if (h.status === 'queued') this.parts.feed.previewSoon(h.team);
  }

  /** An emergency while waiting puts the citizen first in the queue, as a hazard does (handoff-priority.ts). */
  private async raiseForEmergency(h: Handoff): Promise<void> {
    const raised = h.status === 'queued' && h.priority > PRIORITY.hazard
      ? await this.deps.store.transition(h.id, ['queued'], 'queued', { priority: PRIORITY.hazard }, { kind: 'emergency' })
      : undefined;
    if (!raised) return void (await this.deps.store.addEvent(h.id, { kind: 'emergency' }));
    await this.deps.queues.raise(raised.team, raised.id, PRIORITY.hazard);
    await this.parts.feed.queueMoved(raised.team);
  }

  async recordSatisfaction(handoffId: string, score: number, comment?: string): Promise<void> {
    await this.deps.store.recordSatisfaction(handoffId, score, comment);
  }

  async ticketFiled(handoffId: string | undefined, reference: string): Promise<void> {
    if (handoffId) await this.deps.store.setTicket(handoffId, reference);
  }
}
