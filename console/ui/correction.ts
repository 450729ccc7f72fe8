import type { CorrectionView } from '../protocol';
import type { Ctx } from './context';
import { field, h, select } from './dom';
import { showError, typeName } from './format';
import { T } from './i18n';

/**
 * "Corregir clasificación": an agent sets the service and type the bot should have understood, for a
 * handoff (`/handoffs/:id/correction`) or a ticket (`/tickets/:reference/correction`). The server keeps
 * it as a labelled example and every bot process learns it. Folded by default: it is a rare act.
 *
 * @example correctionControl(ctx, `/handoffs/${seg(id)}/correction`, { service: 'alumbrado', type: 'reclamo' }, onDone)
 */
export function correctionControl(
  ctx: Ctx,
  path: string,
  current: { service?: string | undefined; type?: string | undefined },
  onDone?: (c: CorrectionView) => void,
): HTMLElement {
  const service = select({ required: true, 'data-testid': 'correction-service' }, T.ticket.pickService,
    ctx.me.services.map((s) => ({ value: s.code, label: s.name })));
  const type = select({ required: true, 'data-testid': 'correction-type' }, undefined,
    (['solicitud', 'reclamo', 'consulta'] as const).map((t) => ({ value: t, label: T.types[t] ?? t })));
  service.value = current.service ?? '';
  if (service.selectedIndex < 0) service.value = '';
  type.value = current.type ?? 'reclamo';
  if (type.selectedIndex < 0) type.value = 'reclamo';
  const submit = h('button', { type: 'submit', 'data-testid': 'correction-submit', text: T.correction.submit });
  const status = h('p', { role: 'status', class: 'muted', 'data-testid': 'correction-status' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const form = h('form', { class: 'correction-form', 'aria-label': T.correction.title },
    field(T.correction.service, service), field(T.correction.type, type), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!service.value) return;
    submit.disabled = true;
    error.hidden = true;
    status.textContent = '';
    ctx.api.post<CorrectionView>(path, { service: service.value, type: type.value })
      .then((c) => {
        status.textContent = T.correction.done(ctx.serviceName(c.service), typeName(c.type), c.ticketUpdated);
        onDone?.(c);
      }, (err: unknown) => {
        showError(error, err);
      })
      .finally(() => (submit.disabled = false));
  });
  return h('details', { class: 'correction', 'data-testid': 'correction' },
    h('summary', { text: T.correction.title }), h('p', { class: 'muted', text: T.correction.hint }), form, error, status);
}
