import type { TeamCanned } from '../../bot/sql/canned-store';
import type { Locale } from '../protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { showError } from './format';
import { T } from './i18n';

const LOCALES: Locale[] = ['es', 'ca', 'en'];

/**
 * A supervisor's editor of their teams' canned responses, one team and language at a time (issue 15
 * part 1): each response is a small form (title, text; save or remove), and a last form adds one of the
 * team's own. The catalog's responses are the defaults; what is saved here is the team's, in SQL.
 */
export class CannedEditor {
  readonly el: HTMLElement;
  private readonly team: HTMLSelectElement;
  private readonly locale: HTMLSelectElement;
  private readonly list = h('div', { 'data-testid': 'canned-list' });
  private readonly status = h('p', { class: 'muted', role: 'status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private loads = 0;
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    const C = T.canned;
    const me = ctx.me.agent;
    const teams = me.role === 'admin' ? ctx.me.teams : ctx.me.teams.filter((t) => me.teams.includes(t.code));
    this.team = select({ 'data-testid': 'canned-team' }, undefined, teams.map((t) => ({ value: t.code, label: t.name })));
    this.locale = select({ 'data-testid': 'canned-locale' }, undefined, LOCALES.map((l) => ({ value: l, label: C.locales[l] })));
    for (const s of [this.team, this.locale]) s.addEventListener('change', () => void this.load());
    this.el = h('section', { class: 'canned-editor', 'aria-labelledby': 'canned-title', 'data-testid': 'canned-editor' },
      h('h3', { id: 'canned-title', text: C.title }),
      h('div', { class: 'row' }, field(C.team, this.team, 'field inline'), field(C.locale, this.locale, 'field inline')),
      this.error, this.status, this.list);
  }

  /** Loads the first time the supervisor view is shown. */
  show(): void {
    if (!this.loaded) void this.load();
  }

  private path(code: string): string {
    return `/canned/${seg(this.team.value)}/${seg(this.locale.value)}/${seg(code)}`;
  }

  private async load(): Promise<void> {
    if (!this.team.value) return;
    // The latest choice wins: an earlier, slower answer (the first load in Spanish) must not replace the list
    // of the team and language chosen since.
    const asked = ++this.loads;
    await this.run(async () => {
      const { items } = await this.ctx.api.get<{ items: TeamCanned[] }>(`/canned?team=${encodeURIComponent(this.team.value)}&locale=${this.locale.value}`);
      if (asked === this.loads) this.render(items);
    });
    this.loaded = true;
  }

  private async run(action: () => Promise<void>): Promise<boolean> {
    try {
      await action();
      this.error.hidden = true;
      return true;
    } catch (err) {
      showError(this.error, err);
      return false;
    }
  }

  private render(items: TeamCanned[]): void {
    fill(this.list, ...(items.length ? items.map((c) => this.item(c)) : [h('p', { class: 'muted', text: T.canned.none })]), this.addForm());
  }

  private item(c: TeamCanned): HTMLElement {
    const C = T.canned;
    const title = h('input', { type: 'text', value: c.title, required: true, maxlength: 80, 'data-testid': 'canned-title' });
    const text = h('textarea', { rows: 2, required: true, maxlength: 2000, 'data-testid': 'canned-text' });
    text.value = c.text;
    const remove = h('button', { type: 'button', class: 'small', 'data-testid': 'canned-remove', text: C.remove });
    const form = h('form', { class: 'canned-item panel', 'data-testid': 'canned-item', 'data-code': c.code, 'aria-label': `${c.title} (${c.code})` },
      h('p', { class: 'muted', text: `${c.code} · ${c.fromCatalog ? C.fromCatalog : C.edited}` }),
      field(C.titleLabel, title), field(C.text, text),
      h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary small', 'data-testid': 'canned-save', text: C.save }), remove));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.save(c.code, title.value, text.value);
    });
    remove.addEventListener('click', () => void this.change(() => this.ctx.api.request<{ items: TeamCanned[] }>('DELETE', this.path(c.code)), C.removed(c.title)));
    return form;
  }

  private addForm(): HTMLElement {
    const C = T.canned;
    const code = h('input', { type: 'text', required: true, pattern: '[a-z][a-z0-9_\\-]*', maxlength: 60, 'data-testid': 'canned-new-code' });
    const title = h('input', { type: 'text', required: true, maxlength: 80, 'data-testid': 'canned-new-title' });
    const text = h('textarea', { rows: 2, required: true, maxlength: 2000, 'data-testid': 'canned-new-text' });
    const form = h('form', { class: 'canned-item panel', 'aria-label': C.add },
      field(C.code, code), field(C.titleLabel, title), field(C.text, text),
      h('button', { type: 'submit', class: 'small', 'data-testid': 'canned-add', text: C.add }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.save(code.value.trim(), title.value, text.value);
    });
    return form;
  }

  private save(code: string, title: string, text: string): Promise<void> {
    return this.change(() => this.ctx.api.request<{ items: TeamCanned[] }>('PUT', this.path(code), { title, text }), T.canned.saved(title));
  }

  private async change(call: () => Promise<{ items: TeamCanned[] }>, done: string): Promise<void> {
    if (await this.run(async () => this.render((await call()).items))) this.status.textContent = done;
  }
}
