import type { HandoffView } from '../protocol';
import type { Ctx } from './context';
import { field, h, select } from './dom';
import { errorText } from './format';
import { T } from './i18n';

export interface ComposerHooks {
  send(text: string): Promise<void>;
  note(text: string): Promise<void>;
  /** The agent is typing a reply (called at most once every 3 s). */
  typing(): void;
}

const TYPING_EVERY_MS = 3000;

/**
 * The reply box (with canned responses) and the internal-note box under it. Enter sends,
 * Shift+Enter starts a new line. Replying needs the conversation held; notes do not.
 */
export class Composer {
  readonly el: HTMLElement;
  private readonly input = h('textarea', { rows: 3, placeholder: T.composer.placeholder, 'data-testid': 'composer-input' });
  private readonly noteInput = h('textarea', { rows: 1, placeholder: T.composer.notePlaceholder, 'data-testid': 'note-input' });
  private readonly canned: HTMLSelectElement;
  private readonly replySet = h('fieldset', { class: 'reply-set' });
  private readonly hint = h('p', { class: 'muted hint', text: T.composer.notHolder });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private handoff: HandoffView | undefined;
  private lastTyping = 0;

  constructor(private readonly ctx: Ctx, private readonly hooks: ComposerHooks) {
    this.canned = select({ 'data-testid': 'canned-select' }, T.composer.cannedPick,
      ctx.me.canned.map((c) => ({ value: c.code, label: c.title })));
    const reply = h('form', { class: 'composer', 'aria-label': T.composer.label }, this.replySet);
    this.replySet.append(
      h('legend', { class: 'sr', text: T.composer.label }),
      h('div', { class: 'row' },
        h('label', { class: 'grow' }, h('span', { class: 'sr', text: T.composer.label }), this.input),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'composer-send', text: T.composer.send })),
      h('div', { class: 'row tools' }, field(T.composer.canned, this.canned, 'field inline'), this.hint),
    );
    const note = h('form', { class: 'note-form', 'aria-label': T.composer.note },
      h('div', { class: 'row' },
        field(T.composer.note, this.noteInput, 'field inline grow'),
        h('button', { type: 'submit', 'data-testid': 'note-send', text: T.composer.noteSend })));
    this.el = h('div', { class: 'composer-area' }, reply, note, this.error);
    this.wire(reply, note);
    this.setHandoff(undefined);
  }

  setHandoff(handoff: HandoffView | undefined): void {
    if (handoff?.id !== this.handoff?.id) {
      this.input.value = '';
      this.noteInput.value = '';
      this.error.hidden = true;
    }
    this.handoff = handoff;
    const holds = handoff !== undefined && this.ctx.holds(handoff);
    this.replySet.disabled = !holds;
    this.hint.hidden = holds;
    this.el.hidden = handoff === undefined;
  }

  focus(): void {
    this.input.focus();
  }

  private wire(reply: HTMLFormElement, note: HTMLFormElement): void {
    this.submitOnEnter(this.input, reply);
    this.submitOnEnter(this.noteInput, note);
    reply.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit(this.input, (text) => this.hooks.send(text));
    });
    note.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.submit(this.noteInput, (text) => this.hooks.note(text));
    });
    this.input.addEventListener('input', () => {
      const now = Date.now();
      if (this.input.value.trim() && now - this.lastTyping >= TYPING_EVERY_MS) {
        this.lastTyping = now;
        this.hooks.typing();
      }
    });
    this.canned.addEventListener('change', () => this.insertCanned());
  }

  private submitOnEnter(area: HTMLTextAreaElement, form: HTMLFormElement): void {
    area.addEventListener('keydown', (e) => {
      // isComposing: Enter that confirms an IME composition is not a send.
      if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
      e.preventDefault();
      form.requestSubmit();
    });
  }

  private async submit(area: HTMLTextAreaElement, action: (text: string) => Promise<void>): Promise<void> {
    const text = area.value.trim();
    if (!text || area.disabled || area.dataset['busy']) return;
    area.dataset['busy'] = '1';
    this.error.hidden = true;
    try {
      await action(text);
      area.value = '';
    } catch (err) {
      this.error.textContent = errorText(err);
      this.error.hidden = false;
    } finally {
      delete area.dataset['busy'];
      area.focus();
    }
  }

  /** Puts the canned text, in the conversation's language and signed with my name, at the cursor. */
  private insertCanned(): void {
    const canned = this.ctx.me.canned.find((c) => c.code === this.canned.value);
    this.canned.value = '';
    if (!canned) return;
    const locale = this.handoff?.locale ?? 'es';
    const text = (canned.texts[locale] || canned.texts.es).split('{agent}').join(this.ctx.me.agent.name);
    this.input.setRangeText(text, this.input.selectionStart, this.input.selectionEnd, 'end');
    this.input.focus();
  }
}
