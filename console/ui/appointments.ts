import type { OfficeAppointment, OfficeDay } from '../appointment-protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h, select } from './dom';
import { showError } from './format';
import { T } from './i18n';

/**
 * The office desk's day of appointments (issue 16 part 1): pick an office and a day, see who is expected
 * when (by reference and procedure: the citizen shows the reference at the desk), and mark each
 * appointment attended or not. Opens on today at the first office.
 */
export class AppointmentsView {
  readonly el: HTMLElement;
  private readonly office: HTMLSelectElement = select({ 'data-testid': 'appointments-office' }, undefined, []);
  private readonly day = h('input', { type: 'date', 'data-testid': 'appointments-day' });
  private readonly list = h('div', { 'data-testid': 'appointments-list' });
  private readonly status = h('p', { class: 'muted', role: 'status', 'data-testid': 'appointments-status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    const A = T.appointments;
    const form = h('form', { class: 'row', 'aria-label': A.pick }, field(A.office, this.office), field(A.day, this.day),
      h('button', { type: 'submit', 'data-testid': 'appointments-show', text: A.show }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load();
    });
    this.el = h('section', { class: 'view appointments', id: 'view-appointments', role: 'tabpanel', 'aria-labelledby': 'appointments-title', 'data-testid': 'appointments-view', hidden: true },
      h('h2', { id: 'appointments-title', text: A.title }), form, this.error, this.status, this.list);
  }

  setActive(active: boolean): void {
    this.el.hidden = !active;
    if (active && !this.loaded) void this.load();
  }

  private async load(): Promise<void> {
    this.error.hidden = true;
    const query = new URLSearchParams();
    if (this.office.value) query.set('office', this.office.value);
    if (this.day.value) query.set('day', this.day.value);
    try {
      const day = await this.ctx.api.get<OfficeDay>(`/appointments${query.size ? `?${query}` : ''}`);
      this.loaded = true;
      if (this.office.options.length === 0) for (const o of day.offices) this.office.append(h('option', { value: o.code, text: o.name }));
      this.office.value = day.office;
      this.day.value = day.day;
      this.render(day);
    } catch (err) {
      showError(this.error, err);
    }
  }

  private render(day: OfficeDay): void {
    const A = T.appointments;
    if (day.items.length === 0) {
      fill(this.list, h('p', { class: 'muted', 'data-testid': 'appointments-none', text: A.none }));
      return;
    }
    const time = new Intl.DateTimeFormat('es-ES', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: day.timezone });
    const rows = day.items.map((a) => h('tr', { 'data-testid': 'appointment-row', 'data-reference': a.reference },
      h('td', {}, h('time', { datetime: a.start, text: time.format(new Date(a.start)) })),
      h('th', { scope: 'row', text: a.reference }),
      h('td', { text: a.byRepresentative ? `${a.procedureName} · ${A.byRepresentative}` : a.procedureName }),
      h('td', { 'data-testid': 'appointment-status', text: A.statuses[a.status] ?? a.status }),
      h('td', {}, ...this.actions(a))));
    fill(this.list, h('table', {},
      h('caption', { text: A.caption(day.items.length) }),
      h('thead', {}, h('tr', {}, ...[A.time, A.reference, A.procedure, A.status, A.mark].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...rows)));
  }

  private actions(a: OfficeAppointment): HTMLElement[] {
    if (a.status !== 'booked') return [];
    const A = T.appointments;
    const mark = (status: 'attended' | 'no-show', label: string, testid: string) => {
      const b = h('button', { type: 'button', class: 'small', 'data-testid': testid, 'aria-label': `${label}: ${a.reference}`, text: label });
      b.addEventListener('click', () => void this.mark(a.reference, status));
      return b;
    };
    return [mark('attended', A.attended, 'appointment-attended'), mark('no-show', A.noShow, 'appointment-no-show')];
  }

  private async mark(reference: string, status: 'attended' | 'no-show'): Promise<void> {
    this.error.hidden = true;
    try {
      await this.ctx.api.post(`/appointments/${seg(reference)}/attendance`, { status });
      this.status.textContent = T.appointments.marked(reference, T.appointments.statuses[status] ?? status);
      await this.load();
    } catch (err) {
      showError(this.error, err);
    }
  }

}
