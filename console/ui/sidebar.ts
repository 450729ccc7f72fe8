import type { HandoffView, LiveConversation, QueueItem } from '../protocol';
import type { Ctx } from './context';
import { fill, h } from './dom';
import { channelBadge, channelName, duration, statusName, when } from './format';
import { T } from './i18n';
import { lateBadge, markLate } from './response-target';

export interface SidebarHooks {
  open(handoffId: string): void;
  pull(conversationKey: string): Promise<void>;
  refreshLive(): void;
}

interface Clock {
  el: HTMLElement;
  base: number;
  at: number;
  /** A waiting conversation's "Fuera de objetivo" badge, its item and its team's target (response-target.ts). */
  late?: { badge: HTMLElement; item: HTMLElement; target: number };
}

/**
 * The left column: my teams' queues (one list per team, in the server's order), the
 * conversations I hold (with unread counts), and the conversations live with the bot.
 * Waiting times tick locally from the server's `waitingSeconds`, so clock skew does not matter.
 */
export class Sidebar {
  readonly el: HTMLElement;
  private readonly queueHost = h('div', { class: 'queues' });
  private readonly mineHost = h('ul', { class: 'list', 'aria-labelledby': 'mine-title' });
  private readonly liveHost = h('ul', { class: 'list', 'aria-labelledby': 'live-title' });
  private readonly liveError = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly queueCount = h('span', { class: 'count' });
  private readonly mineCount = h('span', { class: 'count' });
  private queues = new Map<string, { items: QueueItem[]; at: number }>();
  private mine = new Map<string, HandoffView>();
  private unread = new Map<string, number>();
  private live: LiveConversation[] = [];
  private clocks: Clock[] = [];
  private active: string | undefined;
  /** Socket `queue` events so far, and the count when each team's list last came from one. */
  private queueEvents = 0;
  private readonly fromSocket = new Map<string, number>();

  constructor(private readonly ctx: Ctx, private readonly hooks: SidebarHooks) {
    const refresh = h('button', { type: 'button', class: 'small', text: T.refresh, 'aria-label': `${T.refresh}: ${T.lists.live}` });
    refresh.addEventListener('click', () => hooks.refreshLive());
    this.el = h('nav', { class: 'sidebar', 'aria-label': T.lists.queue },
      h('section', {}, h('h2', { id: 'queue-title', tabindex: -1 }, T.lists.queue, ' ', this.queueCount), this.queueHost),
      h('section', {}, h('h2', { id: 'mine-title' }, T.lists.mine, ' ', this.mineCount), this.mineHost),
      h('section', {}, h('div', { class: 'row' }, h('h2', { id: 'live-title', text: T.lists.live }), refresh), this.liveError, this.liveHost));
    for (const team of ctx.me.agent.teams) this.queues.set(team, { items: [], at: Date.now() });
    this.renderQueues();
    this.renderMine();
    this.renderLive();
  }

  /** Taken before `GET /queue` is sent and handed back to `setAllQueues` with its answer. */
  queueMark(): number {
    return this.queueEvents;
  }

  /**
   * Everything from `GET /queue`, asked for at `mark`: replaces every team's list, except those a socket
   * event replaced while the request was out (a slow answer is older than they are and would hide a citizen).
   */
  setAllQueues(items: QueueItem[], mark: number): void {
    const now = Date.now();
    const newer = (team: string) => (this.fromSocket.get(team) ?? -1) >= mark;
    const fresh = new Map<string, QueueItem[]>();
    for (const item of items) fresh.set(item.team, [...(fresh.get(item.team) ?? []), item]);
    for (const team of new Set([...this.queues.keys(), ...fresh.keys()])) {
      if (!newer(team)) this.queues.set(team, { items: fresh.get(team) ?? [], at: now });
    }
    this.renderQueues();
  }

  /** One team's whole waiting list, from a `queue` event. */
  setQueue(team: string, items: QueueItem[]): void {
    this.fromSocket.set(team, this.queueEvents);
    this.queueEvents += 1;
    this.queues.set(team, { items, at: Date.now() });
    this.renderQueues();
  }

  setMine(items: HandoffView[]): void {
    this.mine = new Map(items.map((x) => [x.id, x]));
    for (const id of this.unread.keys()) if (!this.mine.has(id)) this.unread.delete(id);
    this.renderMine();
  }

