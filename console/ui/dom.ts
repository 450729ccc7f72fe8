/**
 * Attributes `h()` sets with setAttribute. `text` becomes textContent (never parsed as HTML);
 * `false`/`undefined` leave the attribute out, `true` sets it empty (e.g. `disabled`).
 */
export type Attrs = Record<string, string | number | boolean | undefined> & { text?: string };

/**
 * Creates an element. The only way the console builds DOM: text goes through textContent or
 * text nodes, so nothing a citizen or an agent types can become markup.
 *
 * @example h('button', { type: 'button', 'data-testid': 'claim-button', text: 'Atender' })
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Array<Node | string | undefined | false>
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === 'text') el.textContent = String(value ?? '');
    else if (value === true) el.setAttribute(name, '');
    else if (typeof value === 'string' || typeof value === 'number') el.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child !== undefined && child !== false) el.append(child);
  }
  return el;
}

/** Removes every child and appends the new ones. */
export function fill(el: Element, ...children: Array<Node | string | undefined | false>): void {
  el.replaceChildren(...children.filter((c): c is Node | string => c !== undefined && c !== false));
}

/**
 * The URL, if it is safe as an `<img src>` or a link: same-origin paths and http(s) only.
 * `javascript:`, `data:` and protocol-relative `//host` URLs are refused.
 */
export function safeUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  if (url.startsWith('/') && !url.startsWith('//')) return url;
  return /^https?:/i.test(url) ? url : undefined;
}

/** An `<img>` wrapped in a link to the full picture, or nothing when the URL is not safe. */
export function picture(url: string, alt: string, className = 'pic'): HTMLElement | undefined {
  const src = safeUrl(url);
  if (!src) return undefined;
  return externalLink(src, h('img', { src, alt, class: className, loading: 'lazy' }));
}

/** A link that opens in a new tab without giving the new page a handle on ours. */
export function externalLink(href: string, ...children: Array<Node | string>): HTMLAnchorElement {
  return h('a', { href, target: '_blank', rel: 'noopener noreferrer' }, ...children);
}

/** A link to the point on openstreetmap.org, labelled with its coordinates (or `label`). */
export function mapLink(point: { lat: number; lon: number }, label?: string): HTMLElement {
  const { lat, lon } = point;
  const coords = `${lat.toFixed(5)}, ${lon.toFixed(5)}`;
  if (!Number.isFinite(lat) || !Number.isFinite(lon)) return h('span', { text: label ?? coords });
  const href = `https://www.openstreetmap.org/?mlat=${lat}&mlon=${lon}#map=18/${lat}/${lon}`;
  return externalLink(href, label ?? `${coords} (OpenStreetMap)`);
}

/** A visually hidden text for screen readers. */
export function srOnly(text: string): HTMLSpanElement {
  return h('span', { class: 'sr', text });
}

/** A `<select>` with a placeholder first option (value ''). */
export function select(
  attrs: Attrs,
  placeholder: string | undefined,
  options: ReadonlyArray<{ value: string; label: string }>,
): HTMLSelectElement {
  const el = h('select', attrs);
  if (placeholder !== undefined) el.append(h('option', { value: '', text: placeholder }));
  for (const o of options) el.append(h('option', { value: o.value, text: o.label }));
  return el;
}

/** A label wrapping its control, so the control is labelled without ids. */
export function field(label: string, control: HTMLElement, className = 'field'): HTMLLabelElement {
  return h('label', { class: className }, h('span', { class: 'field-label', text: label }), control);
}
