import type { HistoryItem, HistoryPage } from '../history-protocol';
import type { AgentPresence } from '../protocol';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { channelBadge, showError, statusName, when } from './format';
import { T } from './i18n';

export interface HistoryHooks {
  /** Shows a handoff in the attention view, read-only when it has ended (`GET /handoffs/:id`, audited). */
  open(handoffId: string): void;
}

const CHANNELS = ['webchat', 'telegram', 'whatsapp', 'whatsapp-cloud'];

/**
 * The history of ended conversations (issue 15 part 1): filters by team, agent, service, channel, days and
 * rating; newest end first, a page at a time ("More" follows the server's cursor). Each row opens the
 * conversation's read-only transcript and citizen view. The server limits the list to what I may see.
 */
export class HistoryView {
  readonly el: HTMLElement;
  private readonly form: HTMLFormElement;
  private readonly team: HTMLSelectElement;
  private readonly agent: HTMLSelectElement;
  private readonly service: HTMLSelectElement;
  private readonly channel: HTMLSelectElement;
  private readonly rating: HTMLSelectElement;
  private readonly from = h('input', { type: 'date', 'data-testid': 'history-from' });
  private readonly to = h('input', { type: 'date', 'data-testid': 'history-to' });
  private readonly list = h('tbody', {});
  private readonly status = h('p', { class: 'muted', role: 'status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly more = h('button', { type: 'button', class: 'small', 'data-testid': 'history-more', text: T.history.more, hidden: true });
  private cursor: string | undefined;
  private query = '';
  private token = 0;
  private loadedAgents = false;

  constructor(private readonly ctx: Ctx, private readonly hooks: HistoryHooks) {
    const H = T.history;
    const teams = ctx.me.agent.role === 'agent' ? ctx.me.teams.filter((t) => ctx.me.agent.teams.includes(t.code)) : ctx.me.teams;
    this.team = select({ 'data-testid': 'history-team' }, H.any, teams.map((t) => ({ value: t.code, label: t.name })));
    this.agent = select({ 'data-testid': 'history-agent' }, H.any, []);
    this.service = select({ 'data-testid': 'history-service' }, H.any, ctx.me.services.map((s) => ({ value: s.code, label: s.name })));
    this.channel = select({ 'data-testid': 'history-channel' }, H.any, CHANNELS.map((c) => ({ value: c, label: T.channels[c] ?? c })));
    this.rating = select({ 'data-testid': 'history-rating' }, H.any, [5, 4, 3, 2, 1].map((n) => ({ value: String(n), label: H.stars(n) })));
    this.form = h('form', { class: 'history-filters', 'aria-labelledby': 'history-filters-title' },
      h('h3', { id: 'history-filters-title', class: 'sr', text: H.filters }),
      field(T.supervisor.team, this.team), field(T.supervisor.agent, this.agent), field(H.service, this.service), field(H.channel, this.channel),
      field(H.from, this.from), field(H.to, this.to), field(H.rating, this.rating),
      h('button', { type: 'submit', 'data-testid': 'history-apply', text: H.apply }));
    this.form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load(false);
    });
    this.more.addEventListener('click', () => void this.load(true));
    const head = [H.ended, T.supervisor.team, T.supervisor.agent, H.citizen, H.service, H.channel, H.rating, H.outcome];
    this.el = h('section', { class: 'view history', id: 'view-history', role: 'tabpanel', 'aria-labelledby': 'history-title', 'data-testid': 'history-view', hidden: true },
      h('h2', { id: 'history-title', text: H.title }), this.form, this.error, this.status,
      h('table', { class: 'history-list', 'data-testid': 'history-list' },
        h('caption', { class: 'sr', text: H.title }),
        h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col', text: c })))), this.list),
      this.more);
  }

  setActive(active: boolean): void {
    this.el.hidden = !active;
    if (!active) return;
    if (!this.loadedAgents) void this.loadAgents();
    void this.load(false);
  }

  /** Agents to filter by: those of the teams I see (the server answers for every team it lets me see). */
  private async loadAgents(): Promise<void> {
    try {
      const agents = (await this.ctx.api.get<{ items: AgentPresence[] }>('/agents')).items;
      const mine = this.ctx.me.agent;
      const shown = mine.role === 'agent' ? agents.filter((a) => a.id === mine.id || a.teams.some((t) => mine.teams.includes(t))) : agents;
      for (const a of shown.sort((x, y) => x.name.localeCompare(y.name))) this.agent.append(h('option', { value: a.id, text: a.name }));
      this.loadedAgents = true;
    } catch (err) {
      showError(this.error, err);
    }
  }

  private filters(): string {
    const p = new URLSearchParams();
    const set = (k: string, v: string) => v && p.set(k, v);
    set('team', this.team.value);
    set('agentId', this.agent.value);
    set('service', this.service.value);
    set('channel', this.channel.value);
    set('rating', this.rating.value);
    // Days are the agent's own: from their midnight, to the midnight after the last day.
    if (this.from.value) p.set('from', localMidnight(this.from.value, 0));
    if (this.to.value) p.set('to', localMidnight(this.to.value, 1));
    return p.toString();
  }

  private async load(more: boolean): Promise<void> {
    const token = ++this.token;
    if (!more) this.query = this.filters();
    const cursor = more ? this.cursor : undefined;
    const qs = [this.query, cursor ? `cursor=${encodeURIComponent(cursor)}` : ''].filter(Boolean).join('&');
    try {
      const page = await this.ctx.api.get<HistoryPage>(`/history${qs ? `?${qs}` : ''}`);
      if (token !== this.token) return; // filters changed meanwhile
      this.error.hidden = true;
      const rows = page.items.map((i) => this.row(i));
      if (more) this.list.append(...rows);
      else fill(this.list, ...(rows.length ? rows : [h('tr', {}, h('td', { colspan: 8, class: 'muted', text: T.history.nothing }))]));
      this.cursor = page.nextCursor;
      this.more.hidden = !page.nextCursor;
      this.status.textContent = T.history.shown(this.list.querySelectorAll('tr[data-handoff-id]').length);
      if (more) rows[0]?.querySelector('button')?.focus();
    } catch (err) {
      if (token === this.token) showError(this.error, err);
    }
  }

  private row(i: HistoryItem): HTMLTableRowElement {
    const H = T.history;
    const open = h('button', { type: 'button', class: 'small', 'data-testid': 'history-open', text: `${when(i.endedAt)}`,
      'aria-label': H.open(i.citizenName ?? T.conv.anonymous, when(i.endedAt)) });
    open.addEventListener('click', () => this.hooks.open(i.handoffId));
    return h('tr', { 'data-testid': 'history-item', 'data-handoff-id': i.handoffId },
      h('th', { scope: 'row' }, open),
      h('td', { text: this.ctx.teamName(i.team) }),
      h('td', { text: i.agentName ?? i.agentId ?? '—' }),
      h('td', { text: i.citizenName ?? T.conv.anonymous }),
      h('td', { text: i.service ? this.ctx.serviceName(i.service) : '—' }),
      h('td', {}, channelBadge(i.channel)),
      h('td', { text: i.rating ? H.stars(i.rating) : T.citizen.noAnswer }),
      h('td', { text: i.resolution ? `${statusName(i.status)}: ${i.resolution}` : statusName(i.status) }));
  }

}

/** `YYYY-MM-DD` plus `days`, at the browser's local midnight, as an ISO date-time. */
function localMidnight(day: string, days: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y!, m! - 1, d! + days).toISOString();
}
