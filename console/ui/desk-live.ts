import type { DeskAnswer, DeskItem } from '../desk-protocol';
import type { AgentPresence, HandoffView } from '../protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { channelBadge, duration, showError, statusName, when } from './format';
import { T } from './i18n';
import { lateBadge, markLate } from './response-target';

/** The value of the reassign list's entry that sends the conversation back to its team's queue. */
const TO_QUEUE = '';

/**
 * The supervisor's live desk (issue 15 part 1): every conversation of their teams still with people,
 * waiting or held, with its agent, its wait against the team's first-response target ("Fuera de objetivo"
 * in words, counted per team) and its latest line; each can be reassigned to another agent of the team or
 * sent back to the queue (`POST /handoffs/:id/transfer`, which records it and tells both agents).
 * The supervisor view re-reads it when the socket says a queue, a conversation or a message changed.
 */
export class DeskLive {
  readonly el: HTMLElement;
  private readonly teams = h('div', {});
  private readonly list = h('div', {});
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly status = h('p', { class: 'sr', role: 'status' });
  /** Where the focus goes after a reassignment: the list is redrawn, the form under the focus is gone. */
  private readonly title = h('h3', { id: 'desk-title', tabindex: -1, text: T.desk.title });
  /** Waits still running (conversations nobody took yet), redrawn by `tick` between refreshes. */
  private clocks: Array<{ el: HTMLElement; badge: HTMLElement; row: HTMLElement; base: number; at: number; target: number }> = [];

  constructor(private readonly ctx: Ctx, private readonly changed: () => void) {
    this.el = h('section', { class: 'desk', 'aria-labelledby': 'desk-title', 'data-testid': 'desk-live' },
      this.title, this.error, this.status, this.teams, this.list);
  }

  async refresh(): Promise<void> {
    try {
      const desk = await this.ctx.api.get<DeskAnswer>('/supervisor/desk');
      this.error.hidden = true;
      this.render(desk);
    } catch (err) {
      showError(this.error, err);
    }
  }

  /** Called every second while the view is on screen: a waiting conversation passes its target without any event. */
  tick(): void {
    const now = Date.now();
    for (const c of this.clocks) {
      const waited = c.base + (now - c.at) / 1000;
      c.el.textContent = duration(waited);
      markLate(c.badge, c.row, waited, c.target);
    }
  }

  private render(desk: DeskAnswer): void {
    const D = T.desk;
    this.clocks = [];
    const targets = new Map(desk.teams.map((t) => [t.code, t.firstResponseTargetSeconds]));
    fill(this.teams, h('table', { 'data-testid': 'desk-teams' },
      h('caption', { text: D.perTeam }),
      h('thead', {}, h('tr', {}, ...[T.supervisor.team, D.target, T.supervisor.waiting, D.held, D.late].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...desk.teams.map((t) => h('tr', { 'data-team': t.code },
        h('th', { scope: 'row', text: t.name }), h('td', { text: duration(t.firstResponseTargetSeconds) }), h('td', { text: String(t.waiting) }),
        h('td', { text: String(t.held) }), h('td', { 'data-testid': 'desk-late-count', class: t.overTarget ? 'late-count' : undefined, text: String(t.overTarget) }))))));
    const head = [D.citizen, T.supervisor.team, D.state, T.supervisor.agent, D.wait, D.last, D.action];
    fill(this.list, h('table', { 'data-testid': 'desk-list' },
      h('caption', { text: D.conversations(desk.items.length) }),
      h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...(desk.items.length ? desk.items.map((i) => this.row(i, targets.get(i.team) ?? this.ctx.responseTarget(i.team))) : [h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: D.nothing }))]))));
  }

  private row(i: DeskItem, target: number): HTMLTableRowElement {
    const D = T.desk;
    const clock = h('span', { text: duration(i.waitingSeconds) });
    const late = lateBadge();
    const reassign = h('button', { type: 'button', class: 'small', 'data-testid': 'desk-reassign', text: D.reassign, 'aria-expanded': 'false' });
    const cell = h('td', {}, reassign);
    reassign.addEventListener('click', () => void this.openReassign(i, cell, reassign));
    const row = h('tr', { 'data-testid': 'desk-item', 'data-handoff-id': i.id },
      h('th', { scope: 'row' }, channelBadge(i.channel), ` ${i.citizenName ?? T.conv.anonymous}`),
      h('td', { text: this.ctx.teamName(i.team) }),
      h('td', { text: statusName(i.status) }),
      h('td', { text: i.agentName ?? T.conv.nobody }),
      h('td', {}, clock, ' ', late),
      h('td', { text: i.lastMessage ? `${D.from[i.lastMessage.from]} · ${when(i.lastMessage.at)}: ${i.lastMessage.text}` : '—' }),
      cell);
    markLate(late, row, i.waitingSeconds, target);
    if (i.status === 'queued') this.clocks.push({ el: clock, badge: late, row, base: i.waitingSeconds, at: Date.now(), target });
    return row;
  }

  /** An inline form under the button: another agent of the team, or back to the queue, with the note transfers require. */
  private async openReassign(i: DeskItem, cell: HTMLElement, button: HTMLButtonElement): Promise<void> {
    const D = T.desk;
    if (cell.querySelector('form')) return;
    let agents: AgentPresence[];
    try {
      agents = (await this.ctx.api.get<{ items: AgentPresence[] }>(`/agents?team=${seg(i.team)}`)).items.filter((a) => a.id !== i.agentId);
    } catch (err) {
      showError(this.error, err);
      return;
    }
    const to = select({ 'data-testid': 'reassign-to' }, undefined, [
      { value: TO_QUEUE, label: D.toQueue },
      ...agents.map((a) => ({ value: a.id, label: T.transfer.agentLabel(a.name, a.online, a.load, a.maxConcurrent) })),
    ]);
    const note = h('textarea', { rows: 2, required: true, maxlength: 2000, 'data-testid': 'reassign-note' });
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const cancel = h('button', { type: 'button', class: 'small', text: T.cancel });
    const form = h('form', { class: 'reassign', 'aria-label': D.reassignOf(i.citizenName ?? T.conv.anonymous) },
      field(D.reassignTo, to), field(T.transfer.note, note), error,
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary small', 'data-testid': 'reassign-submit', text: D.reassign }), cancel));
    const close = () => {
      form.remove();
      button.setAttribute('aria-expanded', 'false');
      button.focus();
    };
    cancel.addEventListener('click', close);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const body = to.value === TO_QUEUE ? { team: i.team, note: note.value } : { agentId: to.value, note: note.value };
      this.ctx.api.post<HandoffView>(`/handoffs/${seg(i.id)}/transfer`, body).then((moved) => {
        this.status.textContent = D.done(moved.agentName ?? D.toQueue);
        this.title.focus();
        this.changed();
      }, (err: unknown) => {
        showError(error, err);
      });
    });
    cell.append(form);
    button.setAttribute('aria-expanded', 'true');
    to.focus();
  }
}
