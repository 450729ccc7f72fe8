import { parseMarkdown, type Run } from '../../render/markdown';
import { h } from './dom';

/*
 * The bot's text as Microsoft's Web Chat shows it: CommonMark read by the same parser (markdown-it), a
 * lone newline a space and a hard break a new line, bare URLs linked. The output is built from text nodes
 * and a few elements (strong, em, s, code, pre, blockquote, a, br), never from an HTML string, so
 * `<img onerror>` in a message is inert text; links go only to http, https, mailto and tel.
 */

const LINK_PROTOCOLS = ['http:', 'https:', 'mailto:', 'tel:'];

/** The absolute URL if it uses an allowed protocol; `undefined` for `javascript:` and friends. */
export function safeUrl(raw: string, protocols: readonly string[] = LINK_PROTOCOLS): string | undefined {
  try {
    const url = new URL(raw, location.href);
    return protocols.includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined; // not a URL at all: the caller shows the text instead
  }
}

export function renderMarkdown(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const block of stretches(parseMarkdown(text, { breaks: false, linkify: true }), (r) => (r.style.pre ? 'pre' : r.style.quote ? 'quote' : ''))) {
    const first = block[0]!.style;
    if (first.pre) frag.append(h('pre', {}, h('code', { text: block.map((r) => r.text).join('') })));
    else if (first.quote) frag.append(h('blockquote', {}, inline(block)));
    else frag.append(inline(block));
  }
  return frag;
}

function inline(runs: readonly Run[]): DocumentFragment {
  const frag = document.createDocumentFragment();
  for (const group of stretches(runs, (r) => r.style.href ?? '')) {
    const href = group[0]!.style.href;
    const safe = href === undefined ? undefined : safeUrl(href);
    const parent: Node = safe ? frag.appendChild(h('a', { href: safe, target: '_blank', rel: 'noopener noreferrer' })) : frag;
    for (const r of group) parent.appendChild(styled(r));
  }
  return frag;
}

function styled(run: Run): Node {
  let node: Node = lines(run.text);
  const wrap = (tag: 'code' | 's' | 'em' | 'strong'): void => void (node = h(tag, {}, node));
  if (run.style.code) wrap('code');
  if (run.style.strike) wrap('s');
  if (run.style.italic) wrap('em');
  if (run.style.bold) wrap('strong');
  return node;
}

/** Text with a `<br>` for each new line. */
function lines(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  text.split('\n').forEach((line, i) => {
    if (i > 0) frag.append(h('br'));
    if (line !== '') frag.append(document.createTextNode(line));
  });
  return frag;
}

/** Consecutive runs that agree on `key`, in order. */
function stretches(runs: readonly Run[], key: (r: Run) => string): Run[][] {
  const out: Run[][] = [];
  for (const r of runs) {
    const last = out[out.length - 1];
    if (last && key(last[0]!) === key(r)) last.push(r);
    else out.push([r]);
  }
  return out;
}
