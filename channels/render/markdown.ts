import MarkdownIt, { type MarkdownIt as Parser, type Token } from 'markdown-it';

/**
 * The bot's messages are CommonMark, parsed here once (markdown-it) into styled runs of literal text
 * that channels/render/markup.ts writes in each channel's markup and the web chat widget turns into DOM.
 * Browser-safe on purpose: the widget bundles this file (so no Node APIs, and no Array.prototype.at for older Safari).
 */

/** The styles of a run of text; a link carries its (already checked) target. */
export interface TextStyle {
  bold?: boolean;
  italic?: boolean;
  strike?: boolean;
  code?: boolean;
  /** A code block: its lines are kept as they are. */
  pre?: boolean;
  /** Inside a block quote. */
  quote?: boolean;
  href?: string;
}

/** A stretch of text with one style. Text is literal: no markup, no escaping. "\n" is a new line, "\n\n" a new paragraph. */
export interface Run {
  text: string;
  style: TextStyle;
}

export interface ParseOptions {
  /**
   * What a single newline inside a paragraph means: `true` a new line (how the bot writes its
   * sentences), `false` a space (CommonMark, which is how Microsoft's Web Chat reads text).
   * @defaultValue true
   */
  breaks?: boolean;
  /** Bare URLs become links (Web Chat does; the server leaves that to each platform). @defaultValue false */
  linkify?: boolean;
}

// A link to anything else (javascript:, data:, file:) is shown as its text only.
const SAFE_HREF = /^(?:https?:|mailto:|tel:)/i;

/** CommonMark plus ~~strike~~ (Web Chat has it too); raw HTML is never HTML, only text. */
function parserFor(linkify: boolean): Parser {
  const md = new MarkdownIt('commonmark', { html: false, linkify }).enable('strikethrough');
  if (linkify) md.enable('linkify');
  // markdown-it drops an unsafe link's brackets as literal text; the walker below shows its label instead.
  md.validateLink = () => true;
  return md;
}
const PARSERS = { plain: parserFor(false), linkify: parserFor(true) };

// A nested list item is indented with no-break spaces: CommonMark would drop ordinary leading spaces.
const INDENT = '\u00a0\u00a0';

/**
 * Parses CommonMark into runs of literal text. Blocks become lines of text: list items start with
 * "• " or their number, headings are bold, a thematic break is "———"; blocks are apart by one newline,
 * or by a blank line where the source has one. Adjacent runs of one style are merged.
 *
 * @example parseMarkdown('Estado: **En curso**') // [{ text: 'Estado: ', style: {} }, { text: 'En curso', style: { bold: true } }]
 */
export function parseMarkdown(text: string, options: ParseOptions = {}): Run[] {
  const md = options.linkify ? PARSERS.linkify : PARSERS.plain;
  const walker = new Walker(options.breaks ?? true);
  walker.blocks(md.parse(text, {}));
  return walker.runs;
}

/**
 * Walks markdown-it's tokens, keeping the open styles. Between blocks it puts the line structure of the
 * source back: one newline where the next block starts on the next line ("Tus datos:\n- uno"), a blank
 * line where the source had one.
 */
class Walker {
  readonly runs: Run[] = [];
  private style: TextStyle = {};
  private readonly lists: { ordered: boolean }[] = [];
  private readonly open: (readonly [number, number] | null)[] = [];
  private quoteDepth = 0;
  /** A block ended since the last text: the next text is preceded by a break. */
  private boundary = false;
  private lastEnd = 0;
  private nextStart = 0;

  constructor(private readonly breaks: boolean) {}

  blocks(tokens: readonly Token[]): void {
    for (const t of tokens) {
      if (t.map) this.nextStart = t.map[0];
      if (t.nesting === 1) this.open.push(t.map);
      this.block(t);
      // Only text blocks mark where the last one ended: a list's or quote's end line counts blank lines after it.
      const opened = t.nesting === -1 ? this.open.pop() : t.map;
      if (t.nesting !== 1 && t.type !== 'inline') this.ended(TEXT_BLOCKS.has(t.type) ? opened?.[1] : undefined);
    }
  }

  private ended(line: number | undefined): void {
    this.boundary = true;
    if (line !== undefined) this.lastEnd = line;
  }

  private block(t: Token): void {
    switch (t.type) {
      case 'inline':
        return this.inline(t.children ?? []);
      case 'heading_open':
      case 'heading_close':
        return this.set({ bold: t.type === 'heading_open' });
      case 'bullet_list_open':
      case 'ordered_list_open':
        this.lists.push({ ordered: t.type === 'ordered_list_open' });
        return;
      case 'bullet_list_close':
      case 'ordered_list_close':
        this.lists.pop();
        return;
      case 'list_item_open':
        return this.text(`${INDENT.repeat(this.lists.length - 1)}${this.lists[this.lists.length - 1]?.ordered ? `${t.info}${t.markup} ` : '• '}`);
      case 'blockquote_open':
      case 'blockquote_close':
        this.quoteDepth += t.nesting;
        return this.set({ quote: this.quoteDepth > 0 });
      case 'fence':
      case 'code_block':
        this.set({ pre: true });
        this.text(t.content.replace(/\n$/, ''));
        return this.set({ pre: false });
      case 'hr':
        return this.text('———');
    }
  }

