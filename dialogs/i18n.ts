import type { Catalog, Locale, ProcedureType, SpanishVariant } from '../catalog/schema';
import { escapeMarkdown } from '../channels/render/markdown';
import ca from './locales/ca.json' with { type: 'json' };
import en from './locales/en.json' with { type: 'json' };
import esAR from './locales/es-AR.json' with { type: 'json' };
import es from './locales/es.json' with { type: 'json' };

/** Every sentence the bot can say, by key. Spanish is the reference file; the others must match it. */
export type MessageKey = keyof typeof es;

/**
 * Text that is already the bot's CommonMark (a sentence rendered earlier, an article of the knowledge
 * base): placed into a sentence as it is. Any plain string is someone's words and is escaped instead.
 */
export interface Markdown {
  readonly markdown: string;
}

/** Marks `text` as the bot's own markup (see Markdown). */
export const markdown = (text: string): Markdown => ({ markdown: text });

/**
 * Values substituted into `{name}` placeholders. A string is literal text: a citizen's `*x*`, `<b>` or
 * `[a](javascript:…)` shows as typed on every channel, because the sentence is CommonMark that the
 * channels render (channels/render). Numbers are written as they are; Markdown is placed as markup.
 */
export type Vars = Readonly<Record<string, string | number | Markdown>>;

type Texts = Readonly<Record<MessageKey, string>>;

// Typing ca and en against es's keys makes a missing or extra key a compile error, not a runtime gap.
const BASE: Readonly<Record<Locale, Texts>> = { es, ca, en };

/**
 * Regional variants of Spanish, as overlays on es.json: only the sentences that differ (voseo,
 * "acá", "municipio"), so a key added to es.json and not yet to an overlay falls back to es (tú).
 * es-ES is es.json itself. A test checks that every overlay key exists in es with the same placeholders.
 */
const SPANISH_OVERLAYS: Readonly<Record<SpanishVariant, Readonly<Partial<Record<MessageKey, string>>>>> = {
  'es-ES': {},
  'es-AR': esAR,
};

// One city per process (one catalog), and t() is called from the dialogs, the queues and the console
// with a Locale only: the city's variant is chosen once at boot (useSpanishVariant) rather than
// threaded through every caller. Until then, and in tests that never choose, Spanish is es-ES.
let variant: SpanishVariant = 'es-ES';
let TEXTS: Readonly<Record<Locale, Texts>> = BASE;

/**
 * Makes `t('es', …)` speak the city's Spanish (`city.spanishVariant` in the catalog): es-ES (tú, the
 * default) or es-AR (voseo). Call once at boot, after loading the catalog; calling it again switches.
 */
export function useSpanishVariant(next: SpanishVariant): void {
  variant = next;
  TEXTS = { ...BASE, es: { ...es, ...SPANISH_OVERLAYS[next] } };
}

/** The Spanish variant the bot speaks now. */
export function spanishVariant(): SpanishVariant {
  return variant;
}

/** The sentences an overlay replaces (for checks and tooling). */
export function spanishOverlay(v: SpanishVariant): Readonly<Partial<Record<MessageKey, string>>> {
  return SPANISH_OVERLAYS[v];
}

/**
 * The text of `key` in `locale` (CommonMark), with `{name}` placeholders filled from `vars`: strings
 * escaped as literal text, Markdown values as they are.
 */
export function t(locale: Locale, key: MessageKey, vars: Vars = {}): string {
  // An unfilled placeholder is left visible rather than thrown: a slightly odd sentence beats a failed turn.
  return TEXTS[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) => {
    const v = vars[name];
    if (v === undefined) return whole;
    return typeof v === 'object' ? v.markdown : typeof v === 'string' ? escapeMarkdown(v) : String(v);
  });
}

/** All keys of one locale file (for parity checks). */
export function keysOf(locale: Locale): string[] {
  return Object.keys(TEXTS[locale]);
}

/**
 * A sentence to say later, in whatever language the citizen speaks by then. Prompts store a `Say`
 * (not rendered text) in dialog state, so a re-prompt after a language switch comes out in the new
 * language. Plain JSON, so it survives the Redis round trip.
 */
export interface Say {
  key: MessageKey;
  vars?: Readonly<Record<string, SayVar>>;
}

/** A placeholder value: literal text, a nested sentence, lines of sentences, or a catalog name. */
export type SayVar =
  | string
  | number
  | Say
  | readonly Say[]
  | { readonly service: string }
  | { readonly type: ProcedureType };

/** Builds a `Say`. Keys passed here are checked by the type system and by the key-usage test. */
export function say(key: MessageKey, vars?: Readonly<Record<string, SayVar>>): Say {
  return vars ? { key, vars } : { key };
}

/** Renders a `Say` in `locale`; catalog names (services, procedure types) come from the catalog. */
export function render(catalog: Catalog, locale: Locale, s: Say): string {
  const vars: Record<string, string | number | Markdown> = {};
  for (const [name, v] of Object.entries(s.vars ?? {})) {
    // Nested sentences are the bot's markup; literal text and catalog names are escaped by t().
    const value = renderValue(catalog, locale, v);
    vars[name] = isSayList(v) || isSay(v) ? markdown(String(value)) : value;
  }
  return t(locale, s.key, vars);
}

/** Renders one placeholder value (or a choice label) in `locale`: literal text, or CommonMark for a nested sentence. */
export function renderValue(catalog: Catalog, locale: Locale, v: SayVar): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (isSayList(v)) return v.map((line) => render(catalog, locale, line)).join('\n');
  if ('service' in v) return serviceName(catalog, locale, v.service);
  if ('type' in v) return catalog.types[v.type]?.names[locale] ?? v.type;
  return render(catalog, locale, v);
}

function isSayList(v: SayVar): v is readonly Say[] {
  return Array.isArray(v);
}

const isSay = (v: SayVar): v is Say => typeof v === 'object' && 'key' in v;

/** A service's name in `locale`, or its code when the catalog no longer has it. */
export function serviceName(catalog: Catalog, locale: Locale, code: string): string {
  return catalog.services.find((s) => s.code === code)?.names[locale] ?? code;
}

/** BCP 47 tags for dates and numbers in each locale. */
// `es` follows the city's variant, so replies say es-AR where the bot speaks Rioplatense.
export const LOCALE_TAGS: Readonly<Record<Locale, string>> = {
  get es() {
    return variant;
  },
  ca: 'ca-ES',
  en: 'en-GB',
};

/** A date (ISO string) as the citizen reads it, in the city's time zone: "12 mar 2026, 10:30". */
export function formatDate(locale: Locale, iso: string, timeZone: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(LOCALE_TAGS[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(date);
}
