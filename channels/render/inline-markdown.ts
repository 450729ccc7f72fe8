/** The inline styles of a run of text; a link carries its (already checked) target. */
export interface TextStyle {
  bold?: boolean;
  italic?: boolean;
  code?: boolean;
  href?: string;
}

/** A stretch of text with one style. Text is literal: no markup, no escaping. */
export interface Run {
  text: string;
  style: TextStyle;
}

/*
 * The CommonMark subset dialogs write: `\` escapes, `code`, [text](url), **bold** / __bold__,
 * *italic* / _italic_. An underscore inside a word (snake_case, e-mail addresses) is not italic.
 * Order matters: at one position, `**` must be tried before `*`.
 */
const TOKEN = new RegExp(
  [
    /\\([\\`*_[\]()~#>!.-])/u.source,
    /`([^`\n]+)`/u.source,
    /\[([^\]\n]+)\]\(([^)\s]+)\)/u.source,
    /\*\*(?=\S)([\s\S]+?)(?<=\S)\*\*/u.source,
    /(?<![\p{L}\p{N}_])__(?=\S)([\s\S]+?)(?<=\S)__(?![\p{L}\p{N}_])/u.source,
    /\*(?=[^\s*])([\s\S]+?)(?<=[^\s*])\*/u.source,
    /(?<![\p{L}\p{N}_])_(?=[^\s_])([\s\S]+?)(?<=[^\s_])_(?![\p{L}\p{N}_])/u.source,
  ].join('|'),
  'gu',
);

// A link to anything else (javascript:, data:) is shown as its text only.
const SAFE_HREF = /^(?:https?:|mailto:|tel:|tg:)/i;

/** Parses CommonMark inline markup into styled runs of literal text. */
export function parseInline(text: string, style: TextStyle = {}): Run[] {
  const runs: Run[] = [];
  const re = new RegExp(TOKEN.source, TOKEN.flags);
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push(runs, text.slice(last, m.index), style);
    last = m.index + m[0].length;
    runs.push(...tokenRuns(m, style));
  }
  push(runs, text.slice(last), style);
  return runs;
}

function tokenRuns(m: RegExpExecArray, style: TextStyle): Run[] {
  const [, escaped, code, linkText, href, bold, bold2, italic, italic2] = m;
  if (escaped !== undefined) return [{ text: escaped, style }];
  if (code !== undefined) return [{ text: code, style: { ...style, code: true } }];
  if (linkText !== undefined) {
    const target = href ?? '';
    return SAFE_HREF.test(target) ? parseInline(linkText, { ...style, href: target }) : parseInline(linkText, style);
  }
  if (bold !== undefined || bold2 !== undefined) return parseInline(bold ?? bold2 ?? '', { ...style, bold: true });
  return parseInline(italic ?? italic2 ?? '', { ...style, italic: true });
}

function push(runs: Run[], text: string, style: TextStyle): void {
  if (text !== '') runs.push({ text, style });
}

/** The runs' text without any markup. */
export const plainText = (runs: readonly Run[]): string => runs.map((r) => r.text).join('');
