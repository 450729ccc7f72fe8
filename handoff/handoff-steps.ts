import { NotFoundError, NotHolderError } from '../bot/errors';
import { HANDOFF_ENDED, type HandoffEnded } from '../dialogs/handoff-ended';
import type { AgentView } from '../console/protocol';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import type { Handoff } from './handoff-store';

/**
 * The steps the citizen's side, the agents' actions and the maintenance share: finding a handoff,
 * queueing it, and ending it.
 */
export class HandoffSteps {
  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'holds' | 'places' | 'previews' | 'feed'>,
  ) {}

  async require(id: string): Promise<Handoff> {
    const h = await this.deps.store.byId(id);
    if (!h) throw new NotFoundError('Esa conversación no existe.');
    return h;
  }

  /** The handoff `agent` holds now (E_NOT_HOLDER otherwise). */
  async held(agent: AgentView, id: string): Promise<Handoff> {
    const h = await this.require(id);
    if (h.status !== 'assigned' || h.agentId !== agent.id) throw new NotHolderError('No estás atendiendo esta conversación.');
    return h;
  }

  /** Holds the conversation for people, queues it in its team, and starts the claim clock. Returns its place. */
  async enqueue(h: Handoff): Promise<number> {
    await this.parts.holds.set(h);
    await this.deps.queues.add(h.team, h.id, h.priority);
    const minutes = this.deps.catalog.teams.find((x) => x.code === h.team)?.claimWithinMinutes ?? 10;
    await this.deps.timers.expireAt(h.id, h.queuedAt, minutes * 60_000);
    await this.parts.feed.changed(h);
    const position = await this.parts.feed.queueMoved(h.team);
    return Math.max(1, position.indexOf(h.id) + 1);
  }

  /** People let go: the bot may speak again; the engine learns why through the conversation's own mailbox. */
  async ended(h: Handoff, opts: { tellEngine: HandoffEnded['outcome'] | false }): Promise<void> {
    // SQL has decided. A hold left behind heals (the next held message or the lease drops it): go on.
    await this.parts.holds.drop(h).catch((err: unknown) => this.deps.log.warn({ err, handoffId: h.id }, 'handoff hold not dropped: it lapses or the next message drops it'));
    await this.deps.queues.remove(h.team, h.id);
    await this.parts.places.forget(h.id);
    await this.parts.previews.forget(h.id);
    // Best effort, like the hold: the handoff has ended whatever becomes of its video call's record.
    await this.deps.onEnded?.(h).catch((err: unknown) => this.deps.log.warn({ err, handoffId: h.id }, 'what ends with the handoff did not end: it lapses'));
    if (opts.tellEngine) {
      const value: HandoffEnded = { handoffId: h.id, team: h.team, outcome: opts.tellEngine };
      await this.deps.ingest({
        type: 'event', name: HANDOFF_ENDED, value, id: `handoff-${h.id}-${opts.tellEngine}`, channelId: h.channel,
        conversation: { id: h.conversationId, isGroup: false, conversationType: 'personal', name: '' }, from: { id: h.userId, name: '' }, recipient: { id: 'bot', name: '' },
        timestamp: new Date(), locale: h.locale,
      });
    }
    await this.parts.feed.changed(h);
    await this.parts.feed.queueMoved(h.team);
  }
}
