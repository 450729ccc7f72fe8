import { resolveLocale, type Locale } from './i18n';

/** Everything the host page can set on the widget's `<script>` tag. */
export interface WidgetConfig {
  /** Absolute Direct Line base URL, e.g. `https://bot.city.example/v3/directline`. */
  directLine: string;
  locale: Locale;
  /** Overrides the translated panel title. */
  title?: string;
  /** Host-provided endpoint that returns `{ token }` (e.g. for signed-in citizens); defaults to `tokens/generate`. */
  tokenUrl?: string;
  startOpen: boolean;
}

/**
 * Reads `data-*` attributes from the widget's own script tag. URLs resolve against the
 * script's `src`, not the page, so `data-directline="/v3/directline"` keeps pointing at the
 * bot's server when a council site on another origin embeds `https://bot…/webchat.js`.
 */
export function readConfig(script: HTMLScriptElement | null): WidgetConfig {
  const data = script?.dataset ?? {};
  const origin = script?.src || location.href;
  const abs = (u: string): string => new URL(u, origin).href.replace(/\/+$/, '');
  return {
    directLine: abs(data['directline'] ?? '/v3/directline'),
    locale: resolveLocale(data['locale'] ?? document.documentElement.lang),
    ...(data['title'] ? { title: data['title'] } : {}),
    ...(data['tokenUrl'] ? { tokenUrl: abs(data['tokenUrl']) } : {}),
    startOpen: data['open'] === 'true',
  };
}
