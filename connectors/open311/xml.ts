/**
 * A small, strict XML reader for the subset GeoReport v2 servers answer with: elements, attributes,
 * text, CDATA, comments, processing instructions and the five predefined entities plus character
 * references. A DOCTYPE is refused outright: GeoReport never needs one, and refusing it rules out
 * entity-expansion attacks ("billion laughs") without having to implement DTDs.
 *
 * Node has no XML parser and the project takes no dependency for this subset; keep it that way
 * unless a server needs namespaces or DTDs (none of the GeoReport v2 servers we know does).
 */

/** One element: its name, attributes, child elements in order, and its own text (CDATA included). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The input is not well-formed XML (or uses a feature this reader refuses, such as a DOCTYPE). */
export class XmlParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlParseError';
  }
}

const NAME = /[A-Za-z_:][\w.:-]*/y;
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/**
 * Parses a whole document and returns its root element.
 *
 * @example
 * parseXml('<errors><error><code>403</code></error></errors>').children[0]?.children[0]?.text // '403'
 * @throws XmlParseError when the text is not one well-formed element (prolog and comments aside).
 */
export function parseXml(source: string): XmlElement {
  const reader = new Reader(source.replace(/^\uFEFF/, ''));
  reader.skipMisc();
  const root = reader.element();
  reader.skipMisc();
  if (!reader.done()) reader.fail('content after the root element');
  return root;
}

/** Decodes entity and character references in text or an attribute value. */
export function decodeEntities(raw: string, offset = 0): string {
  return raw.replace(/&([^;&\s]*);?/g, (match, ref: string) => {
    if (!match.endsWith(';')) throw new XmlParseError(`unterminated reference "${match}"`, offset);
    const named = ENTITIES[ref];
    if (named !== undefined) return named;
    const code = /^#x[0-9a-f]+$/i.test(ref) ? parseInt(ref.slice(2), 16) : /^#\d+$/.test(ref) ? parseInt(ref.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code > 0x10ffff) throw new XmlParseError(`unknown entity "${match}"`, offset);
    return String.fromCodePoint(code);
  });
}

class Reader {
  private pos = 0;
  constructor(private readonly src: string) {}

  done(): boolean {
    return this.pos >= this.src.length;
  }

  fail(message: string): never {
    throw new XmlParseError(message, this.pos);
  }

  /** Whitespace, comments and processing instructions (the `<?xml …?>` declaration among them). */
  skipMisc(): void {
    for (;;) {
      this.skipSpace();
      if (this.src.startsWith('<!--', this.pos)) this.skipPast('-->', 'unterminated comment');
      else if (this.src.startsWith('<?', this.pos)) this.skipPast('?>', 'unterminated processing instruction');
      else if (this.src.startsWith('<!DOCTYPE', this.pos)) this.fail('DOCTYPE is not accepted');
      else return;
    }
  }

  element(): XmlElement {
    if (this.src[this.pos] !== '<') this.fail('expected an element');
    this.pos++;
    const name = this.name();
    const attributes = this.attributes();
    const el: XmlElement = { name, attributes, children: [], text: '' };
    if (this.src.startsWith('/>', this.pos)) {
      this.pos += 2;
      return el;
    }
    this.expect('>');
    this.content(el);
    return el;
  }

  private content(el: XmlElement): void {
    for (;;) {
      const lt = this.src.indexOf('<', this.pos);
      if (lt < 0) this.fail(`unclosed element <${el.name}>`);
      el.text += decodeEntities(this.src.slice(this.pos, lt), this.pos);
      this.pos = lt;
      if (this.src.startsWith('</', lt)) return this.closeTag(el.name);
      if (this.src.startsWith('<![CDATA[', lt)) {
        const end = this.src.indexOf(']]>', lt);
        if (end < 0) this.fail('unterminated CDATA section');
        el.text += this.src.slice(lt + 9, end);
        this.pos = end + 3;
      } else if (this.src.startsWith('<!--', lt)) this.skipPast('-->', 'unterminated comment');
      else if (this.src.startsWith('<?', lt)) this.skipPast('?>', 'unterminated processing instruction');
      else el.children.push(this.element());
    }
  }

  private closeTag(expected: string): void {
    this.pos += 2;
    const name = this.name();
    if (name !== expected) this.fail(`</${name}> closes <${expected}>`);
    this.skipSpace();
    this.expect('>');
  }

  private attributes(): Record<string, string> {
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = this.pos;
      this.skipSpace();
      const c = this.src[this.pos];
      if (c === '>' || c === '/' || c === undefined) return attrs;
      if (this.pos === before) this.fail('expected whitespace before an attribute');
      const name = this.name();
      this.skipSpace();
      this.expect('=');
      this.skipSpace();
      const quote = this.src[this.pos];
      if (quote !== '"' && quote !== "'") this.fail('expected a quoted attribute value');
      const end = this.src.indexOf(quote, this.pos + 1);
      if (end < 0) this.fail('unterminated attribute value');
      if (name in attrs) this.fail(`duplicate attribute "${name}"`);
      attrs[name] = decodeEntities(this.src.slice(this.pos + 1, end), this.pos);
      this.pos = end + 1;
    }
  }

  private name(): string {
    NAME.lastIndex = this.pos;
    const m = NAME.exec(this.src);
    if (!m) this.fail('expected a name');
    this.pos += m[0].length;
    return m[0];
  }

  private expect(s: string): void {
    if (!this.src.startsWith(s, this.pos)) this.fail(`expected "${s}"`);
    this.pos += s.length;
  }

  private skipSpace(): void {
    while (/\s/.test(this.src[this.pos] ?? '')) this.pos++;
  }

  private skipPast(end: string, message: string): void {
    const at = this.src.indexOf(end, this.pos);
    if (at < 0) this.fail(message);
    this.pos = at + end.length;
  }
}
