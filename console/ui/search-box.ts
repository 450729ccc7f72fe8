import type { SearchAnswer, SearchConversation, SearchResultKind } from '../search-protocol';
import type { Ctx } from './context';
import { fill, h } from './dom';
import { channelBadge, errorText, statusName, when } from './format';
import { T } from './i18n';

export interface SearchBoxHooks {
  /** Shows a handoff in the attention view (the same as clicking it in a list). */
  open(handoffId: string): void;
}

/** Typing pauses this long before the search runs by itself (Enter runs it at once). */
const TYPING_PAUSE_MS = 300;
const MIN_LENGTH = 2;

/**
 * The search box of the top bar (issue 15 part 1): words of a transcript, a citizen's name, a phone, an
 * e-mail or a ticket reference. Results are links, grouped as conversations, citizens and tickets;
 * opening one goes through `POST /search/open` (checked again and written to the audit log), then shows
 * the handoff. Escape closes the results and returns to the box; a result that never reached a person
 * has nothing to open and is listed as text.
 */
export class SearchBox {
  readonly el: HTMLElement;
  private readonly input = h('input', { type: 'search', id: 'console-search', class: 'search-input', 'data-testid': 'search-input',
    placeholder: T.search.placeholder, autocomplete: 'off', maxlength: 200, 'aria-controls': 'search-results' });
  private readonly results = h('div', { id: 'search-results', class: 'search-results', 'data-testid': 'search-results', hidden: true });
  private readonly status = h('p', { class: 'sr', role: 'status' });
  private timer: ReturnType<typeof setTimeout> | undefined;
  private token = 0;
  private answer: SearchAnswer | undefined;
  private query = '';

  constructor(private readonly ctx: Ctx, private readonly hooks: SearchBoxHooks) {
    const form = h('form', { role: 'search', class: 'search' },
      h('label', { for: 'console-search', class: 'sr', text: T.search.label }), this.input,
      h('button', { type: 'submit', class: 'small', text: T.search.submit }), this.status, this.results);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.run(this.input.value);
    });
    this.input.addEventListener('input', () => {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => void this.run(this.input.value), TYPING_PAUSE_MS);
    });
    form.addEventListener('keydown', (e) => {
      if (e.key !== 'Escape' || this.results.hidden) return;
      e.preventDefault();
      this.close();
      this.input.focus();
    });
    this.el = form;
  }

  private close(): void {
    this.token += 1;
    this.results.hidden = true;
  }

  private async run(text: string, more = false): Promise<void> {
    clearTimeout(this.timer);
    const q = text.trim();
    if (q.length < MIN_LENGTH) return this.close();
    const token = ++this.token;
    const cursor = more ? this.answer?.nextCursor : undefined;
    try {
      const page = await this.ctx.api.get<SearchAnswer>(`/search?q=${encodeURIComponent(q)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      if (token !== this.token) return; // the agent typed on meanwhile
      this.query = q;
      // A further page brings more conversations only; citizens and tickets came with the first.
      const first = more && this.answer ? this.answer : page;
      const conversations = first === page ? page.conversations : [...first.conversations, ...page.conversations];
      this.answer = { conversations, citizens: first.citizens, tickets: first.tickets, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
      this.render();
      // "More" redrew the list under the agent's focus: go on from the first conversation it brought.
      if (more) this.focusConversation(first.conversations.length);
    } catch (err) {
      if (token !== this.token) return;
      fill(this.results, h('p', { class: 'error', role: 'alert', text: errorText(err) }));
      this.results.hidden = false;
    }
  }

  private render(): void {
    const a = this.answer!;
    const total = a.conversations.length + a.citizens.length + a.tickets.length;
    this.status.textContent = T.search.found(total);
    const more = h('button', { type: 'button', class: 'small', 'data-testid': 'search-more', text: T.search.more });
    more.addEventListener('click', () => void this.run(this.query, true));
    fill(this.results,
      total === 0 ? h('p', { class: 'muted', text: T.search.nothing(this.query) }) : undefined,
      this.section('conversation', T.search.conversations, a.conversations.map((c) => this.item('conversation', c.handoffId, conversationLine(c), c.snippet))),
      this.section('citizen', T.search.citizens, a.citizens.map((c) => this.item('citizen', c.handoffId, [c.name ?? T.conv.anonymous], T.search.matched[c.matched]))),
      this.section('ticket', T.search.tickets, a.tickets.map((t) => this.item('ticket', t.handoffId, [`${t.reference} · ${this.ctx.serviceName(t.service)} · ${statusName(t.status)}`], `${T.search.matched[t.matched]} · ${when(t.createdAt, true)}`))),
      a.nextCursor ? more : undefined);
    this.results.hidden = false;
  }

  private focusConversation(index: number): void {
    const item = this.results.querySelector('[aria-labelledby="search-conversation-title"] ul')?.children[index];
    if (!(item instanceof HTMLElement)) return;
    const link = item.querySelector('a');
    if (link) return link.focus();
    item.tabIndex = -1;
    item.focus();
  }

  private section(kind: SearchResultKind, title: string, items: HTMLElement[]): HTMLElement | undefined {
    if (!items.length) return undefined;
    return h('section', { 'aria-labelledby': `search-${kind}-title` },
      h('h2', { id: `search-${kind}-title`, class: 'search-title', text: `${title} (${items.length})` }),
      h('ul', { class: 'plain' }, ...items));
  }

  private item(kind: SearchResultKind, handoffId: string | undefined, title: Array<Node | string>, detail: string): HTMLElement {
    const body = [h('span', { class: 'line' }, ...title), h('span', { class: 'preview', text: detail })];
    if (!handoffId) return h('li', { class: 'search-item' }, ...body, h('span', { class: 'muted', text: T.search.botOnly }));
    const link = h('a', { href: `#handoff-${encodeURIComponent(handoffId)}`, class: 'search-item', 'data-testid': 'search-result', 'data-kind': kind, 'data-handoff-id': handoffId }, ...body);
    link.addEventListener('click', (e) => {
      e.preventDefault();
      void this.openResult(handoffId);
    });
    return h('li', {}, link);
  }

  private async openResult(handoffId: string): Promise<void> {
    try {
      const opened = await this.ctx.api.post<{ handoffId: string }>('/search/open', { handoffId });
      this.close();
      this.hooks.open(opened.handoffId);
    } catch (err) {
      fill(this.results, h('p', { class: 'error', role: 'alert', text: errorText(err) }));
    }
  }
}

function conversationLine(c: SearchConversation): Array<Node | string> {
  return [channelBadge(c.channel), ` ${c.citizenName ?? T.conv.anonymous} · ${when(c.at)}`];
}