  /** A handoff changed: it joins or leaves "Mine", and leaves the queue once no longer waiting. */
  applyHandoff(handoff: HandoffView): void {
    if (this.ctx.holds(handoff)) this.mine.set(handoff.id, handoff);
    else if (this.mine.delete(handoff.id)) this.unread.delete(handoff.id);
    if (handoff.status !== 'queued') {
      for (const list of this.queues.values()) list.items = list.items.filter((i) => i.id !== handoff.id);
    }
    this.renderQueues();
    this.renderMine();
  }

  setLive(items: LiveConversation[]): void {
    this.live = items;
    this.liveError.hidden = true;
    this.renderLive();
  }

  liveFailed(message: string): void {
    this.liveError.textContent = message;
    this.liveError.hidden = false;
  }

  /** The handoff of mine a message belongs to, if any. */
  mineFor(handoffId: string | undefined, conversationKey: string): HandoffView | undefined {
    if (handoffId) return this.mine.get(handoffId);
    return [...this.mine.values()].find((x) => x.conversationKey === conversationKey);
  }

  markUnread(handoffId: string): void {
    this.unread.set(handoffId, (this.unread.get(handoffId) ?? 0) + 1);
    this.renderMine();
  }

  clearUnread(handoffId: string): void {
    if (this.unread.delete(handoffId)) this.renderMine();
  }

  get unreadTotal(): number {
    let n = 0;
    for (const count of this.unread.values()) n += count;
    return n;
  }

  setActive(handoffId: string | undefined): void {
    this.active = handoffId;
    for (const el of this.el.querySelectorAll<HTMLElement>('[data-handoff-id]')) {
      if (el.dataset['handoffId'] === handoffId) el.setAttribute('aria-current', 'true');
      else el.removeAttribute('aria-current');
    }
  }

  /** The waiting conversation of my teams to take next: the most urgent, then the one waiting longest. */
  nextQueued(): string | undefined {
    // Each team's own next is the head of its list in the server's order (that of its queue); between teams,
    // the most urgent head, then the one waiting longest.
    const heads = this.ctx.me.agent.teams.flatMap((team) => {
      const items = this.queues.get(team)?.items ?? [];
      return items.length ? [items.reduce((a, b) => (b.position < a.position ? b : a))] : [];
    });
    heads.sort((a, b) => a.priority - b.priority || a.queuedAt.localeCompare(b.queuedAt));
    return heads[0]?.id;
  }

  /** After a conversation ends: focus on the next one I hold, else the first waiting one, else the queue's heading. */
  focusNext(): void {
    const first = (testid: string) => this.el.querySelector<HTMLElement>(`[data-testid="${testid}"]`);
    (first('mine-item') ?? first('queue-item') ?? this.el.querySelector<HTMLElement>('#queue-title'))?.focus();
  }

  /** Called every second: redraws the waiting clocks. */
  tick(): void {
    const now = Date.now();
    for (const c of this.clocks) {
      const waited = c.base + (now - c.at) / 1000;
      c.el.textContent = duration(waited);
      if (c.late) markLate(c.late.badge, c.late.item, waited, c.late.target);
    }
  }

  private renderQueues(): void {
    this.keepFocus(() => {
      this.clocks = [];
      let total = 0;
      const sections: HTMLElement[] = [];
      for (const [team, list] of this.queues) {
        total += list.items.length;
        const items = [...list.items].sort((a, b) => a.position - b.position).map((i) => this.queueItem(i, list.at));
        sections.push(h('div', { class: 'team' },
          h('h3', { text: `${this.ctx.teamName(team)} (${list.items.length})` }),
          items.length ? h('ol', { class: 'list' }, ...items) : h('p', { class: 'muted', text: T.lists.emptyQueue })));
      }
      if (!sections.length) sections.push(h('p', { class: 'muted', text: T.lists.emptyQueue }));
      fill(this.queueHost, ...sections);
      this.queueCount.textContent = `(${total})`;
      this.tick();
    });
  }

