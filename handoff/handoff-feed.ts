import { t } from '../dialogs/i18n';
import { audienceOf } from './console-bus';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import type { Handoff } from './handoff-store';

const PREVIEW_EVERY_MS = 500;

/**
 * Tells consoles what changed (a handoff, a team's queue) and, when a queue moved, the waiting citizens
 * whose place changed.
 */
export class HandoffFeed {
  private readonly previewTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'notices' | 'places' | 'views'>,
  ) {}

  /** Tells every console that can see it (its team, its holder, and the agent who just let go of it). */
  async changed(h: Handoff, formerAgentId?: string): Promise<void> {
    const handoff = await this.parts.views.view(h);
    await this.deps.bus.publish(audienceOf(h), { type: 'handoff', handoff });
    if (formerAgentId && formerAgentId !== h.agentId) await this.deps.bus.publish({ agentId: formerAgentId }, { type: 'handoff', handoff });
  }

  /** After a team queue changed: consoles get the new list, and waiting citizens whose place moved are told. */
  async queueMoved(team: string): Promise<string[]> {
    const order = await this.deps.queues.waiting(team);
    await this.publishQueue(team);
    for (const { id, position } of await this.parts.places.movedPlaces(order)) {
      const h = await this.deps.store.byId(id);
      if (h?.status === 'queued') await this.parts.notices.send(h, t(h.locale, 'handoff.position', { position, minutes: await this.parts.places.waitMinutes(team, position) }));
    }
    return order;
  }

  /**
   * The queue list shows each waiting citizen's last words. Re-sending the whole list to the whole team
   * for every message doubled the consoles' traffic (bench/console-fanout.ts), so preview-only changes
   * are sent at most once per PREVIEW_EVERY_MS per team; changes of the list itself go at once.
   */
  previewSoon(team: string): void {
    if (this.previewTimers.has(team)) return;
    this.previewTimers.set(team, setTimeout(() => {
      this.previewTimers.delete(team);
      this.publishQueue(team).catch((err: unknown) => this.deps.log.warn({ err, team }, 'queue preview not published'));
    }, PREVIEW_EVERY_MS).unref());
  }

  private async publishQueue(team: string): Promise<void> {
    await this.deps.bus.publish({ team }, { type: 'queue', team, items: await this.parts.views.queueOf(team) });
  }
}
