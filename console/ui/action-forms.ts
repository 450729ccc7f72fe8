import type { AgentPresence, HandoffView } from '../protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, h, select } from './dom';
import { showError } from './format';
import { T } from './i18n';

/** A form that opens under the action bar, makes one call, and closes on success. */
export interface PanelForm {
  readonly form: HTMLFormElement;
  readonly isOpen: boolean;
  show(handoff: HandoffView): void;
  hide(): void;
}

interface PanelSpec {
  title: string;
  submitLabel: string;
  submitTestId: string;
  fields: HTMLElement[];
  /** A validation message (nothing is sent), or the call that returns the handoff's new state. */
  call(handoff: HandoffView): string | Promise<HandoffView>;
  onShow?(handoff: HandoffView): void;
  done(handoff: HandoffView): void;
}

function panelForm(spec: PanelSpec): PanelForm & { error: HTMLElement } {
  const submit = h('button', { type: 'submit', class: 'primary', 'data-testid': spec.submitTestId, text: spec.submitLabel });
  const cancel = h('button', { type: 'button', text: T.cancel });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'panel', hidden: true, 'aria-label': spec.title },
    h('h3', { text: spec.title }), ...spec.fields, error, h('div', { class: 'row end' }, cancel, submit));
  let handoff: HandoffView | undefined;
  const say = (text: string): void => {
    error.textContent = text;
    error.hidden = false;
  };
  const run = async (): Promise<void> => {
    if (!handoff || submit.disabled) return;
    error.hidden = true;
    const call = spec.call(handoff);
    if (typeof call === 'string') return say(call);
    submit.disabled = true;
    try {
      const updated = await call;
      form.hidden = true;
      spec.done(updated);
    } catch (err) {
      showError(error, err);
    } finally {
      submit.disabled = false;
    }
  };
  cancel.addEventListener('click', () => (form.hidden = true));
  form.addEventListener('keydown', (e) => e.key === 'Escape' && (form.hidden = true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void run();
  });
  return {
    form,
    error,
    get isOpen() {
      return !form.hidden;
    },
    show(target) {
      handoff = target;
      form.reset();
      error.hidden = true;
      form.hidden = false;
      spec.onShow?.(target);
      form.querySelector<HTMLElement>('select, textarea, input')?.focus();
    },
    hide: () => void (form.hidden = true),
  };
}

/** Transfer to another team's queue or to one agent, with a note for whoever receives it. */
export function transferForm(ctx: Ctx, done: (h: HandoffView) => void): PanelForm {
  const team = select({ 'data-testid': 'transfer-team' }, T.transfer.anyTeam, ctx.me.teams.map((t) => ({ value: t.code, label: t.name })));
  const agent = select({ 'data-testid': 'transfer-agent' }, T.transfer.anyAgent, []);
  const note = h('textarea', { rows: 2, required: true, 'data-testid': 'transfer-note' });
  let current: HandoffView | undefined;
  let agentsFor = '';

  /** Agents of the chosen team (or the conversation's own), for a transfer to one person. */
  const loadAgents = async (): Promise<void> => {
    const code = team.value || current?.team || '';
    agentsFor = code;
    let agents: AgentPresence[] = [];
    try {
      agents = (await ctx.api.get<{ items: AgentPresence[] }>(`/agents?team=${seg(code)}`)).items;
    } catch (err) {
      showError(panel.error, err);
    }
    if (agentsFor !== code) return; // the team changed while this list was on its way
    agent.replaceChildren(h('option', { value: '', text: T.transfer.anyAgent }));
    for (const a of agents) {
      if (a.id === ctx.me.agent.id) continue;
      agent.append(h('option', { value: a.id, text: T.transfer.agentLabel(a.name, a.online, a.load, a.maxConcurrent) }));
    }
  };
  team.addEventListener('change', () => void loadAgents());

  const panel = panelForm({
    title: T.transfer.title,
    submitLabel: T.transfer.submit,
    submitTestId: 'transfer-submit',
    fields: [field(T.transfer.team, team), field(T.transfer.agent, agent), field(T.transfer.note, note)],
    onShow: (target) => {
      current = target;
      void loadAgents();
    },
    call: (target) => {
      const text = note.value.trim();
      if (!team.value && !agent.value) return T.transfer.needTarget;
      if (!text) return T.transfer.note;
      const body = { note: text, ...(team.value ? { team: team.value } : {}), ...(agent.value ? { agentId: agent.value } : {}) };
      return ctx.api.post<HandoffView>(`/handoffs/${seg(target.id)}/transfer`, body);
    },
    done,
  });
  return panel;
}

/** Close with a resolution (required); the citizen then gets the satisfaction question. */
export function closeForm(ctx: Ctx, done: (h: HandoffView) => void): PanelForm {
  const resolution = h('textarea', { rows: 3, required: true, 'data-testid': 'close-resolution' });
  return panelForm({
    title: T.close.title,
    submitLabel: T.close.submit,
    submitTestId: 'close-submit',
    fields: [field(T.close.resolution, resolution)],
    call: (target) => {
      const text = resolution.value.trim();
      if (!text) return T.close.resolution;
      return ctx.api.post<HandoffView>(`/handoffs/${seg(target.id)}/close`, { resolution: text });
    },
    done,
  });
}
