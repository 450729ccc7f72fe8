import type { TeamCanned } from '../../bot/sql/canned-store';
import { fill, h } from './dom';
import { T } from './i18n';

let pickers = 0;

/**
 * Canned responses by typing `/` at the start of the reply box: the box becomes an ARIA combobox over a
 * listbox of the responses whose title or code holds what follows the `/`. Arrow keys move, Enter or
 * Tab inserts (replacing the `/…`), Escape closes and leaves the text as typed.
 */
export class CannedPicker {
  readonly list: HTMLUListElement;
  private items: TeamCanned[] = [];
  private shown: TeamCanned[] = [];
  private current = 0;

  constructor(private readonly input: HTMLTextAreaElement, private readonly insert: (canned: TeamCanned) => string) {
    const id = `canned-list-${++pickers}`;
    this.list = h('ul', { id, role: 'listbox', class: 'canned-list', 'aria-label': T.composer.canned, hidden: true, 'data-testid': 'canned-list' });
    input.setAttribute('role', 'combobox');
    input.setAttribute('aria-autocomplete', 'list');
    input.setAttribute('aria-controls', id);
    input.setAttribute('aria-expanded', 'false');
    input.addEventListener('input', () => this.filter());
    // Registered before the composer's Enter-sends, so Enter on an open list inserts instead of sending.
    input.addEventListener('keydown', (e) => this.onKey(e));
    input.addEventListener('blur', () => this.close());
  }

  get isOpen(): boolean {
    return !this.list.hidden;
  }

  setItems(items: TeamCanned[]): void {
    this.items = items;
    if (this.isOpen) this.filter();
  }

  private filter(): void {
    const typed = /^\/(\S*)$/.exec(this.input.value);
    if (!typed) return this.close();
    const q = (typed[1] ?? '').toLowerCase();
    this.shown = this.items.filter((c) => c.title.toLowerCase().includes(q) || c.code.toLowerCase().includes(q));
    this.current = 0;
    this.render();
  }

  private render(): void {
    const options = this.shown.map((c, i) => {
      const li = h('li', { id: `${this.list.id}-${i}`, role: 'option', 'aria-selected': String(i === this.current), 'data-testid': 'canned-option', text: c.title });
      // mousedown, not click: the box keeps the focus (a blur would close the list first).
      li.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.choose(i);
      });
      return li;
    });
    fill(this.list, ...(options.length ? options : [h('li', { class: 'muted', text: T.composer.cannedNone })]));
    this.list.hidden = false;
    this.input.setAttribute('aria-expanded', 'true');
    if (this.shown.length) this.input.setAttribute('aria-activedescendant', `${this.list.id}-${this.current}`);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private onKey(e: KeyboardEvent): void {
    if (!this.isOpen || e.isComposing) return;
    const n = this.shown.length;
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (n) this.current = (this.current + (e.key === 'ArrowDown' ? 1 : n - 1)) % n;
      this.render();
    } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && n) {
      this.choose(this.current);
    } else if (e.key === 'Escape') {
      this.close();
    } else return;
    e.preventDefault();
    e.stopImmediatePropagation();
  }

  private choose(i: number): void {
    const canned = this.shown[i];
    if (!canned) return;
    this.input.value = this.insert(canned);
    this.input.setSelectionRange(this.input.value.length, this.input.value.length);
    this.close();
    this.input.focus();
  }

  private close(): void {
    this.list.hidden = true;
    this.input.setAttribute('aria-expanded', 'false');
    this.input.removeAttribute('aria-activedescendant');
  }
}
