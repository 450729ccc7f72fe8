import type { HandoffSummary } from '../protocol';
import type { Ctx } from './context';
import { h, mapLink, picture } from './dom';
import { typeName } from './format';
import { T } from './i18n';

/** What the bot had collected before the handoff, as a definition list (empty fields left out). */
export function renderSummary(summary: HandoffSummary, ticketReference: string | undefined, ctx: Ctx): HTMLElement {
  const rows: Array<[string, Node | string]> = [];
  if (summary.type) rows.push([T.summary.type, typeName(summary.type)]);
  if (summary.service) rows.push([T.summary.service, ctx.serviceName(summary.service)]);
  if (summary.description) rows.push([T.summary.description, summary.description]);
  const place = placeNode(summary);
  if (place) rows.push([summary.address ? T.summary.address : T.summary.point, place]);
  const photos = (summary.photos ?? []).map((url, i) => picture(url, T.summary.photo(i + 1))).filter((p) => p !== undefined);
  if (photos.length) rows.push([T.summary.photos, h('span', { class: 'pics' }, ...photos)]);
  const contact = contactText(summary.contact);
  if (contact) rows.push([T.summary.contact, contact]);
  const ticket = ticketReference ?? summary.ticketReference;
  if (ticket) rows.push([T.summary.ticket, ticket]);

  const box = h('details', { class: 'summary', open: true, 'data-testid': 'summary' },
    h('summary', { text: T.summary.title }));
  if (summary.hazard) box.append(h('p', { class: 'badge badge-hazard', text: `⚠ ${T.summary.hazard}` }));
  if (!rows.length) {
    box.append(h('p', { class: 'muted', text: T.summary.empty }));
    return box;
  }
  const dl = h('dl');
  for (const [term, value] of rows) dl.append(h('dt', { text: term }), h('dd', {}, value));
  box.append(dl);
  return box;
}

function placeNode(summary: HandoffSummary): Node | undefined {
  if (!summary.address && !summary.point) return undefined;
  const wrap = h('span', {}, summary.address ?? '');
  if (summary.point) {
    if (summary.address) wrap.append(' ');
    wrap.append(mapLink(summary.point));
  }
  return wrap;
}

function contactText(contact: HandoffSummary['contact']): string {
  if (!contact) return '';
  return [contact.name, contact.phone, contact.email].filter(Boolean).join(' · ');
}
