import { t } from '../dialogs/i18n';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import { PRIORITY } from './handoff-priority';
import { ACTIVE } from './handoff-store';
import { Presence } from './presence';

/**
 * What time does to handoffs (HandoffTimers calls these) and what a start repairs: expiry of unclaimed
 * handoffs, conversations of agents who vanished back to their queues, holds renewed and rebuilt from SQL.
 */
export class HandoffMaintenance {
  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'holds' | 'notices' | 'feed' | 'steps'>,
  ) {}

  /** Nobody claimed it within the team's limit: the citizen is told and the engine files a ticket. */
  async expire(id: string, queuedAt: string): Promise<void> {
    const h = await this.deps.store.byId(id);
    if (!h || h.status !== 'queued' || h.queuedAt.toISOString() !== queuedAt) return;
    const expired = await this.deps.store.transition(id, ['queued'], 'expired', { ended_at: new Date().toISOString() }, { kind: 'expired' });
    if (!expired) return;
    this.deps.log.warn({ handoffId: id, team: h.team }, 'nobody claimed a handoff in time: filing a ticket');
    await this.parts.steps.ended(expired, { tellEngine: 'expired' });
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
      const position = await this.parts.steps.enqueue(back);
      await this.parts.notices.send(back, t(back.locale, 'handoff.agentGone', { position }));
      await this.parts.feed.changed(back, h.agentId);
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
    const lost = await this.parts.holds.renew(open);
    if (lost > 0) this.deps.log.warn({ holds: lost }, 'handoff holds missing in Redis: set again from SQL');
    return lost;
  }

  /**
   * At start: holds left by handoffs that ended are dropped (reconciled with SQL), and holds and queues
   * of open handoffs are rebuilt from SQL (Redis may have lost its data: a restart without persistence).
   */
  async rebuild(): Promise<void> {
    const dropped = await this.parts.holds.reconcile(async (id) => ACTIVE.includes((await this.deps.store.byId(id))?.status ?? 'closed'));
    if (dropped > 0) this.deps.log.warn({ holds: dropped }, 'stale handoff holds dropped at start');
    for (const status of ['queued', 'assigned'] as const) {
      for (const h of await this.deps.store.withStatus(status)) {
        await this.parts.holds.set(h);
        if (status === 'queued') await this.deps.queues.add(h.team, h.id, h.priority);
      }
    }
  }
}
