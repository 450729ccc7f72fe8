import type { HandoffView, TicketView } from '../protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, h, select } from './dom';
import { errorText } from './format';
import { T } from './i18n';

/**
 * Links the open conversation to a ticket: an existing reference, or a new ticket (service,
 * type, description; pre-filled from what the bot collected). Needs the conversation held.
 */
export class TicketPanel {
  readonly el: HTMLElement;
  private readonly set = h('fieldset', { class: 'ticket-set' });
  private readonly linked = h('p', { class: 'linked', hidden: true });
  private readonly reference = h('input', { type: 'text', required: true, autocomplete: 'off', 'data-testid': 'ticket-reference' });
  private readonly service: HTMLSelectElement;
  private readonly type = select({ 'data-testid': 'ticket-type' }, undefined,
    (['solicitud', 'reclamo', 'consulta'] as const).map((t) => ({ value: t, label: T.types[t] ?? t })));
  private readonly description = h('textarea', { rows: 3, required: true, 'data-testid': 'ticket-description' });
  private readonly status = h('p', { role: 'status', class: 'muted' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private handoff: HandoffView | undefined;

  constructor(private readonly ctx: Ctx, private readonly done: (ticket: TicketView) => void) {
    this.service = select({ required: true, 'data-testid': 'ticket-service' }, T.ticket.pickService,
      ctx.me.services.map((s) => ({ value: s.code, label: s.name })));
    const attach = h('form', { class: 'row', 'aria-label': T.ticket.reference },
      field(T.ticket.reference, this.reference, 'field grow'),
      h('button', { type: 'submit', 'data-testid': 'ticket-attach', text: T.ticket.attach }));
    const create = h('form', { 'aria-label': T.ticket.createTitle },
      h('h3', { text: T.ticket.createTitle }),
      field(T.ticket.service, this.service), field(T.ticket.type, this.type), field(T.ticket.description, this.description),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'ticket-create', text: T.ticket.create }));
    this.set.append(h('legend', { class: 'sr', text: T.ticket.title }), attach, create);
    this.el = h('section', { class: 'ticket-panel', 'aria-labelledby': 'ticket-title', hidden: true },
      h('h2', { id: 'ticket-title', text: T.ticket.title }), this.linked, this.set, this.error, this.status);
    this.onSubmit(attach, () => ({ reference: this.reference.value.trim() }));
    this.onSubmit(create, () => ({
      create: { service: this.service.value, type: this.type.value, description: this.description.value.trim() },
    }));
  }

  setHandoff(handoff: HandoffView | undefined): void {
    const changed = handoff?.id !== this.handoff?.id;
    this.handoff = handoff;
    this.el.hidden = handoff === undefined;
    if (!handoff) return;
    const ref = handoff.ticketReference ?? handoff.summary.ticketReference;
    this.linked.hidden = !ref;
    this.linked.textContent = ref ? `${T.ticket.linked}: ${ref}` : '';
    this.set.disabled = !this.ctx.holds(handoff);
    if (changed) this.prefill(handoff);
  }

  private prefill(handoff: HandoffView): void {
    this.reference.value = '';
    this.service.value = handoff.summary.service ?? '';
    this.type.value = handoff.summary.type ?? 'solicitud';
    // A code the catalog no longer has would leave the select with nothing chosen.
    if (this.service.selectedIndex < 0) this.service.value = '';
    if (this.type.selectedIndex < 0) this.type.value = 'solicitud';
    this.description.value = handoff.summary.description ?? '';
    this.status.textContent = '';
    this.error.hidden = true;
  }

  private onSubmit(form: HTMLFormElement, body: () => unknown): void {
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const handoff = this.handoff;
      if (!handoff || this.set.disabled) return;
      this.set.disabled = true;
      this.error.hidden = true;
      this.ctx.api.post<TicketView>(`/handoffs/${seg(handoff.id)}/ticket`, body())
        .then((ticket) => {
          this.status.textContent = T.ticket.done(ticket.reference);
          this.reference.value = '';
          this.done(ticket);
        }, (err: unknown) => {
          this.error.textContent = errorText(err);
          this.error.hidden = false;
        })
        .finally(() => {
          if (this.handoff) this.set.disabled = !this.ctx.holds(this.handoff);
        });
    });
  }
}
