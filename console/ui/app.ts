import type { HandoffDetail, HandoffView, LiveConversation, Me, QueueItem, ServerEvent, TicketView } from '../protocol';
import { AdminView } from './admin';
import { AvailabilitySelect } from './availability-select';
import { DeskAlerts } from './desk-alerts';
import { ApiError, seg, type Api } from './api';
import { renderCitizen } from './citizen';
import { createCtx, type Ctx } from './context';
import { ConversationView } from './conversation';
import { fill, h } from './dom';
import { errorText } from './format';
import { T } from './i18n';
import { SearchBox } from './search-box';
import { Shortcuts, type ShortcutAction } from './shortcuts';
import { Sidebar } from './sidebar';
import { ConsoleSocket } from './socket';
import { HistoryView } from './history';
import { AppointmentsView } from './appointments';
import { StatsView } from './stats';
import { SupervisorView } from './supervisor';
import { TicketPanel } from './ticket-panel';

type Tab = 'attention' | 'appointments' | 'history' | 'supervisor' | 'stats' | 'admin';

/** The console's own address of a view, so a link opens it (the server serves the page there too). */
const TAB_PATHS: Partial<Record<Tab, string>> = { stats: '/console/stats' };

/**
 * Live-list events come with every transcript batch (every ~200 ms on a busy day): one re-read per this
 * many ms at most, so a desk of many consoles does not become a stream of SQL reads.
 */
const LIVE_RELOAD_MS = 2_000;

/**
 * The signed-in console: top bar with tabs, the attention view (lists, conversation, citizen),
 * and the supervisor and admin views by role. Owns the socket and routes its events.
 */
export class ConsoleApp {
  private readonly ctx: Ctx;
  private readonly socket: ConsoleSocket;
  private readonly sidebar: Sidebar;
  private readonly conversation: ConversationView;
  private readonly ticket: TicketPanel;
  private readonly citizenHost = h('div', { class: 'citizen-host' });
  private readonly history: HistoryView;
  private readonly appointments: AppointmentsView | undefined;
  private readonly supervisor: SupervisorView | undefined;
  private readonly stats: StatsView | undefined;
  private readonly admin: AdminView | undefined;
  private readonly attention = h('main', { class: 'attention', id: 'view-attention', role: 'tabpanel', 'aria-labelledby': 'tab-attention' });
  private readonly connection = h('span', { class: 'conn', role: 'status', text: T.loading });
  private readonly tabs = new Map<Tab, HTMLButtonElement>();
  private readonly baseTitle = document.title;
  private opening = 0;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private liveReload: ReturnType<typeof setTimeout> | undefined;
  private readonly alerts = new DeskAlerts();
  private readonly availability = new AvailabilitySelect((a) => this.socket.choose(a));
  private readonly shortcuts = new Shortcuts((a) => this.shortcut(a), () => !this.attention.hidden);

  constructor(private readonly root: HTMLElement, api: Api, me: Me, private readonly onLogout: () => void) {
    this.ctx = createCtx(api, me);
    this.sidebar = new Sidebar(this.ctx, {
      open: (id) => void this.open(id),
      pull: (key) => this.pull(key),
      refreshLive: () => void this.loadLive(),
    });
    this.conversation = new ConversationView(this.ctx, {
      changed: (x) => this.applyHandoff(x),
      reload: () => void this.reloadOpen(),
      dismiss: () => this.dismiss(),
      closed: () => this.sidebar.focusNext(),
    });
    this.ticket = new TicketPanel(this.ctx, (t) => this.ticketLinked(t));
    this.history = new HistoryView(this.ctx, { open: (id) => this.openFromTab(id) });
    if (me.appointments) this.appointments = new AppointmentsView(this.ctx);
    const role = me.agent.role;
    if (role === 'supervisor' || role === 'admin') {
      this.supervisor = new SupervisorView(this.ctx);
      this.stats = new StatsView(this.ctx);
    }
    if (role === 'admin') this.admin = new AdminView(this.ctx);
    this.socket = new ConsoleSocket({
      onEvent: (e) => this.onEvent(e),
      onConnected: (reconnected) => reconnected && void this.resync(),
      onStatus: (online) => this.setOnline(online),
      onRefused: () => void this.checkSession(),
    });
  }

  start(): void {
    this.attention.append(
      h('aside', { class: 'col col-left' }, this.sidebar.el),
      h('div', { class: 'col col-mid' }, this.conversation.el),
      h('aside', { class: 'col col-right', 'aria-label': T.citizen.title }, this.ticket.el, this.citizenHost));
    const skip = h('a', { class: 'skip', href: '#conversation-title', text: T.shortcuts.skip });
    skip.addEventListener('click', (e) => {
      e.preventDefault();
      this.conversation.focusTitle();
    });
    fill(this.root, skip, this.shortcuts.dialog, h('div', { class: 'app' }, this.topBar(), this.attention, this.appointments?.el, this.history.el, this.supervisor?.el, this.stats?.el, this.admin?.el));
    const linked = (Object.keys(TAB_PATHS) as Tab[]).find((t) => TAB_PATHS[t] === location.pathname);
    if (linked && this.tabs.has(linked)) this.showTab(linked);
    else if (linked) window.history.replaceState(null, '', '/console');
    this.ticker = setInterval(() => this.sidebar.tick(), 1000);
    document.addEventListener('visibilitychange', this.onVisible);
    this.shortcuts.start();
    this.socket.start();
    void this.resync();
  }

