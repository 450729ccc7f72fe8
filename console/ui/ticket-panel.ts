import type { HandoffView, TicketView } from '../protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h, safeUrl, select } from './dom';
import { errorText } from './format';
import { T } from './i18n';

/**
 * Links the open conversation to a ticket: an existing reference, or a new ticket (service, type,
 * description, place and photos; pre-filled from what the bot collected, each one the agent's to change).
 * Needs the conversation held.
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
  private readonly address = h('input', { type: 'text', maxlength: 300, autocomplete: 'off', 'data-testid': 'ticket-address' });
  private readonly lat = h('input', { type: 'number', step: 'any', min: -90, max: 90, 'data-testid': 'ticket-lat' });
  private readonly lon = h('input', { type: 'number', step: 'any', min: -180, max: 180, 'data-testid': 'ticket-lon' });
  /** One checkbox per photo the citizen sent the bot, by its index in the summary. */
  private readonly photos = h('fieldset', { class: 'ticket-photos', 'data-testid': 'ticket-photos' });
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
      field(T.ticket.address, this.address),
      h('div', { class: 'row' }, field(T.ticket.lat, this.lat, 'field grow'), field(T.ticket.lon, this.lon, 'field grow')),
      this.photos,
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'ticket-create', text: T.ticket.create }));
    this.set.append(h('legend', { class: 'sr', text: T.ticket.title }), attach, create);
    this.el = h('section', { class: 'ticket-panel', 'aria-labelledby': 'ticket-title', hidden: true },
      h('h2', { id: 'ticket-title', text: T.ticket.title }), this.linked, this.set, this.error, this.status);
    this.onSubmit(attach, () => ({ reference: this.reference.value.trim() }));
    this.onSubmit(create, () => ({
      create: { service: this.service.value, type: this.type.value, description: this.description.value.trim(), ...this.place() },
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
    this.address.value = handoff.summary.address ?? '';
    this.lat.value = handoff.summary.point ? String(handoff.summary.point.lat) : '';
    this.lon.value = handoff.summary.point ? String(handoff.summary.point.lon) : '';
    const photos = (handoff.summary.photos ?? []).map((url, i) => {
      const box = h('input', { type: 'checkbox', checked: true, value: String(i), 'data-testid': 'ticket-photo' });
      const src = safeUrl(url);
      return h('label', { class: 'pic-choice' }, box, src ? h('img', { src, alt: T.summary.photo(i + 1), class: 'pic' }) : T.summary.photo(i + 1));
    });
    fill(this.photos, h('legend', { text: T.ticket.photos }), ...(photos.length ? photos : [h('p', { class: 'muted', text: T.ticket.noPhotos })]));
    this.status.textContent = '';
    this.error.hidden = true;
  }

  /** Place and photos as the form has them now: an emptied field removes the bot's value. */
  private place(): { address: string; point: { lat: number; lon: number } | null; photos: number[] } {
    const lat = this.lat.valueAsNumber;
    const lon = this.lon.valueAsNumber;
    const photos = [...this.photos.querySelectorAll<HTMLInputElement>('input[type="checkbox"]:checked')].map((b) => Number(b.value));
    return { address: this.address.value.trim(), point: Number.isFinite(lat) && Number.isFinite(lon) ? { lat, lon } : null, photos };
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
