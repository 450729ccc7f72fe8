import { Chat } from './chat';
import { createComposer } from './composer';
import { readConfig } from './config';
import { DirectLineClient } from './directline-client';
import { Language } from './language';
import { createPanel } from './panel';
import { Transcript } from './render';
import { SessionStore } from './session-store';
import { CSS } from './styles';

/**
 * Entry point of webchat.js. The host page embeds one tag:
 *   <script src="https://bot…/webchat.js" data-directline="/v3/directline" data-locale="es" defer></script>
 * Optional: data-title, data-token-url, data-open="true".
 */
function boot(script: HTMLScriptElement | null): void {
  const config = readConfig(script);
  const store = new SessionStore(config.directLine);
  // The page says which language to start in; the conversation decides from then on (language.ts).
  const language = new Language(config.locale);
  for (const activity of store.get().history) language.follow(activity);
  const texts = language.texts;

  const transcript = new Transcript(texts, () => store.get().userId, (action) => chat.sendAction(action));
  const client = new DirectLineClient({
    base: config.directLine,
    ...(config.tokenUrl ? { tokenUrl: config.tokenUrl } : {}),
    store,
    locale: () => language.locale,
    onActivities: (activities) => {
      for (const activity of activities) {
        // Before drawing, so an error or label the message brings is already in its language.
        language.follow(activity);
        if (!transcript.show(activity)) continue;
        store.remember(activity);
        if (activity.from?.role !== 'user' && !panel.isOpen) panel.markUnread();
      }
    },
    // `chat` and `panel` are only reached after start(), which runs once both exist.
    onStatus: (status) => chat.status(status, panel.status),
  });

  const chat = new Chat(client, transcript, language);
  const composer = createComposer(texts, {
    onText: (text) => chat.sendText(text),
    onLocation: () => chat.shareLocation(),
    onPhoto: (file) => chat.sendPhoto(file),
  });
  const panel = createPanel(texts, config.title ?? texts.title, () => {
    // The conversation starts on first open, so page views alone never create conversations.
    void client.start();
    composer.focus();
  });
  panel.body.append(transcript.log, transcript.typing, transcript.actions, composer.form);

  const host = document.createElement('div');
  host.id = 'cab-webchat';
  host.setAttribute('lang', language.locale);
  host.attachShadow({ mode: 'open' }).append(style(CSS), panel.root);
  document.body.append(host);

  language.onChange((next, locale) => {
    host.setAttribute('lang', locale);
    panel.retranslate(next, config.title ?? next.title);
    composer.retranslate(next);
    transcript.retranslate(next);
    chat.retranslate();
  });

  // A reload mid-conversation shows the history at once and reconnects after the watermark.
  for (const activity of store.get().history) transcript.show(activity);
  if (store.get().conversationId) void client.start();
  if (config.startOpen) panel.open();
  window.addEventListener('online', () => client.nudge());
}

function style(css: string): HTMLStyleElement {
  const el = document.createElement('style');
  el.textContent = css;
  return el;
}

// currentScript only exists while this file runs, so read it before waiting for the DOM.
const script =
  (document.currentScript as HTMLScriptElement | null) ?? document.querySelector<HTMLScriptElement>('script[data-directline]');
if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', () => boot(script));
else boot(script);
