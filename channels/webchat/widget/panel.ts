import { h, icon, ICONS } from './dom';
import type { Texts } from './i18n';

export interface Panel {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  readonly status: HTMLElement;
  open(): void;
  close(): void;
  readonly isOpen: boolean;
  /** Flags the closed launcher: the bot wrote (e.g. a ticket update) while the panel was shut. */
  markUnread(): void;
  /** Puts the labels in another language; `title` is the host's own title when it set one. */
  retranslate(texts: Texts, title: string): void;
}

/**
 * The launcher button and the chat panel it toggles. Escape closes the panel and gives focus
 * back to the launcher, so keyboard users never lose their place on the host page.
 */
export function createPanel(initial: Texts, title: string, onOpen: () => void): Panel {
  let texts = initial;
  let unread = false;
  const launcher = h('button', {
    type: 'button', class: 'cw-launcher', 'aria-label': texts.open, 'aria-expanded': 'false', 'aria-controls': 'cw-panel',
  }, icon(ICONS.chat));
  const closeButton = h('button', { type: 'button', class: 'cw-icon cw-close', 'aria-label': texts.close, title: texts.close }, icon(ICONS.close));
  const status = h('div', { class: 'cw-status', role: 'status', hidden: true });
  const body = h('div', { class: 'cw-body' });
  const panel = h('section', { id: 'cw-panel', class: 'cw-panel', role: 'dialog', 'aria-labelledby': 'cw-title', hidden: true },
    h('header', { class: 'cw-header' }, h('h2', { id: 'cw-title', class: 'cw-title', text: title }), closeButton),
    status,
    body);
  const root = h('div', { class: 'cw-root' }, panel, launcher);

  const open = (): void => {
    panel.hidden = false;
    unread = false;
    launcher.classList.remove('cw-unread');
    launcher.setAttribute('aria-label', texts.open);
    root.classList.add('cw-open');
    launcher.setAttribute('aria-expanded', 'true');
    onOpen();
  };
  const close = (): void => {
    panel.hidden = true;
    root.classList.remove('cw-open');
    launcher.setAttribute('aria-expanded', 'false');
    launcher.focus();
  };
  launcher.addEventListener('click', () => (panel.hidden ? open() : close()));
  closeButton.addEventListener('click', close);
  panel.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation();
      close();
    }
  });
  return {
    root, body, status, open, close,
    get isOpen() {
      return !panel.hidden;
    },
    markUnread: () => {
      unread = true;
      launcher.classList.add('cw-unread');
      launcher.setAttribute('aria-label', `${texts.open} (${texts.unread})`);
    },
    retranslate: (next, nextTitle) => {
      texts = next;
      launcher.setAttribute('aria-label', unread ? `${texts.open} (${texts.unread})` : texts.open);
      closeButton.setAttribute('aria-label', texts.close);
      closeButton.title = texts.close;
      const heading = panel.querySelector('#cw-title');
      if (heading) heading.textContent = nextTitle;
    },
  };
}