  destroy(): void {
    this.socket.stop();
    this.shortcuts.stop();
    clearInterval(this.ticker);
    clearTimeout(this.liveReload);
    this.supervisor?.destroy();
    document.removeEventListener('visibilitychange', this.onVisible);
    document.title = this.baseTitle;
  }

  private topBar(): HTMLElement {
    const me = this.ctx.me.agent;
    const logout = h('button', { type: 'button', 'data-testid': 'logout', text: T.header.logout });
    logout.addEventListener('click', () => void this.logout());
    const tabs: Array<[Tab, string, string]> = [['attention', T.tabs.attention, 'attention-tab']];
    if (this.appointments) tabs.push(['appointments', T.tabs.appointments, 'appointments-tab']);
    tabs.push(['history', T.tabs.history, 'history-tab']);
    if (this.supervisor) tabs.push(['supervisor', T.tabs.supervisor, 'supervisor-tab']);
    if (this.stats) tabs.push(['stats', T.tabs.stats, 'stats-tab']);
    if (this.admin) tabs.push(['admin', T.tabs.admin, 'admin-tab']);
    const nav = h('div', { class: 'tabs', role: 'tablist', 'aria-label': T.header.tabs, hidden: tabs.length < 2 });
    for (const [tab, label, testid] of tabs) {
      const b = h('button', { type: 'button', role: 'tab', id: `tab-${tab}`, 'aria-controls': `view-${tab}`, 'data-testid': testid, text: label,
        'aria-selected': String(tab === 'attention') });
      b.addEventListener('click', () => this.showTab(tab));
      this.tabs.set(tab, b);
      nav.append(b);
    }
    return h('header', { class: 'topbar' },
      h('h1', { text: this.baseTitle || T.appName }), nav, new SearchBox(this.ctx, { open: (id) => void this.open(id) }).el, this.connection,
      this.availability.el, this.alerts.el,
      h('span', { class: 'who', text: `${me.name} · ${T.header.roles[me.role] ?? me.role}` }), logout);
  }

  private showTab(tab: Tab): void {
    for (const [t, b] of this.tabs) b.setAttribute('aria-selected', String(t === tab));
    this.attention.hidden = tab !== 'attention';
    this.history.setActive(tab === 'history');
    this.appointments?.setActive(tab === 'appointments');
    this.supervisor?.setActive(tab === 'supervisor');
    this.stats?.setActive(tab === 'stats');
    const path = TAB_PATHS[tab] ?? '/console';
    if (location.pathname !== path) window.history.replaceState(null, '', path);
    this.admin?.setActive(tab === 'admin');
  }

  /** A conversation opened from another view: back to the attention view, where conversations are shown. */
  private openFromTab(id: string): void {
    this.showTab('attention');
    void this.open(id);
  }

  private setOnline(online: boolean): void {
    this.connection.textContent = online ? T.header.online : T.header.offline;
    this.connection.classList.toggle('offline', !online);
  }

  /** Lists from REST: at start and after a reconnect (events may have been missed meanwhile). */
  private async resync(): Promise<void> {
    const api = this.ctx.api;
    const mark = this.sidebar.queueMark();
    const [queue, mine] = await Promise.allSettled([
      api.get<{ items: QueueItem[] }>('/queue'),
      api.get<{ items: HandoffView[] }>('/mine'),
    ]);
    if (queue.status === 'fulfilled') this.sidebar.setAllQueues(queue.value.items, mark);
    if (mine.status === 'fulfilled') this.sidebar.setMine(mine.value.items);
    void this.loadLive();
    void this.reloadOpen();
    this.updateTitle();
  }

  private async loadLive(): Promise<void> {
    try {
      this.sidebar.setLive((await this.ctx.api.get<{ items: LiveConversation[] }>('/live')).items);
    } catch (err) {
      this.sidebar.liveFailed(errorText(err));
    }
  }

