import { AUDIT_ACTIONS } from '../../bot/sql/audit-actions';
import type { AuditEntry } from '../../bot/sql/audit-log';
import type { AgentView } from '../protocol';
import { API_BASE } from './api';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { showError, when } from './format';
import { T } from './i18n';

const PAGE = 50;

interface AuditPage { items: AuditEntry[]; total: number; limit: number; offset: number }

/**
 * The audit log of access to citizens' data, for admins (issue 15 part 4): filters, a page of entries
 * newest first, paging and an "Exportar CSV" link with the same filters. Opened on demand from the admin
 * area (reading the log is itself recorded, so it is not read merely because the admin tab opened).
 */
export class AuditView {
  readonly el: HTMLElement;
  private readonly body = h('div', { hidden: true, id: 'audit-body' });
  private readonly table = h('div', { class: 'admin-list' });
  private readonly status = h('p', { role: 'status', class: 'muted', 'data-testid': 'audit-status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly agent = select({ 'data-testid': 'audit-agent' }, T.audit.anyAgent, []);
  private readonly action = select({ 'data-testid': 'audit-action' }, T.audit.anyAction, AUDIT_ACTIONS.map((a) => ({ value: a, label: T.audit.actions[a] })));
  private readonly citizen = h('input', { type: 'text', autocomplete: 'off', 'data-testid': 'audit-citizen' });
  private readonly from = h('input', { type: 'date', 'data-testid': 'audit-from' });
  private readonly to = h('input', { type: 'date', 'data-testid': 'audit-to' });
  private readonly csv = h('a', { 'data-testid': 'audit-csv', download: '', text: T.audit.exportCsv });
  private readonly prev = h('button', { type: 'button', text: T.audit.newer, 'data-testid': 'audit-newer' });
  private readonly next = h('button', { type: 'button', text: T.audit.older, 'data-testid': 'audit-older' });
  private offset = 0;

  constructor(private readonly ctx: Ctx, private readonly agents: () => AgentView[]) {
    const open = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-controls': 'audit-body', 'data-testid': 'audit-open', text: T.audit.open });
    open.addEventListener('click', () => {
      const opening = this.body.hidden;
      this.body.hidden = !opening;
      open.setAttribute('aria-expanded', String(opening));
      if (opening) this.show(0);
    });
    const form = h('form', { class: 'row', 'aria-label': T.audit.filters, 'data-testid': 'audit-filters' },
      field(T.audit.agent, this.agent), field(T.audit.action, this.action), field(T.audit.citizen, this.citizen),
      field(T.audit.from, this.from), field(T.audit.to, this.to), h('button', { type: 'submit', class: 'primary', text: T.audit.filter }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.show(0);
    });
    this.prev.addEventListener('click', () => this.show(Math.max(0, this.offset - PAGE)));
    this.next.addEventListener('click', () => this.show(this.offset + PAGE));
    fill(this.body, form, this.error, this.status, this.table, h('div', { class: 'row' }, this.prev, this.next, this.csv));
    this.el = h('section', { class: 'panel', 'aria-labelledby': 'audit-title', 'data-testid': 'audit-view' },
      h('h3', { id: 'audit-title', text: T.audit.title }), h('p', { class: 'muted', text: T.audit.help }), open, this.body);
  }

  /** The filters as the API's query string (blank fields left out). */
  private query(): URLSearchParams {
    const q = new URLSearchParams();
    const set = (name: string, value: string) => value.trim() && q.set(name, value.trim());
    set('agent', this.agent.value);
    set('action', this.action.value);
    set('citizen', this.citizen.value);
    set('from', this.from.value);
    set('to', this.to.value);
    return q;
  }

  private async show(offset: number): Promise<void> {
    this.fillAgents();
    const q = this.query();
    this.csv.href = `${API_BASE}/admin/audit/csv?${q}`;
    q.set('limit', String(PAGE));
    q.set('offset', String(offset));
    this.error.hidden = true;
    try {
      const page = await this.ctx.api.get<AuditPage>(`/admin/audit?${q}`);
      this.offset = page.offset;
      this.render(page);
    } catch (err) {
      showError(this.error, err);
    }
  }

  /** The agent filter's options, from the admin view's list (kept when the list has not changed). */
  private fillAgents(): void {
    const agents = this.agents();
    if (this.agent.options.length === agents.length + 1) return;
    const chosen = this.agent.value;
    fill(this.agent, h('option', { value: '', text: T.audit.anyAgent }), ...agents.map((a) => h('option', { value: a.id, text: a.name })));
    this.agent.value = chosen;
  }

  private render(page: AuditPage): void {
    const A = T.audit;
    const names = new Map(this.agents().map((a) => [a.id, a.name]));
    const rows = page.items.map((e) => h('tr', { 'data-testid': 'audit-entry', 'data-action': e.action },
      h('td', {}, h('time', { datetime: e.at, title: e.at, text: when(e.at) })),
      h('th', { scope: 'row', text: names.get(e.agentId) ?? e.agentId }),
      h('td', { text: T.header.roles[e.agentRole] ?? e.agentRole }),
      h('td', { text: A.actions[e.action as keyof typeof A.actions] ?? e.action }),
      h('td', { text: e.citizenId ?? '' }),
      h('td', { text: [e.handoffId, e.conversationId, e.ticketReference].filter(Boolean).join(' · ') }),
      h('td', { text: e.ip ?? '' })));
    fill(this.table, h('table', {},
      h('caption', { text: A.caption }),
      h('thead', {}, h('tr', {}, ...[A.at, A.agent, A.role, A.action, A.citizen, A.concerning, A.ip].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...rows)));
    const last = page.offset + page.items.length;
    this.status.textContent = page.total === 0 ? A.none : A.showing(page.offset + 1, last, page.total);
    this.prev.disabled = page.offset === 0;
    this.next.disabled = last >= page.total;
  }
}
