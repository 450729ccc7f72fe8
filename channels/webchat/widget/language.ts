import { localeOfTag, textsFor, type Locale, type Texts } from './i18n';
import type { DlActivity } from './types';

export type LanguageListener = (texts: Texts, locale: Locale) => void;

/**
 * The language of the widget's own texts, which follows the conversation's. It starts from the
 * script tag's `data-locale` (or the page's `lang`); after that the bot decides: every bot message
 * says its language (`locale: 'ca-ES'`), so when the citizen writes in Catalan and the bot answers
 * in Catalan, the placeholder, the screen-reader labels, the errors and the alt texts switch too.
 * The citizen's own echoes never switch it (they only repeat what the widget sent).
 */
export class Language {
  private current: Locale;
  private readonly listeners: LanguageListener[] = [];

  constructor(initial: Locale) {
    this.current = initial;
  }

  get locale(): Locale {
    return this.current;
  }

  get texts(): Texts {
    return textsFor(this.current);
  }

  /** Calls `listener` on every change (not now: callers build with `texts` first). */
  onChange(listener: LanguageListener): void {
    this.listeners.push(listener);
  }

  /** Follows a bot message that says its language; anything else leaves the language as it is. */
  follow(activity: DlActivity): void {
    if (activity.type !== 'message' || activity.from?.role === 'user') return;
    const locale = localeOfTag(activity.locale);
    if (locale) this.set(locale);
  }

  set(locale: Locale): void {
    if (locale === this.current) return;
    this.current = locale;
    const texts = this.texts;
    for (const listener of this.listeners) listener(texts, locale);
  }
}

/** `{name}` placeholders of a widget text filled in (e.g. the size limit of photos). */
export function fill(text: string, vars: Readonly<Record<string, string | number>>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (vars[name] === undefined ? whole : String(vars[name])));
}