  private onEvent(e: ServerEvent): void {
    switch (e.type) {
      case 'queue':
        this.sidebar.setQueue(e.team, e.items);
        this.alerts.queue(e.team, this.ctx.teamName(e.team), e.items);
        this.supervisor?.queueChanged();
        break;
      case 'message': {
        const shown = this.conversation.addMessage(e.message);
        const mine = this.sidebar.mineFor(e.message.handoffId, e.message.conversationKey);
        if (mine && e.message.from === 'citizen' && (!shown || document.hidden)) {
          this.sidebar.markUnread(mine.id);
          this.alerts.message(e.message);
        }
        this.updateTitle();
        this.supervisor?.queueChanged();
        break;
      }
      case 'handoff':
        this.applyHandoff(e.handoff);
        this.supervisor?.queueChanged();
        // Its events (claimed, transferred, closed…) and the citizen's history changed too; only
        // the detail carries them.
        if (e.handoff.id === this.conversation.current?.handoff.id) void this.reloadOpen();
        break;
      case 'typing':
        this.conversation.typing(e.handoffId, e.agentId);
        break;
      case 'live':
        // Pushed with every transcript batch: the list is re-read once for a burst of them.
        this.liveReload ??= setTimeout(() => {
          this.liveReload = undefined;
          void this.loadLive();
        }, LIVE_RELOAD_MS);
        break;
      case 'availability':
        this.availability.show(e.availability);
        break;
    }
  }

  /** One place where a new state of a handoff lands, whether from an action or the socket. */
  private applyHandoff(handoff: HandoffView): void {
    this.sidebar.applyHandoff(handoff);
    this.conversation.update(handoff);
    if (this.conversation.current?.handoff.id === handoff.id) this.ticket.setHandoff(handoff);
    this.updateTitle();
  }

  private async open(id: string): Promise<void> {
    this.socket.open(id);
    this.sidebar.setActive(id);
    this.sidebar.clearUnread(id);
    this.updateTitle();
    await this.load(id);
    // From the list, the next stop is the conversation: its actions are then a Tab or two away.
    if (this.conversation.current?.handoff.id === id) this.conversation.focusTitle();
  }

  private shortcut(action: ShortcutAction): void {
    if (action !== 'next') return this.conversation.shortcut(action);
    const id = this.sidebar.nextQueued();
    if (id) void this.open(id);
  }

  private async reloadOpen(): Promise<void> {
    const id = this.conversation.current?.handoff.id;
    if (id) await this.load(id);
  }

  /** Fetches and draws a conversation; a later call wins over an earlier one still on its way. */
  private async load(id: string): Promise<void> {
    const token = ++this.opening;
    let detail: HandoffDetail;
    try {
      detail = await this.ctx.api.get<HandoffDetail>(`/handoffs/${seg(id)}`);
    } catch (err) {
      if (token === this.opening) this.citizenHost.replaceChildren(h('p', { class: 'error', role: 'alert', text: errorText(err) }));
      return;
    }
    if (token !== this.opening) return; // the agent already clicked another conversation
    this.conversation.show(detail);
    this.ticket.setHandoff(detail.handoff);
    fill(this.citizenHost, renderCitizen(detail.citizen, this.ctx, detail.handoff.conversationKey));
  }

  private dismiss(): void {
    this.opening += 1;
    this.socket.close();
    this.conversation.clear();
    this.ticket.setHandoff(undefined);
    this.citizenHost.replaceChildren();
    this.sidebar.setActive(undefined);
  }

  private async pull(key: string): Promise<void> {
    try {
      const handoff = await this.ctx.api.post<HandoffView>(`/conversations/${seg(key)}/pull`);
      this.applyHandoff(handoff);
      void this.loadLive();
      await this.open(handoff.id);
      this.conversation.focusComposer();
    } catch (err) {
      this.sidebar.liveFailed(errorText(err));
    }
  }

  /** A ticket was attached or created: the header, summary and citizen view show it. */
  private ticketLinked(ticket: TicketView): void {
    const detail = this.conversation.current;
    if (!detail) return;
    const tickets = detail.citizen.tickets.filter((t) => t.reference !== ticket.reference);
    detail.citizen = { ...detail.citizen, tickets: [ticket, ...tickets] };
    fill(this.citizenHost, renderCitizen(detail.citizen, this.ctx, detail.handoff.conversationKey));
    this.applyHandoff({ ...detail.handoff, ticketReference: ticket.reference });
  }

  private updateTitle(): void {
    const n = this.sidebar.unreadTotal;
    document.title = n > 0 ? `(${n}) ${this.baseTitle}` : this.baseTitle;
  }

  private readonly onVisible = (): void => {
    const open = this.conversation.current?.handoff.id;
    if (!document.hidden && open) {
      this.sidebar.clearUnread(open);
      this.updateTitle();
    }
  };

  /** The socket was refused: if the session is gone, back to the login form. */
  private async checkSession(): Promise<void> {
    try {
      await this.ctx.api.get<Me>('/me');
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) this.ctx.api.onUnauthenticated?.();
    }
  }

  private async logout(): Promise<void> {
    try {
      await this.ctx.api.post('/logout');
    } catch (err) {
      // The session may already be gone; leaving the console is what the agent asked for.
      console.warn('logout failed', err);
    }
    this.onLogout();
  }
}