  private queueItem(item: QueueItem, at: number): HTMLElement {
    const hazard = item.priority === 1 || item.summary.hazard === true;
    const clock = h('span', { class: 'clock' });
    const late = lateBadge();
    const button = h('button', { type: 'button', class: `item${hazard ? ' hazard' : ''}`, 'data-testid': 'queue-item', 'data-handoff-id': item.id },
      h('span', { class: 'line' },
        h('span', { class: 'pos', 'aria-label': T.lists.position(item.position), text: `#${item.position}` }),
        channelBadge(item.channel),
        h('span', { class: 'team-name', text: this.ctx.teamName(item.team) }),
        hazard ? h('span', { class: 'badge badge-hazard', text: `⚠ ${T.lists.hazard}` }) : undefined,
        h('span', { class: 'wait', title: T.lists.waiting }, h('span', { class: 'sr', text: `${T.lists.waiting} ` }), clock), late),
      h('span', { class: 'name', text: item.citizenName ?? T.conv.anonymous }),
      h('span', { class: 'reason muted', text: T.reasons[item.reason] ?? item.reason }),
      h('span', { class: 'preview', text: item.preview ?? T.lists.noPreview }));
    this.clocks.push({ el: clock, base: item.waitingSeconds, at, late: { badge: late, item: button, target: this.ctx.responseTarget(item.team) } });
    this.wireOpen(button, item.id);
    return h('li', {}, button);
  }

  private renderMine(): void {
    this.keepFocus(() => {
      const items = [...this.mine.values()].map((x) => this.mineItem(x));
      fill(this.mineHost, ...(items.length ? items : [h('li', { class: 'muted', text: T.lists.emptyMine })]));
      this.mineCount.textContent = `(${this.mine.size})`;
    });
  }

  private mineItem(x: HandoffView): HTMLElement {
    const unread = this.unread.get(x.id) ?? 0;
    const button = h('button', { type: 'button', class: `item${unread ? ' unread' : ''}`, 'data-testid': 'mine-item', 'data-handoff-id': x.id },
      h('span', { class: 'line' },
        channelBadge(x.channel),
        h('span', { class: 'name', text: x.citizenName ?? T.conv.anonymous }),
        unread ? h('span', { class: 'badge badge-unread', 'data-testid': 'unread', text: T.lists.unread(unread) }) : undefined),
      h('span', { class: 'line muted', text: `${this.ctx.teamName(x.team)} · ${statusName(x.status)}` }));
    this.wireOpen(button, x.id);
    return h('li', {}, button);
  }

  private renderLive(): void {
    const items = this.live.map((c) => {
      const pull = h('button', { type: 'button', class: 'small', 'data-testid': 'pull-button', text: T.lists.pull,
        'aria-label': T.lists.pullLabel(`${channelName(c.channel)}: ${(c.preview ?? '').slice(0, 40)}`) });
      pull.addEventListener('click', () => {
        pull.disabled = true;
        void this.hooks.pull(c.conversationKey).finally(() => (pull.disabled = false));
      });
      // Flagged with an icon and words, not colour alone; the server lists these first.
      return h('li', { class: `item live${c.emergency ? ' hazard' : ''}`, 'data-testid': 'live-item', 'data-conversation-key': c.conversationKey },
        h('span', { class: 'line' }, channelBadge(c.channel),
          c.emergency ? h('span', { class: 'badge badge-hazard', 'data-testid': 'live-emergency', text: `⚠ ${T.lists.emergency}` }) : undefined,
          h('span', { class: 'muted', text: T.lists.since(when(c.lastActivityAt)) })),
        h('span', { class: 'preview', text: c.preview ?? T.lists.noPreview }),
        pull);
    });
    fill(this.liveHost, ...(items.length ? items : [h('li', { class: 'muted', text: T.lists.emptyLive })]));
  }

  private wireOpen(button: HTMLElement, id: string): void {
    if (id === this.active) button.setAttribute('aria-current', 'true');
    button.addEventListener('click', () => this.hooks.open(id));
  }

  /** Redraws without losing keyboard focus on the item the agent was on. */
  private keepFocus(redraw: () => void): void {
    const focused = document.activeElement;
    const id = focused instanceof HTMLElement && this.el.contains(focused) ? focused.dataset['handoffId'] : undefined;
    const testid = focused instanceof HTMLElement ? focused.dataset['testid'] : undefined;
    redraw();
    if (id && testid) this.el.querySelector<HTMLElement>(`[data-testid="${testid}"][data-handoff-id="${CSS.escape(id)}"]`)?.focus();
  }
}
