import { h } from './dom';
import type { Texts } from './i18n';
import { fill } from './language';
import { renderMarkdown, safeUrl } from './markdown';
import type { DlAction, DlActivity, DlAttachment } from './types';

const IMAGE_PROTOCOLS = ['http:', 'https:', 'blob:', 'data:'];
const TYPING_TIMEOUT_MS = 5_000;

/** A text of the widget's own, by name: kept on the element so a change of language can redraw it. */
export type TextKey = keyof Texts;
type TextVars = Readonly<Record<string, string | number>>;

/** An own message shown before the server has acknowledged it. */
export interface Draft {
  text?: string;
  imageUrl?: string;
}

/**
 * The message log. Every activity is shown once: by server id, or — for the citizen's own
 * messages, which appear immediately and come back as echoes — by clientActivityID.
 */
export class Transcript {
  readonly log: HTMLElement;
  readonly typing: HTMLElement;
  readonly actions: HTMLElement;
  private readonly byId = new Map<string, HTMLElement>();
  private readonly byClientId = new Map<string, HTMLElement>();
  /** Bubbles that already show the server's copy of their activity. */
  private readonly settled = new WeakSet<HTMLElement>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private texts: Texts,
    /** A getter: the server may assign the user id only once the conversation starts. */
    private readonly userId: () => string,
    private readonly onAction: (action: DlAction) => void,
  ) {
    this.log = h('div', { class: 'cw-log', role: 'log', 'aria-live': 'polite', 'aria-label': texts.log, tabindex: '0' });
    this.typing = h('div', { class: 'cw-typing', role: 'status', hidden: true },
      h('span', { class: 'cw-dots', 'aria-hidden': 'true' }, h('i'), h('i'), h('i')),
      this.say('typing'));
    this.actions = h('div', { class: 'cw-actions', role: 'group', 'aria-label': texts.suggestions, hidden: true });
  }

  /**
   * Redraws every text of the widget's own in the log in another language: labels, the "You:" and
   * "City council:" prefixes screen readers read, errors and their retry buttons, notices, and the
   * alt text of images that came without one. Bot and citizen messages stay as they were written.
   */
  retranslate(texts: Texts): void {
    this.texts = texts;
    this.log.setAttribute('aria-label', texts.log);
    this.actions.setAttribute('aria-label', texts.suggestions);
    for (const root of [this.log, this.typing]) {
      for (const el of root.querySelectorAll<HTMLElement>('[data-t]')) el.textContent = this.text(el.dataset['t'] as TextKey, el.dataset['tVars'], el.dataset['tAfter']);
      for (const img of root.querySelectorAll<HTMLImageElement>('img[data-t-alt]')) img.alt = this.text(img.dataset['tAlt'] as TextKey);
    }
  }

  /** A span with one of the widget's texts, redrawn by `retranslate`. */
  private say(key: TextKey, opts: { vars?: TextVars; after?: string; cls?: string } = {}): HTMLSpanElement {
    const vars = opts.vars ? JSON.stringify(opts.vars) : undefined;
    return h('span', {
      ...(opts.cls ? { class: opts.cls } : {}),
      'data-t': key, 'data-t-vars': vars, 'data-t-after': opts.after,
      text: this.text(key, vars, opts.after),
    });
  }

  private text(key: TextKey, vars?: string, after = ''): string {
    return fill(this.texts[key], vars ? (JSON.parse(vars) as TextVars) : {}) + after;
  }

  /** Shows an activity from the stream or the session cache. Returns false if it was already shown. */
  show(activity: DlActivity): boolean {
    if (activity.type === 'typing') {
      if (!this.isOwn(activity)) this.showTyping();
      return false;
    }
    if (activity.type !== 'message') return false;
    const clientId = activity.channelData?.clientActivityID;
    // The POST's answer (ack) and the echo race; whichever comes second must not draw a copy.
    const shown = (activity.id ? this.byId.get(activity.id) : undefined) ?? (clientId ? this.byClientId.get(clientId) : undefined);
    if (shown) {
      if (this.settled.has(shown)) return false;
      this.settle(shown, activity);
      return true;
    }
    const own = this.isOwn(activity);
    // A person of the council answering (handoff) is named; the bot's own messages carry no name.
    const name = own ? undefined : activity.from?.name || undefined;
    const el = this.bubble(own, activity.text, own ? 'plain' : activity.textFormat, activity.attachments, name);
    // The bot's words are read in their own language, whatever the page's is.
    if (!own && activity.locale && /^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(activity.locale)) el.lang = activity.locale;
    if (activity.id) this.index(activity.id, el);
    this.settled.add(el);
    if (own) this.setActions(undefined);
    else {
      this.hideTyping();
      this.setActions(activity.suggestedActions?.actions);
    }
    return true;
  }

  /** Shows the citizen's message at once; `settle` or `ack` later ties it to the server's copy. */
  draft(clientId: string, draft: Draft): void {
    const attachments = draft.imageUrl ? [{ contentType: 'image/*', contentUrl: draft.imageUrl }] : undefined;
    const el = this.bubble(true, draft.text, 'plain', attachments);
    el.classList.add('cw-pending');
    if (draft.imageUrl) el.append(this.say('uploading', { cls: 'cw-sr cw-uploading' }));
    this.byClientId.set(clientId, el);
    this.setActions(undefined);
  }

  /** The server accepted the draft as `id`; if its echo already arrived separately, drop the duplicate. */
  ack(clientId: string, id: string): void {
    const el = this.byClientId.get(clientId);
    if (!el) return;
    const shown = this.byId.get(id);
    if (shown && shown !== el) el.remove();
    else this.index(id, el);
    el.classList.remove('cw-pending');
    el.querySelector('.cw-uploading')?.remove();
  }

  /** Marks a draft as not sent: why (a text of the widget's), and a retry button unless retrying cannot help. */
  fail(clientId: string, reason: TextKey, retry?: () => void, vars?: TextVars): void {
    const el = this.byClientId.get(clientId);
    if (!el) return;
    el.classList.remove('cw-pending');
    el.classList.add('cw-failed');
    el.querySelector('.cw-uploading')?.remove();
    const note = h('div', { class: 'cw-error', role: 'alert' }, this.say(reason, vars ? { vars } : {}));
    el.append(note);
    if (!retry) return;
    const button = h('button', { type: 'button', class: 'cw-retry', 'data-t': 'retry', text: this.texts.retry });
    note.append(' ', button);
    button.addEventListener('click', () => {
      if (el.querySelector('img')) el.append(this.say('uploading', { cls: 'cw-sr cw-uploading' }));
      note.remove();
      el.classList.replace('cw-failed', 'cw-pending');
      retry();
    });
  }

  /** A line from the widget itself (e.g. location denied), not part of the conversation. */
  notice(key: TextKey): void {
    this.append(h('div', { class: 'cw-notice', role: 'alert' }, this.say(key)));
  }

  /** Direct Line marks the citizen's echoes with `role: 'user'`; older servers only by the id. */
  private isOwn(activity: DlActivity): boolean {
    const from = activity.from;
    return from?.role ? from.role === 'user' : from?.id === this.userId();
  }

  private settle(el: HTMLElement, activity: DlActivity): void {
    this.settled.add(el);
    el.classList.remove('cw-pending');
    el.querySelector('.cw-uploading')?.remove();
    if (activity.id) this.index(activity.id, el);
    // Swap the local preview (a blob: URL that dies with the page) for the server's copy.
    const served = activity.attachments?.find((a) => a.contentType.startsWith('image/') && a.contentUrl);
    const img = el.querySelector('img');
    const src = served?.contentUrl && safeUrl(served.contentUrl, IMAGE_PROTOCOLS);
    if (img && src && img.src !== src) {
      const preview = img.src;
      img.src = src;
      if (preview.startsWith('blob:')) URL.revokeObjectURL(preview);
    }
  }

  private index(id: string, el: HTMLElement): void {
    this.byId.set(id, el);
    el.dataset['id'] = id;
  }

  private bubble(own: boolean, text: string | undefined, format: string | undefined, attachments?: DlAttachment[], name?: string): HTMLElement {
    const el = h('div', { class: `cw-msg ${own ? 'cw-user' : 'cw-bot'}`, 'data-role': own ? 'user' : 'bot' },
      name ? h('div', { class: 'cw-name', text: name }) : this.say(own ? 'you' : 'bot', { cls: 'cw-sr', after: ': ' }));
    if (text) {
      const body = h('div', { class: 'cw-text' });
      // The citizen's own text is never interpreted, not even as markdown.
      body.append(format === 'plain' || format === 'xml' ? document.createTextNode(text) : renderMarkdown(text));
      el.append(body);
    }
    for (const attachment of attachments ?? []) {
      const node = this.attachment(attachment);
      if (node) el.append(node);
    }
    this.append(el);
    return el;
  }

  private attachment(a: DlAttachment): Node | undefined {
    if (a.contentType === 'application/vnd.microsoft.card.hero' || a.contentType === 'application/vnd.microsoft.card.thumbnail') {
      return this.heroCard(a.content as HeroCard | undefined);
    }
    if (!a.contentUrl) return undefined;
    if (a.contentType.startsWith('image/')) return this.image(a.contentUrl, a.name);
    const href = safeUrl(a.contentUrl);
    return href ? h('a', { class: 'cw-file', href, target: '_blank', rel: 'noopener noreferrer', text: a.name ?? href }) : undefined;
  }

  private image(url: string, alt: string | undefined): Node | undefined {
    const src = safeUrl(url, IMAGE_PROTOCOLS);
    if (!src) return undefined;
    // An image the bot sent without a description gets the widget's own ("Image"), in the current language.
    const img = h('img', { class: 'cw-img', src, alt: alt ?? this.texts.image, 'data-t-alt': alt === undefined ? 'image' : undefined, loading: 'lazy' });
    // Keep the log pinned to the bottom once the image has its real height.
    img.addEventListener('load', () => this.scrollToEnd(), { once: true });
    return img;
  }

  private heroCard(card: HeroCard | undefined): Node | undefined {
    if (!card) return undefined;
    const el = h('div', { class: 'cw-card' });
    for (const image of card.images ?? []) {
      const img = image.url ? this.image(image.url, image.alt ?? card.title) : undefined;
      if (img) el.append(img);
    }
    if (card.title) el.append(h('strong', { class: 'cw-card-title', text: card.title }));
    if (card.subtitle) el.append(h('div', { class: 'cw-card-sub', text: card.subtitle }));
    if (card.text) el.append(h('div', { class: 'cw-text' }, renderMarkdown(card.text)));
    if (card.buttons?.length) el.append(this.actionButtons(card.buttons, 'cw-card-actions'));
    return el;
  }

  /** Suggested actions belong to the latest bot message only; any newer message removes them. */
  private setActions(actions: DlAction[] | undefined): void {
    this.actions.replaceChildren();
    const usable = (actions ?? []).filter((a) => a.title || a.value !== undefined);
    this.actions.hidden = usable.length === 0;
    if (usable.length) this.actions.append(...this.actionButtons(usable, '').childNodes);
  }

  private actionButtons(actions: DlAction[], cls: string): HTMLElement {
    const wrap = h('div', { class: cls });
    for (const action of actions) {
      const label = action.title ?? String(action.value ?? '');
      const button = h('button', { type: 'button', class: 'cw-action', text: label });
      if (action.type === 'openUrl') {
        const href = typeof action.value === 'string' ? safeUrl(action.value) : undefined;
        if (!href) continue;
        button.addEventListener('click', () => window.open(href, '_blank', 'noopener'));
      } else {
        button.addEventListener('click', () => this.onAction(action));
      }
      wrap.append(button);
    }
    return wrap;
  }

  private showTyping(): void {
    this.typing.hidden = false;
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.hideTyping(), TYPING_TIMEOUT_MS);
    this.scrollToEnd();
  }

  private hideTyping(): void {
    clearTimeout(this.typingTimer);
    this.typing.hidden = true;
  }

  private append(el: HTMLElement): void {
    this.log.append(el);
    this.scrollToEnd();
  }

  private scrollToEnd(): void {
    this.log.scrollTop = this.log.scrollHeight;
  }
}

interface HeroCard {
  title?: string;
  subtitle?: string;
  text?: string;
  images?: Array<{ url?: string; alt?: string }>;
  buttons?: DlAction[];
}
