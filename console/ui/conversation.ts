import type { ConsoleMessage, HandoffDetail, HandoffEvent, HandoffView } from '../protocol';
import { closeForm, transferForm, type PanelForm } from './action-forms';
import { ApiError, seg } from './api';
import { Composer } from './composer';
import type { Ctx } from './context';
import { fill, h } from './dom';
import { channelBadge, errorText, statusName } from './format';
import { T } from './i18n';
import { renderSummary } from './summary';
import { correctionControl } from './correction';
import { Transcript } from './transcript';
import { VideoCallControl } from './video-call';

export interface ConversationHooks {
  /** An action returned the handoff's new state (claim, transfer, release, close). */
  changed(handoff: HandoffView): void;
  /** Fetch the open conversation again (e.g. after losing a claim race). */
  reload(): void;
  /** The agent stopped looking at the conversation. */
  dismiss(): void;
  /** The agent closed it: the focus goes on to the next one of the lists. */
  closed(): void;
}

const TYPING_SHOWN_MS = 4000;

/** The middle column: header with actions, the bot's summary, the transcript and the composer. */
export class ConversationView {
  readonly el: HTMLElement;
  private readonly empty = h('p', { class: 'empty', text: T.conv.empty });
  private readonly body = h('div', { class: 'conv-body', hidden: true });
  // The name stays one node across updates: the focus may be on it (a redraw would drop it to the page).
  private readonly name = h('h2', { id: 'conversation-title', tabindex: -1 });
  private readonly channel = h('span', {});
  private readonly hazard = h('span', {});
  private readonly title = h('div', { class: 'conv-title' }, this.channel, this.name, this.hazard);
  private readonly meta = h('p', { class: 'conv-meta' });
  private readonly notice = h('p', { class: 'conv-notice', role: 'status' });
  private readonly claimError = h('p', { class: 'error', role: 'alert', hidden: true, 'data-testid': 'claim-error' });
  private readonly summaryHost = h('div', { class: 'summary-host' });
  private readonly typingEl = h('p', { class: 'typing muted', 'aria-live': 'polite' });
  private readonly buttons: Record<'claim' | 'transfer' | 'release' | 'close', HTMLButtonElement>;
  private readonly transfer: PanelForm;
  private readonly closing: PanelForm;
  private readonly transcript: Transcript;
  private readonly composer: Composer;
  private readonly video: VideoCallControl;
  private detail: HandoffDetail | undefined;
  /** The "Corregir clasificación" control of the open handoff, kept across its updates (a choice in progress stays). */
  private correction: { id: string; el: HTMLElement } | undefined;
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ctx: Ctx, private readonly hooks: ConversationHooks) {
    this.transcript = new Transcript(ctx);
    this.video = new VideoCallControl(ctx, (e) => this.transcript.addEvent(e));
    this.composer = new Composer(ctx, {
      send: (text) => this.reply(text),
      note: (text) => this.note(text),
      sendFile: (file, caption) => this.sendFile(file, caption),
      typing: () => this.sendTyping(),
    });
    const done = (h: HandoffView): void => this.hooks.changed(h);
    this.transfer = transferForm(ctx, done);
    this.closing = closeForm(ctx, (h) => {
      done(h);
      this.hooks.closed();
    });
    this.buttons = {
      claim: this.button(T.conv.claim, 'claim-button', () => void this.claim(), 'primary'),
      transfer: this.button(T.conv.transfer, 'transfer-button', () => this.toggle(this.transfer, this.closing)),
      release: this.button(T.conv.release, 'release-button', () => void this.release()),
      close: this.button(T.conv.close, 'close-button', () => this.toggle(this.closing, this.transfer)),
    };
    const dismiss = this.button('×', 'conversation-dismiss', () => this.hooks.dismiss(), 'icon');
    dismiss.setAttribute('aria-label', 'Dejar de ver esta conversación');
    const head = h('header', { class: 'conv-head' },
      h('div', { class: 'row' }, this.title, dismiss),
      this.meta,
      h('div', { class: 'toolbar', role: 'group', 'aria-label': T.conv.actions }, ...Object.values(this.buttons), ...this.video.buttons),
      this.claimError, this.notice, this.video.status, this.transfer.form, this.closing.form);
    this.body.append(head, this.summaryHost, this.transcript.el, this.typingEl, this.composer.el);
    this.el = h('section', { class: 'conv', 'aria-label': T.transcript.label }, this.empty, this.body);
  }

  get current(): HandoffDetail | undefined {
    return this.detail;
  }

  /** Draws a conversation (a reload of the same one keeps the claim error and open forms). */
  show(detail: HandoffDetail): void {
    const same = detail.handoff.id === this.detail?.handoff.id;
    this.detail = detail;
    if (!same) {
      this.claimError.hidden = true;
      this.transfer.hide();
      this.closing.hide();
      this.typingEl.textContent = '';
    }
    if (same) this.transcript.merge(detail);
    else this.transcript.reset(detail);
    this.update(detail.handoff);
    this.video.show(detail);
    this.empty.hidden = true;
    this.body.hidden = false;
  }

  clear(): void {
    this.detail = undefined;
    this.transcript.clear();
    this.composer.setHandoff(undefined);
    this.body.hidden = true;
    this.empty.hidden = false;
  }

  /** A new state of the open handoff: header, buttons, composer and summary follow it. */
  update(handoff: HandoffView): void {
    if (!this.detail || this.detail.handoff.id !== handoff.id) return;
    this.detail.handoff = handoff;
    this.renderHead(handoff);
    if (this.correction?.id !== handoff.id) {
      this.correction = { id: handoff.id, el: correctionControl(this.ctx, `/handoffs/${seg(handoff.id)}/correction`, handoff.summary, (c) =>
        this.transcript.addEvent({ kind: 'corrected', at: c.createdAt, agentId: c.agentId, agentName: this.ctx.me.agent.name, note: `${c.service} · ${c.type}` })) };
    }
    // Only the citizen's own description is learnt from: with none, there is nothing to correct.
    fill(this.summaryHost, renderSummary(handoff.summary, handoff.ticketReference, this.ctx), handoff.summary.description ? this.correction.el : undefined);
    this.composer.setHandoff(handoff);
    this.video.update(handoff);
    const holds = this.ctx.holds(handoff);
    if (!holds) {
      if (this.transfer.isOpen && !this.canTransfer(handoff)) this.transfer.hide();
      this.closing.hide();
    }
  }

  /** True when the message belongs to the open conversation (it is then drawn). */
  addMessage(m: ConsoleMessage): boolean {
    const open = this.detail?.handoff;
    if (!open || (m.handoffId ? m.handoffId !== open.id : m.conversationKey !== open.conversationKey)) return false;
    this.transcript.addMessage(m);
    if (m.from === 'agent') this.typingEl.textContent = '';
    return true;
  }

  addEvent(e: HandoffEvent): void {
    this.transcript.addEvent(e);
  }

  typing(handoffId: string, agentId: string): void {
    if (handoffId !== this.detail?.handoff.id || agentId === this.ctx.me.agent.id) return;
    this.typingEl.textContent = T.conv.typing;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => (this.typingEl.textContent = ''), TYPING_SHOWN_MS);
  }

  focusComposer(): void {
    this.composer.focus();
  }

  /** Focus on the citizen's name: a Tab or two from the actions, whatever the lists hold. */
  focusTitle(): void {
    if (this.detail) this.name.focus();
  }

  /** A keyboard shortcut on the open conversation (an action its button does not allow now does nothing). */
  shortcut(action: 'claim' | 'reply' | 'note' | 'transfer' | 'close'): void {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    const enabled = (b: HTMLButtonElement): boolean => !b.hidden && !b.disabled;
    if (action === 'claim' && enabled(this.buttons.claim)) void this.claim();
    else if (action === 'claim' || action === 'reply') this.composer.focus();
    else if (action === 'note') this.composer.focusNote();
    else if (action === 'transfer' && enabled(this.buttons.transfer) && !this.transfer.isOpen) this.toggle(this.transfer, this.closing);
    else if (action === 'close' && enabled(this.buttons.close) && !this.closing.isOpen) this.toggle(this.closing, this.transfer);
  }

  private renderHead(handoff: HandoffView): void {
    const hazard = handoff.priority === 1 || handoff.summary.hazard === true;
    fill(this.channel, channelBadge(handoff.channel));
    this.name.textContent = handoff.citizenName ?? this.detail?.citizen.name ?? T.conv.anonymous;
    fill(this.hazard, hazard ? h('span', { class: 'badge badge-hazard', text: `⚠ ${T.lists.hazard}` }) : undefined);
    fill(this.meta,
      `${T.conv.team}: ${this.ctx.teamName(handoff.team)} · `,
      h('span', { class: `st st-${handoff.status}`, 'data-testid': 'handoff-status', 'data-status': handoff.status, text: statusName(handoff.status) }),
      ` · ${T.conv.agent}: ${handoff.agentName ?? T.conv.nobody} · ${T.reasons[handoff.reason] ?? handoff.reason}`);
    const holds = this.ctx.holds(handoff);
    this.buttons.claim.hidden = holds;
    this.buttons.claim.disabled = handoff.status !== 'queued';
    this.buttons.transfer.disabled = !this.canTransfer(handoff);
    this.buttons.release.disabled = !holds;
    this.buttons.close.disabled = !holds;
    const otherHolder = handoff.status === 'assigned' && !holds;
    this.notice.textContent = holds ? T.conv.mine : otherHolder ? T.conv.takenBy(handoff.agentName ?? T.conv.nobody) : '';
  }

  /**
   * Holders transfer; admins and the team's supervisors may also move a conversation that is waiting, or
   * reassign one another agent holds (as the API allows).
   */
  private canTransfer(handoff: HandoffView): boolean {
    const { role, teams } = this.ctx.me.agent;
    const open = handoff.status === 'queued' || handoff.status === 'assigned';
    return this.ctx.holds(handoff) || (open && (role === 'admin' || (role === 'supervisor' && teams.includes(handoff.team))));
  }

  private button(label: string, testid: string, onClick: () => void, className = ''): HTMLButtonElement {
    const b = h('button', { type: 'button', class: className, 'data-testid': testid, text: label });
    b.addEventListener('click', onClick);
    return b;
  }

  private toggle(show: PanelForm, other: PanelForm): void {
    const handoff = this.detail?.handoff;
    other.hide();
    if (show.isOpen || !handoff) show.hide();
    else show.show(handoff);
  }

  private async claim(): Promise<void> {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    this.buttons.claim.disabled = true;
    this.claimError.hidden = true;
    try {
      this.hooks.changed(await this.ctx.api.post<HandoffView>(`/handoffs/${seg(handoff.id)}/claim`));
      this.composer.focus();
    } catch (err) {
      const lost = err instanceof ApiError && err.code === 'E_ALREADY_CLAIMED';
      this.claimError.textContent = lost ? T.conv.claimed : errorText(err);
      this.claimError.hidden = false;
      if (lost) this.hooks.reload();
      else this.buttons.claim.disabled = handoff.status !== 'queued';
    }
  }

  private async release(): Promise<void> {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    this.buttons.release.disabled = true;
    try {
      this.hooks.changed(await this.ctx.api.post<HandoffView>(`/handoffs/${seg(handoff.id)}/release`));
    } catch (err) {
      this.notice.textContent = errorText(err);
      this.buttons.release.disabled = !this.ctx.holds(handoff);
    }
  }

  private async reply(text: string): Promise<void> {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    let message: ConsoleMessage;
    try {
      message = await this.ctx.api.post<ConsoleMessage>(`/handoffs/${seg(handoff.id)}/messages`, { text });
    } catch (err) {
      // Someone took it over (a transfer, a supervisor): show who holds it now; the text stays in the box.
      if (err instanceof ApiError && err.code === 'E_NOT_HOLDER') this.hooks.reload();
      throw err;
    }
    this.addMessage({ ...message, handoffId: message.handoffId ?? handoff.id });
  }

  private async sendFile(file: File, caption: string): Promise<void> {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    const form = new FormData();
    if (caption) form.append('text', caption);
    form.append('file', file, file.name);
    const message = await this.ctx.api.post<ConsoleMessage>(`/handoffs/${seg(handoff.id)}/files`, form);
    this.addMessage({ ...message, handoffId: message.handoffId ?? handoff.id });
  }

  private async note(text: string): Promise<void> {
    const handoff = this.detail?.handoff;
    if (!handoff) return;
    this.addEvent(await this.ctx.api.post<HandoffEvent>(`/handoffs/${seg(handoff.id)}/notes`, { text }));
  }

  private sendTyping(): void {
    const handoff = this.detail?.handoff;
    if (!handoff || !this.ctx.holds(handoff)) return;
    // Best effort: a lost typing signal is harmless and must not interrupt the agent's writing.
    this.ctx.api.post(`/handoffs/${seg(handoff.id)}/typing`).catch((err: unknown) => console.debug('typing signal failed', err));
  }
}
