import type { Citizen360, TicketView } from '../protocol';
import type { Ctx } from './context';
import { seg } from './api';
import { correctionControl } from './correction';
import { eraseCitizenControl } from './erasure';
import { h } from './dom';
import { channelBadge, statusName, typeName, when } from './format';
import { T } from './i18n';

/**
 * The citizen 360 view: every channel they use, every ticket, past conversations and past
 * handoffs with their satisfaction answer.
 */
export function renderCitizen(citizen: Citizen360, ctx: Ctx, currentConversation: string): HTMLElement {
  return h('section', { class: 'citizen', 'aria-labelledby': 'citizen-title', 'data-testid': 'citizen-360' },
    h('h2', { id: 'citizen-title', text: T.citizen.title }),
    h('p', { class: 'citizen-name', text: citizen.name ?? T.conv.anonymous }),
    ctx.me.agent.role === 'admin' ? dataCopyLinks(citizen.citizenId) : undefined,
    ctx.me.agent.role === 'admin' ? eraseCitizenControl(ctx, citizen.citizenId) : undefined,
    block(T.citizen.identities, citizen.identities.map((i) =>
      h('li', {}, channelBadge(i.channel), ' ', h('span', { class: 'muted', text: i.verified ? T.citizen.verified : T.citizen.unverified })))),
    block(T.citizen.tickets, [...citizen.tickets].sort(byUpdatedDesc).map((t) => ticketItem(t, ctx))),
    block(T.citizen.conversations, citizen.conversations.map((c) =>
      h('li', { class: c.key === currentConversation ? 'current' : undefined },
        channelBadge(c.channel), ` ${when(c.startedAt)} → ${when(c.lastActivityAt)}`))),
    block(T.citizen.handoffs, citizen.handoffs.map((x) =>
      h('li', {},
        h('div', {}, `${when(x.createdAt, true)} · ${ctx.teamName(x.team)} · `, h('span', { class: `st st-${x.status}`, text: statusName(x.status) })),
        x.resolution ? h('div', { class: 'muted', text: x.resolution }) : undefined,
        h('div', { class: 'muted', text: x.satisfaction !== undefined ? `★ ${T.citizen.satisfaction(x.satisfaction)}` : T.citizen.noAnswer })))),
  );
}

/** Downloads of the citizen's copy of their data (each one recorded in the audit log by the server). */
function dataCopyLinks(citizenId: string): HTMLElement {
  const base = `/console/api/admin/citizens/${seg(citizenId)}/data-copy`;
  return h('p', { class: 'muted', 'data-testid': 'data-copy' }, `${T.citizen.dataCopy} `,
    h('a', { href: base, download: '', 'data-testid': 'data-copy-json', text: T.citizen.dataCopyJson }), ' · ',
    h('a', { href: `${base}/text`, download: '', 'data-testid': 'data-copy-text', text: T.citizen.dataCopyText }));
}

function block(title: string, items: HTMLElement[]): HTMLElement {
  return h('div', { class: 'block' },
    h('h3', { text: `${title} (${items.length})` }),
    items.length ? h('ul', { class: 'plain' }, ...items) : h('p', { class: 'muted', text: T.none }));
}

function ticketItem(t: TicketView, ctx: Ctx): HTMLElement {
  return h('li', { class: 'ticket', 'data-testid': 'citizen-ticket', 'data-reference': t.reference },
    h('div', {}, h('strong', { text: t.reference }), ' ', h('span', { class: `tstatus ts-${t.status}`, text: T.ticketStatus[t.status] ?? t.status })),
    h('div', { text: `${typeName(t.type)} · ${ctx.serviceName(t.service)}` }),
    t.note ? h('div', { class: 'desc' }, h('span', { class: 'muted', text: `${T.citizen.officeNote}: ` }), t.note) : undefined,
    t.onBehalf ? h('div', { 'data-testid': 'ticket-on-behalf', text: T.citizen.onBehalf(t.onBehalf.representative, t.onBehalf.represented, t.onBehalf.byThisCitizen) }) : undefined,
    h('div', { class: 'muted', text: T.citizen.ticketDates(when(t.createdAt, true), when(t.updatedAt)) }),
    correctionControl(ctx, `/tickets/${seg(t.reference)}/correction`, t),
  );
}

const byUpdatedDesc = (a: TicketView, b: TicketView): number => (b.updatedAt > a.updatedAt ? 1 : b.updatedAt < a.updatedAt ? -1 : 0);
