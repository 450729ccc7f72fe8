import { h } from './dom';
import { T } from './i18n';

/** What a shortcut does; the attention view decides what each means for the open conversation. */
export type ShortcutAction = 'next' | 'claim' | 'reply' | 'note' | 'transfer' | 'close';

/** A key and the action it runs. Alt+key does the same from inside a text box (where the bare key is typing). */
export const SHORTCUT_KEYS: ReadonlyArray<{ key: string; code: string; action: ShortcutAction }> = [
  { key: 'n', code: 'KeyN', action: 'next' },
  { key: 'a', code: 'KeyA', action: 'claim' },
  { key: 'r', code: 'KeyR', action: 'reply' },
  { key: 'm', code: 'KeyM', action: 'note' },
  { key: 't', code: 'KeyT', action: 'transfer' },
  { key: 'c', code: 'KeyC', action: 'close' },
];

/** True when the key press is typing in a field: a bare letter there is text, not a command. */
function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement
    || (target instanceof HTMLInputElement && !['button', 'checkbox', 'radio', 'submit', 'reset'].includes(target.type));
}

/**
 * The console's keyboard shortcuts (issue 15: an all-day desk) and their help dialog, opened with `?`.
 * Single keys act only outside text boxes; Alt+key acts anywhere (its `code`, so a layout's Alt
 * characters do not matter). Only the attention view's shortcuts: `active()` says whether it is shown.
 */
export class Shortcuts {
  readonly dialog: HTMLDialogElement;
  private returnTo: HTMLElement | undefined;

  constructor(private readonly run: (action: ShortcutAction) => void, private readonly active: () => boolean) {
    const close = h('button', { type: 'button', 'data-testid': 'shortcuts-close', text: T.shortcuts.close });
    close.addEventListener('click', () => this.dialog.close());
    const rows = SHORTCUT_KEYS.map(({ key, action }) =>
      h('div', { class: 'row' }, h('dt', {}, h('kbd', { text: key.toUpperCase() })), h('dd', { text: `${T.shortcuts.actions[action]} (Alt+${key.toUpperCase()})` })));
    this.dialog = h('dialog', { class: 'shortcuts', 'aria-labelledby': 'shortcuts-title', 'data-testid': 'shortcuts-dialog' },
      h('h2', { id: 'shortcuts-title', text: T.shortcuts.title }),
      h('dl', { 'data-testid': 'shortcuts-list' },
        ...rows,
        h('div', { class: 'row' }, h('dt', {}, h('kbd', { text: '/' })), h('dd', { text: T.shortcuts.canned })),
        h('div', { class: 'row' }, h('dt', {}, h('kbd', { text: '?' })), h('dd', { text: T.shortcuts.help }))),
      h('div', { class: 'row end' }, close));
    // showModal() makes the rest of the page inert (focus stays in the dialog); on close the focus goes back.
    this.dialog.addEventListener('close', () => {
      this.returnTo?.focus();
      this.returnTo = undefined;
    });
  }

  start(): void {
    document.addEventListener('keydown', this.onKey);
  }

  stop(): void {
    document.removeEventListener('keydown', this.onKey);
  }

  openHelp(): void {
    if (this.dialog.open) return;
    this.returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
    this.dialog.showModal();
    this.dialog.querySelector<HTMLElement>('button')?.focus();
  }

  private readonly onKey = (e: KeyboardEvent): void => {
    if (e.defaultPrevented || e.isComposing || e.ctrlKey || e.metaKey || this.dialog.open || !this.active()) return;
    const typing = typingIn(e.target);
    if (e.key === '?' && !typing && !e.altKey) {
      e.preventDefault();
      this.openHelp();
      return;
    }
    if ((typing && !e.altKey) || e.shiftKey) return; // a bare key while typing is text; Alt is needed there
    const hit = SHORTCUT_KEYS.find((s) => (e.altKey ? s.code === e.code : s.key === e.key.toLowerCase()));
    if (!hit) return;
    e.preventDefault();
    this.run(hit.action);
  };
}
