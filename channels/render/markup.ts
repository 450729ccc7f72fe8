import type { ChannelMarkup } from '../../bot/channel';
import { escapeMarkdown, type Run, type TextStyle } from './markdown';
import { parsedMarkdown } from './parsed-markdown';

/** Escapes text for Telegram's HTML parse mode: only `&`, `<` and `>` are special there (and `"` in attributes). */
export const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string): string => escapeHtml(text).replace(/"/g, '&quot;');

/**
 * The bot's CommonMark in a channel's markup, whole (no length limit: see splitRendered for that).
 * @example renderText('Hola\n**Ana**', 'markdown') === 'Hola\\\n**Ana**' // a hard break: Web Chat keeps the line
 */
export const renderText = (text: string, markup: ChannelMarkup): string => renderRuns(parsedMarkdown(text), markup);

/**
 * Renders styled runs in a channel's markup:
 * - `markdown` (web chat): CommonMark again, text escaped, every new line a hard break (`\` at the end
 *   of the line), because Microsoft's Web Chat reads a single newline as a space;
 * - `telegram-html`: only the tags Telegram allows (b, i, s, code, pre, blockquote, a), text escaped;
 * - `whatsapp`: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```block``` ````, "> " quotes, links as "text (url)";
 * - `plain`: the text alone.
 * Consecutive runs of one link are rendered together, so a link whose text is partly bold names its URL once.
 */
export function renderRuns(runs: readonly Run[], markup: ChannelMarkup): string {
  let out = '';
  let afterBlock = false;
  for (const group of groupsOf(runs, (s) => (s.pre ? 'pre' : s.quote ? 'quote' : ''))) {
    const kind = group[0]!.style.pre ? 'pre' : group[0]!.style.quote ? 'quote' : 'text';
    let s = kind === 'pre' ? preBlock(group.map((r) => r.text).join(''), markup) : inlineOf(group, markup);
    if (markup === 'markdown') {
      if (kind !== 'pre') s = hardBreaks(s);
      // A quote or code block ends only at a blank line: the next paragraph would continue it.
      if (kind !== 'text' || afterBlock) s = s.replace(/^\n(?!\n)/, '\n\n');
      if (kind !== 'text') out = out.replace(/(?<!\n)\n$/, '\n\n');
    }
    out += kind === 'quote' ? quoteBlock(s, markup) : s;
    afterBlock = kind !== 'text';
  }
  return out;
}

function inlineOf(runs: readonly Run[], markup: ChannelMarkup): string {
  let out = '';
  for (const group of groupsOf(runs, (s) => s.href ?? '')) {
    const href = group[0]!.style.href;
    const inner = group.map((r) => styled(r.text, r.style, markup)).join('');
    out += href === undefined ? inner : linked(inner, group.map((r) => r.text).join(''), href, markup);
  }
  return out;
}

/** Splits runs into stretches that agree on `key`, in order. */
function groupsOf(runs: readonly Run[], key: (s: TextStyle) => string): Run[][] {
  const groups: Run[][] = [];
  for (const r of runs) {
    const last = groups.at(-1);
    if (last && key(last[0]!.style) === key(r.style)) last.push(r);
    else groups.push([r]);
  }
  return groups;
}

function styled(text: string, style: TextStyle, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html': {
      let s = escapeHtml(text);
      if (style.code) s = `<code>${s}</code>`;
      if (style.strike) s = `<s>${s}</s>`;
      if (style.italic) s = `<i>${s}</i>`;
      if (style.bold) s = `<b>${s}</b>`;
      return s;
    }
    case 'whatsapp': {
      const s = style.code ? hug(text, '`') : inertForWhatsApp(text);
      return hug(hug(hug(s, style.strike ? '~' : ''), style.bold ? '*' : ''), style.italic ? '_' : '');
    }
    case 'markdown': {
      const s = style.code ? codeSpan(text) : escapeMarkdown(text);
      return hug(hug(hug(s, style.strike ? '~~' : ''), style.bold ? '**' : ''), style.italic ? '*' : '');
    }
    case 'plain':
      return text;
  }
}

function linked(inner: string, label: string, href: string, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html':
      return `<a href="${escapeAttribute(href)}">${inner}</a>`;
    case 'markdown':
      return `[${inner}](${href.replace(/[\\()<> ]/g, (c) => (c === ' ' ? '%20' : `\\${c}`))})`;
    case 'whatsapp':
    case 'plain':
      // No link syntax on these channels: show the address, unless the text already is it.
      return label === href || `mailto:${label}` === href || `tel:${label}` === href ? inner : `${inner} (${href})`;
  }
}

function preBlock(text: string, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html':
      return `<pre>${escapeHtml(text)}</pre>`;
    case 'whatsapp':
      return `\`\`\`${text}\`\`\``;
    case 'markdown': {
      const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
      return `${fence}\n${text}\n${fence}`;
    }
    case 'plain':
      return text;
  }
}

function quoteBlock(text: string, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html':
      return `<blockquote>${text}</blockquote>`;
    case 'whatsapp':
    case 'markdown':
      return text.split('\n').map((line) => (line === '' ? '>' : `> ${line}`)).join('\n');
    case 'plain':
      return text;
  }
}

/** Web Chat reads a lone newline as a space: each one that separates two lines becomes a hard break. */
const hardBreaks = (s: string): string => s.replace(/[ \t]+\n/g, '\n').replace(/([^\n])\n(?=[^\n])/g, '$1\\\n');

/** An inline code span that holds backticks: a longer fence, and spaces where the text touches it. */
function codeSpan(text: string): string {
  const fence = '`'.repeat(longestRun(text, '`') + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

const longestRun = (text: string, ch: string): number => Math.max(0, ...Array.from(text.matchAll(new RegExp(`\\${ch}+`, 'g')), (m) => m[0].length));

/**
 * WhatsApp has no escape character: a `*`, `_`, `~` or `` ` `` that could open or close a style gets an
 * invisible word joiner (U+2060) on both sides, so it no longer touches a space or the line's edge,
 * which WhatsApp requires of a marker. Markers inside a word (juan_perez@x.test) are left alone.
 */
const inertForWhatsApp = (text: string): string =>
  text.replace(/[*_~`]/g, (m, i: number, s: string) => (isWordChar(s[i - 1]) && isWordChar(s[i + 1]) ? m : `\u2060${m}\u2060`));
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[\p{L}\p{N}]/u.test(c);

/**
 * Wraps text in a marker that must touch non-space characters (WhatsApp and CommonMark both ignore
 * `* bold *`): surrounding spaces stay outside the markers.
 */
function hug(text: string, marker: string): string {
  if (marker === '') return text;
  const m = /^(\s*)([\s\S]*?)(\s*)$/.exec(text);
  const core = m?.[2] ?? '';
  return core === '' ? text : `${m?.[1] ?? ''}${marker}${core}${marker}${m?.[3] ?? ''}`;
}
