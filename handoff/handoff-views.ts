import type { Activity } from 'botbuilder';
import { imagesOf, locationOf } from '../bot/activity';
import type { ConsoleMessage, HandoffView, QueueItem } from '../console/protocol';
import { isTranscribed, voiceNoteOf } from '../dialogs/understand/voice-note';
import type { HandoffServiceDeps } from './handoff-deps';
import type { Handoff } from './handoff-store';
import type { QueuePreviews } from './queue-previews';

/** Handoffs as the console shows them: one handoff, and a team's waiting list. */
export class HandoffViews {
  constructor(private readonly deps: HandoffServiceDeps, private readonly previews: QueuePreviews) {}

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
    const previews = await this.previews.of(order);
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
}

/** A citizen's message as the console shows it. */
export function consoleMessageOf(h: Pick<Handoff, 'id' | 'conversationKey'>, a: Partial<Activity>, mediaUrl = (url: string) => url): ConsoleMessage {
  const images = imagesOf(a).map((x) => mediaUrl(x.contentUrl!));
  const point = locationOf(a);
  const audio = voiceNoteOf(a);
  return {
    handoffId: h.id, conversationKey: h.conversationKey, from: 'citizen', at: new Date(a.timestamp ?? Date.now()).toISOString(),
    ...(audio ? { voice: { url: mediaUrl(audio.contentUrl!), transcribed: isTranscribed(a) } } : {}),
    ...(a.text ? { text: a.text } : {}),
    ...(images.length > 0 ? { images } : {}),
    ...(point ? { location: { lat: point.latitude, lon: point.longitude } } : {}),
  };
}
