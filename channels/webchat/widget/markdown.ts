import { h } from './dom';

/**
 * The small markdown subset bots send: **bold**, _italic_ / *italic*, [links](https://…),
 * bare URLs and line breaks. Everything else stays literal text: the output is built from
 * text nodes and elements, never from an HTML string, so `<img onerror>` in a message is inert.
 *
 * No lookbehind in the pattern on purpose: a regex syntax error would kill the whole bundle
 * on older Safari, so the italic rule captures its left boundary instead.
 */
const TOKEN =
  /\*\*(.+?)\*\*|(^|[^\w])_(.+?)_(?!\w)|\*(?!\s)(.+?)\*|\[([^\]\n]+)\]\(([^)\s]+)\)|(https?:\/\/[^\s<]*[^\s<.,;:!?)\]'"])/g;

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
  text.split(/\r?\n/).forEach((line, i) => {
    if (i > 0) frag.append(h('br'));
    appendInline(frag, line);
  });
  return frag;
}

function appendInline(parent: Node, text: string): void {
  const re = new RegExp(TOKEN.source, 'g');
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const [whole, bold, italicLead, italic, star, linkText, linkUrl, bare] = m;
    let start = m.index;
    if (italic !== undefined) start += (italicLead ?? '').length; // keep the boundary char as text
    parent.appendChild(document.createTextNode(text.slice(last, start)));
    last = m.index + whole.length;
    if (bold !== undefined) parent.appendChild(inline('strong', bold));
    else if (italic !== undefined) parent.appendChild(inline('em', italic));
    else if (star !== undefined) parent.appendChild(inline('em', star));
    else if (linkText !== undefined) parent.appendChild(link(linkText, linkUrl ?? ''));
    else if (bare !== undefined) parent.appendChild(link(bare, bare));
  }
  parent.appendChild(document.createTextNode(text.slice(last)));
}

function inline(tag: 'strong' | 'em', inner: string): HTMLElement {
  const el = h(tag);
  appendInline(el, inner);
  return el;
}

function link(label: string, raw: string): Node {
  const href = safeUrl(raw);
  if (!href) return document.createTextNode(label);
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer', text: label });
}