  private inline(children: readonly Token[]): void {
    for (const t of children) {
      switch (t.type) {
        case 'text':
        case 'text_special':
          this.text(t.content);
          break;
        case 'softbreak':
          this.text(this.breaks ? '\n' : ' ');
          break;
        case 'hardbreak':
          this.text('\n');
          break;
        case 'code_inline':
          this.set({ code: true });
          this.text(t.content);
          this.set({ code: false });
          break;
        case 'strong_open':
        case 'strong_close':
          this.set({ bold: t.type === 'strong_open' });
          break;
        case 'em_open':
        case 'em_close':
          this.set({ italic: t.type === 'em_open' });
          break;
        case 's_open':
        case 's_close':
          this.set({ strike: t.type === 's_open' });
          break;
        case 'link_open':
          this.set({ href: safeHref(t.attrGet('href')) });
          break;
        case 'link_close':
          this.set({ href: undefined });
          break;
        case 'image':
          // No inline images in a text message: the alt text, linked to the picture.
          this.set({ href: safeHref(t.attrGet('src')) });
          this.text(t.content || String(t.attrGet('src') ?? ''));
          this.set({ href: undefined });
          break;
      }
    }
  }

  private set(change: TextStyle): void {
    const next: TextStyle = { ...this.style, ...change };
    for (const k of Object.keys(next) as (keyof TextStyle)[]) if (!next[k]) delete next[k];
    this.style = next;
  }

  private text(text: string): void {
    if (text === '') return;
    if (this.boundary && this.runs.length > 0) {
      // A break belongs to a quote only inside it, so a quote's runs never start or end with one.
      const inQuote = this.quoteDepth > 0 && this.runs[this.runs.length - 1]?.style.quote === true;
      this.push(this.nextStart > this.lastEnd ? '\n\n' : '\n', inQuote ? { quote: true } : {});
    }
    this.boundary = false;
    this.push(text, this.style);
  }

  private push(text: string, style: TextStyle): void {
    const last = this.runs[this.runs.length - 1];
    if (last && sameStyle(last.style, style)) last.text += text;
    else this.runs.push({ text, style });
  }
}

const TEXT_BLOCKS = new Set(['paragraph_close', 'heading_close', 'fence', 'code_block', 'hr']);

const safeHref = (href: string | number | null): string | undefined => (typeof href === 'string' && SAFE_HREF.test(href) ? href : undefined);

const KEYS: readonly (keyof TextStyle)[] = ['bold', 'italic', 'strike', 'code', 'pre', 'quote', 'href'];
export const sameStyle = (a: TextStyle, b: TextStyle): boolean => KEYS.every((k) => a[k] === b[k]);

/** The runs' text without any markup. */
export const plainText = (runs: readonly Run[]): string => runs.map((r) => r.text).join('');

/**
 * What starts a block at the start of a line: a heading ("# "), a quote, a list item ("- ", "+ ", "1. "),
 * a setext underline or thematic break ("===", "---"). Escaped only there, so "+34 600…" or "12.5" stay as typed.
 */
const BLOCK_START = /^([ \t]*)(#{1,6}(?=[ \t]|$)|>|[-+](?=[ \t]|$)|\d{1,9}(?=[.)](?:[ \t]|$))|[=-](?=[ \t=-]*$))/gm;

/**
 * Makes text literal for the CommonMark parser above: a citizen's `*x*`, `<b>`, `[a](javascript:…)`,
 * `# title` or `&amp;` comes out exactly as typed. Characters are escaped only where they could start
 * markup, so a URL or an e-mail address (`juan_perez@x.test`) stays readable and linkable.
 *
 * @example escapeMarkdown('*hola* [x](y)') === '\\*hola\\* \\[x\\](y)'
 */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\\`*[\]<>|]/g, '\\$&')
    .replace(/~~/g, '\\~\\~')
    .replace(/&(?=#?\w+;)/g, '\\&')
    // An underscore between two letters or digits never marks emphasis in CommonMark.
    .replace(/_/g, (u, i: number, s: string) => (/[\p{L}\p{N}]/u.test(s[i - 1] ?? '') && /[\p{L}\p{N}]/u.test(s[i + 1] ?? '') ? u : '\\_'))
    // A new line's leading spaces (four would start a code block); a paragraph drops them anyway.
    .replace(/\n[ \t]+/g, '\n')
    .replace(BLOCK_START, (_m, lead: string, mark: string) => (/\d/.test(mark) ? `${lead}${mark}\\` : `${lead}\\${mark}`));
}
