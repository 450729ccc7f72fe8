import type { ChannelMarkup } from '../../bot/channel';
import type { Run, TextStyle } from './inline-markdown';

/** Escapes text for Telegram's HTML parse mode: only `&`, `<` and `>` are special there (and `"` in attributes). */
export const escapeHtml = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (text: string): string => escapeHtml(text).replace(/"/g, '&quot;');

/**
 * Renders styled runs in a channel's markup. Consecutive runs of one link are rendered together, so
 * a link whose text is partly bold still names its URL once.
 */
export function renderRuns(runs: readonly Run[], markup: ChannelMarkup): string {
  let out = '';
  for (let i = 0; i < runs.length; ) {
    const href = runs[i]!.style.href;
    let j = i + 1;
    while (j < runs.length && runs[j]!.style.href === href) j++;
    const inner = runs.slice(i, j).map((r) => styled(r.text, r.style, markup)).join('');
    out += href === undefined ? inner : linked(inner, runs.slice(i, j).map((r) => r.text).join(''), href, markup);
    i = j;
  }
  return out;
}

function styled(text: string, style: TextStyle, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html': {
      let s = escapeHtml(text);
      if (style.code) s = `<code>${s}</code>`;
      if (style.italic) s = `<i>${s}</i>`;
      if (style.bold) s = `<b>${s}</b>`;
      return s;
    }
    case 'whatsapp':
      return hug(hug(hug(text, style.code ? '`' : ''), style.bold ? '*' : ''), style.italic ? '_' : '');
    case 'markdown':
      return hug(hug(hug(text, style.code ? '`' : ''), style.bold ? '**' : ''), style.italic ? '_' : '');
    case 'plain':
      return text;
  }
}

function linked(inner: string, label: string, href: string, markup: ChannelMarkup): string {
  switch (markup) {
    case 'telegram-html':
      return `<a href="${escapeAttribute(href)}">${inner}</a>`;
    case 'markdown':
      return `[${inner}](${href})`;
    case 'whatsapp':
    case 'plain':
      // No link syntax on these channels: show the address, unless the text already is it.
      return label === href || `mailto:${label}` === href || `tel:${label}` === href ? inner : `${inner} (${href})`;
  }
}

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
