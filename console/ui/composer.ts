import type { TeamCanned } from '../../bot/sql/canned-store';
import type { HandoffView } from '../protocol';
import { CannedPicker } from './canned-picker';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { showError } from './format';
import { T } from './i18n';

export interface ComposerHooks {
  send(text: string): Promise<void>;
  note(text: string): Promise<void>;
  /** A file or photo for the citizen, with the reply box's text as its caption. */
  sendFile(file: File, caption: string): Promise<void>;
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
  private readonly file = h('input', { type: 'file', accept: 'image/jpeg,image/png,image/webp,image/gif,application/pdf', 'data-testid': 'composer-file' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private handoff: HandoffView | undefined;
  private lastTyping = 0;
  private cannedItems: TeamCanned[] = [];
  private cannedFor = '';
  private readonly picker: CannedPicker;

  constructor(private readonly ctx: Ctx, private readonly hooks: ComposerHooks) {
    this.canned = select({ 'data-testid': 'canned-select' }, T.composer.cannedPick, []);
    this.picker = new CannedPicker(this.input, (c) => this.cannedText(c));
    const reply = h('form', { class: 'composer', 'aria-label': T.composer.label }, this.replySet);
    this.replySet.append(
      h('legend', { class: 'sr', text: T.composer.label }),
      h('div', { class: 'row' },
        h('div', { class: 'grow combo' }, h('label', {}, h('span', { class: 'sr', text: T.composer.label }), this.input), this.picker.list),
        h('button', { type: 'submit', class: 'primary', 'data-testid': 'composer-send', text: T.composer.send })),
      h('div', { class: 'row tools' }, field(T.composer.canned, this.canned, 'field inline'), field(T.composer.attach, this.file, 'field inline'), this.hint),
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
    // A transfer to another team changes the list: it is the team's, in the conversation's language.
    if (handoff && this.cannedFor !== `${handoff.team}/${handoff.locale}`) void this.loadCanned(handoff);
    const holds = handoff !== undefined && this.ctx.holds(handoff);
    this.replySet.disabled = !holds;
    this.hint.hidden = holds;
    this.el.hidden = handoff === undefined;
  }

  focus(): void {
    this.input.focus();
  }

  focusNote(): void {
    this.noteInput.focus();
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
    this.file.addEventListener('change', () => void this.sendFile());
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
      showError(this.error, err);
    } finally {
      delete area.dataset['busy'];
      area.focus();
    }
  }

  /** Sends the chosen file with the reply box's text; on success both are cleared and the box has the focus. */
  private async sendFile(): Promise<void> {
    const file = this.file.files?.[0];
    if (!file || this.replySet.disabled) return;
    this.error.hidden = true;
    try {
      await this.hooks.sendFile(file, this.input.value.trim());
      this.input.value = '';
    } catch (err) {
      showError(this.error, err);
    } finally {
      this.file.value = '';
      this.input.focus();
    }
  }

  /** The conversation's team's canned responses in its language (as its supervisors edited them). */
  private async loadCanned(handoff: HandoffView): Promise<void> {
    const list = await this.ctx.api.get<{ items: TeamCanned[] }>(`/canned?team=${encodeURIComponent(handoff.team)}&locale=${handoff.locale}`).catch(() => undefined);
    if (!list || this.handoff?.id !== handoff.id) return; // none to offer, or another conversation is open by now
    this.cannedFor = `${handoff.team}/${handoff.locale}`;
    this.cannedItems = list.items;
    this.picker.setItems(list.items);
    fill(this.canned, h('option', { value: '', text: T.composer.cannedPick }), ...list.items.map((c) => h('option', { value: c.code, text: c.title })));
  }

  /** Puts the canned text, in the conversation's language and signed with my name, at the cursor. */
  private insertCanned(): void {
    const canned = this.cannedItems.find((c) => c.code === this.canned.value);
    this.canned.value = '';
    if (!canned) return;
    const text = this.cannedText(canned);
    this.input.setRangeText(text, this.input.selectionStart, this.input.selectionEnd, 'end');
    this.input.focus();
  }

  /** The canned text in the conversation's language, signed with my name. */
  private cannedText(canned: TeamCanned): string {
    return canned.text.split('{agent}').join(this.ctx.me.agent.name);
  }
}
