import type { AgentRole, AgentView } from '../protocol';
import { seg } from './api';
import { AuditView } from './audit';
import { ErasureView } from './erasure';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { showError } from './format';
import { T } from './i18n';

const ROLES: AgentRole[] = ['agent', 'supervisor', 'admin'];

/** The controls of an agent form, shared by "create" and "edit". */
interface AgentFields {
  els: HTMLElement[];
  email: HTMLInputElement;
  name: HTMLInputElement;
  role: HTMLSelectElement;
  password: HTMLInputElement;
  max: HTMLInputElement;
  disabled: HTMLInputElement;
  teams(): string[];
}

/** Admins list, create and edit agents (teams, role, capacity, disabled, password). */
export class AdminView {
  readonly el: HTMLElement;
  private readonly list = h('div', { class: 'admin-list' });
  private readonly status = h('p', { role: 'status', class: 'muted' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly editHost = h('div');
  private agents: AgentView[] = [];
  private readonly erasures: ErasureView;

  constructor(private readonly ctx: Ctx) {
    this.erasures = new ErasureView(ctx);
    this.el = h('section', { class: 'view admin', id: 'view-admin', role: 'tabpanel', 'aria-labelledby': 'admin-title', 'data-testid': 'admin-view', hidden: true },
      h('h2', { id: 'admin-title', text: T.admin.title }), this.status, this.error, this.list, this.editHost, this.createForm(),
      this.erasures.el, new AuditView(ctx, () => this.agents).el);
  }

  setActive(active: boolean): void {
    this.el.hidden = !active;
    if (active) void this.load();
    if (active) void this.erasures.load();
  }

  private async load(): Promise<void> {
    try {
      const res = await this.ctx.api.get<{ items: AgentView[] } | AgentView[]>('/admin/agents');
      this.agents = Array.isArray(res) ? res : res.items;
      this.renderList();
    } catch (err) {
      showError(this.error, err);
    }
  }


  private renderList(): void {
    const A = T.admin;
    const rows = this.agents.map((a) => {
      const edit = h('button', { type: 'button', class: 'small', 'data-testid': 'admin-edit', 'aria-label': A.editTitle(a.name), text: A.edit });
      edit.addEventListener('click', () => this.edit(a));
      return h('tr', { 'data-testid': 'admin-agent', 'data-agent-id': a.id },
        h('th', { scope: 'row', text: a.name }), h('td', { text: a.email }), h('td', { text: T.header.roles[a.role] ?? a.role }),
        h('td', { text: a.teams.map((t) => this.ctx.teamName(t)).join(', ') }), h('td', { text: String(a.maxConcurrent) }),
        h('td', { text: a.disabled ? A.disabled : A.active }), h('td', {}, edit));
    });
    fill(this.list, h('table', {},
      h('caption', { text: A.list }),
      h('thead', {}, h('tr', {}, ...[A.name, A.email, A.role, A.teams, A.max, T.supervisor.state, ''].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...rows)));
  }

  private createForm(): HTMLElement {
    const f = agentFields(this.ctx, undefined);
    const form = h('form', { class: 'panel', 'aria-labelledby': 'admin-create-title', 'data-testid': 'admin-create' },
      h('h3', { id: 'admin-create-title', text: T.admin.create }), ...f.els,
      h('button', { type: 'submit', class: 'primary', text: T.admin.createSubmit }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = { email: f.email.value.trim(), name: f.name.value.trim(), role: f.role.value, password: f.password.value,
        teams: f.teams(), maxConcurrent: Number(f.max.value) };
      this.save(this.ctx.api.post<AgentView>('/admin/agents', body), T.admin.created, () => form.reset());
    });
    return form;
  }

  private edit(agent: AgentView): void {
    const f = agentFields(this.ctx, agent);
    const cancel = h('button', { type: 'button', text: T.cancel });
    const form = h('form', { class: 'panel', 'aria-label': T.admin.editTitle(agent.name), 'data-testid': 'admin-edit-form' },
      h('h3', { text: T.admin.editTitle(agent.name) }), ...f.els,
      h('div', { class: 'row end' }, cancel, h('button', { type: 'submit', class: 'primary', text: T.admin.save })));
    cancel.addEventListener('click', () => this.editHost.replaceChildren());
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = changes(agent, { name: f.name.value.trim(), role: f.role.value as AgentRole, teams: f.teams(),
        maxConcurrent: Number(f.max.value), disabled: f.disabled.checked });
      if (f.password.value) body.password = f.password.value;
      this.save(this.ctx.api.patch<AgentView>(`/admin/agents/${seg(agent.id)}`, body), T.admin.saved, () => this.editHost.replaceChildren());
    });
    this.editHost.replaceChildren(form);
    f.name.focus();
  }

  private save(call: Promise<AgentView>, message: string, after: () => void): void {
    this.error.hidden = true;
    call.then((saved) => {
      const i = this.agents.findIndex((a) => a.id === saved.id);
      if (i >= 0) this.agents[i] = saved;
      else this.agents.push(saved);
      this.renderList();
      this.status.textContent = message;
      after();
    }, (err: unknown) => showError(this.error, err));
  }
}

/** The form controls for an agent; `agent` pre-fills them (edit) and locks the e-mail. */
function agentFields(ctx: Ctx, agent: AgentView | undefined): AgentFields {
  const A = T.admin;
  const email = h('input', { type: 'email', required: true, autocomplete: 'off', value: agent?.email, disabled: agent !== undefined });
  const name = h('input', { type: 'text', required: true, autocomplete: 'off', value: agent?.name });
  const role = select({}, undefined, ROLES.map((r) => ({ value: r, label: T.header.roles[r] ?? r })));
  role.value = agent?.role ?? 'agent';
  const password = h('input', { type: 'password', autocomplete: 'new-password', required: agent === undefined });
  const max = h('input', { type: 'number', min: 1, max: 50, required: true, value: agent?.maxConcurrent ?? 3 });
  const disabled = h('input', { type: 'checkbox', checked: agent?.disabled === true });
  const checks = ctx.me.teams.map((t) => {
    const box = h('input', { type: 'checkbox', value: t.code, checked: agent?.teams.includes(t.code) === true });
    return h('label', { class: 'check' }, box, ` ${t.name}`);
  });
  const teamsSet = h('fieldset', { class: 'checks' }, h('legend', { text: A.teams }), ...checks);
  const els = [field(A.email, email), field(A.name, name), field(A.role, role),
    field(agent ? A.newPassword : A.password, password), teamsSet, field(A.max, max)];
  if (agent) els.push(h('label', { class: 'check' }, disabled, ` ${A.disabled}`));
  return {
    els, email, name, role, password, max, disabled,
    teams: () => [...teamsSet.querySelectorAll<HTMLInputElement>('input:checked')].map((b) => b.value),
  };
}

type AgentPatch = Partial<Pick<AgentView, 'name' | 'role' | 'teams' | 'maxConcurrent' | 'disabled'>> & { password?: string };

/** Only the fields that differ from the agent as loaded (the server refuses some self-edits). */
function changes(agent: AgentView, next: Required<Omit<AgentPatch, 'password'>>): AgentPatch {
  const patch: AgentPatch = {};
  if (next.name !== agent.name) patch.name = next.name;
  if (next.role !== agent.role) patch.role = next.role;
  if ([...next.teams].sort().join() !== [...agent.teams].sort().join()) patch.teams = next.teams;
  if (next.maxConcurrent !== agent.maxConcurrent) patch.maxConcurrent = next.maxConcurrent;
  if (next.disabled !== agent.disabled) patch.disabled = next.disabled;
  return patch;
}
