import { XMLParser, XMLValidator } from 'fast-xml-parser';

/**
 * GeoReport v2 XML, read with fast-xml-parser (well-formedness checked by its validator first: the
 * parser alone is lenient). A DOCTYPE is refused outright: GeoReport never needs one, and refusing it
 * rules out entity-expansion attacks ("billion laughs"). Only the five predefined entities and
 * character references are decoded; any other entity is an error, not silently kept as text.
 */

/** One element: its name, attributes, child elements in order, and its own text (CDATA included). */
export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/** The input is not well-formed XML (or uses a feature refused here, such as a DOCTYPE). */
export class XmlParseError extends Error {
  constructor(message: string, readonly offset: number) {
    super(`${message} at offset ${offset}`);
    this.name = 'XmlParseError';
  }
}

const ATTRIBUTES = ':@';
const TEXT = '#text';
const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Entities are decoded below, where an unknown one is an error (the parser would keep it as text).
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  commentPropName: false,
});

type Node = Record<string, unknown> & { [ATTRIBUTES]?: Record<string, string> };

/**
 * Parses a whole document and returns its root element.
 *
 * @example
 * parseXml('<errors><error><code>403</code></error></errors>').children[0]?.children[0]?.text // '403'
 * @throws XmlParseError when the text is not one well-formed element (prolog and comments aside).
 */
export function parseXml(source: string): XmlElement {
  const text = source.replace(/^\uFEFF/, '');
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) throw new XmlParseError('DOCTYPE is not accepted', doctype.index);
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new XmlParseError(valid.err.msg, valid.err.line);
  const roots = (parser.parse(text) as Node[]).map(elementOf).filter((e): e is XmlElement => e !== undefined && !e.name.startsWith('?'));
  if (roots.length !== 1) throw new XmlParseError(`expected one root element, found ${roots.length}`, 0);
  return roots[0]!;
}

/** One node of fast-xml-parser's ordered output as an XmlElement (undefined for text nodes). */
function elementOf(node: Node): XmlElement | undefined {
  const name = Object.keys(node).find((k) => k !== ATTRIBUTES);
  if (name === undefined || name === TEXT) return undefined;
  const el: XmlElement = { name, attributes: {}, children: [], text: '' };
  for (const [k, v] of Object.entries(node[ATTRIBUTES] ?? {})) el.attributes[k] = decodeEntities(String(v));
  for (const child of (node[name] as Node[] | undefined) ?? []) {
    if (TEXT in child) el.text += decodeEntities(String(child[TEXT]));
    else if ('#cdata' in child) el.text += (child['#cdata'] as Array<Record<string, unknown>>).map((c) => String(c[TEXT] ?? '')).join('');
    else {
      const sub = elementOf(child);
      if (sub) el.children.push(sub);
    }
  }
  return el;
}

const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

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
