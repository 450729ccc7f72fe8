import type { SqlErasureCounts } from '../../privacy/erase-sql';
import type { ErasureCounts, ErasureRequest } from '../../privacy/erasure';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h } from './dom';
import { channelName, showError, when } from './format';
import { T } from './i18n';

const BASE = '/admin/erasures';

/** "12 mensajes, 2 conversaciones…": the kinds with something in them. */
function countsText(counts: Partial<ErasureCounts> | SqlErasureCounts): string {
  const parts = Object.entries(counts).filter(([, n]) => typeof n === 'number' && n > 0).map(([k, n]) => `${n} ${T.erasure.counts[k] ?? k}`);
  return parts.length ? parts.join(', ') : T.none;
}

/**
 * A two-step button: the first press shows what it does and a second, explicit button (and Cancel) that
 * does it. Focus moves to the second button, and back to the first on Cancel.
 */
function confirmButton(label: string, really: string, warning: string, testId: string, run: () => Promise<void>): HTMLElement {
  const start = h('button', { type: 'button', class: 'danger', 'data-testid': testId, text: label });
  const doIt = h('button', { type: 'button', class: 'danger', 'data-testid': `${testId}-really`, text: really });
  const cancel = h('button', { type: 'button', text: T.cancel });
  const ask = h('div', { class: 'row', role: 'group', 'aria-label': label, hidden: true }, h('p', { class: 'muted', text: warning }), doIt, cancel);
  start.addEventListener('click', () => {
    ask.hidden = false;
    start.hidden = true;
    doIt.focus();
  });
  cancel.addEventListener('click', () => {
    ask.hidden = true;
    start.hidden = false;
    start.focus();
  });
  doIt.addEventListener('click', () => {
    doIt.disabled = true;
    void run().finally(() => {
      doIt.disabled = false;
      ask.hidden = true;
      start.hidden = false;
    });
  });
  return h('div', {}, start, ask);
}

/**
 * Pending erasure requests for admins (issue 15 part 4), in the admin area: who asked, on which channel
 * and when; "Revisar" shows what erasing would remove now, with "Borrar los datos" (confirmed a second
 * time) and a rejection with its reason, which the citizen is sent.
 */
export class ErasureView {
  readonly el: HTMLElement;
  private readonly list = h('div', { class: 'admin-list' });
  private readonly detail = h('div', { 'data-testid': 'erasure-detail' });
  private readonly status = h('p', { role: 'status', class: 'muted', 'data-testid': 'erasure-status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });

  constructor(private readonly ctx: Ctx) {
    this.el = h('section', { class: 'panel', 'aria-labelledby': 'erasure-title', 'data-testid': 'erasure-view' },
      h('h3', { id: 'erasure-title', text: T.erasure.title }), h('p', { class: 'muted', text: T.erasure.help }),
      this.error, this.status, this.list, this.detail);
  }

  /** Reads the pending requests (ids, channels and dates: nothing of what the citizen said). */
  async load(): Promise<void> {
    this.error.hidden = true;
    try {
      const { items } = await this.ctx.api.get<{ items: ErasureRequest[] }>(BASE);
      this.render(items);
    } catch (err) {
      showError(this.error, err);
    }
  }

  private render(items: ErasureRequest[]): void {
    const E = T.erasure;
    this.list.replaceChildren();
    if (items.length === 0) {
      this.list.append(h('p', { class: 'muted', 'data-testid': 'erasure-none', text: E.none }));
      return;
    }
    const rows = items.map((r) => {
      const open = h('button', { type: 'button', class: 'small', 'data-testid': 'erasure-open', 'aria-label': E.reviewLabel(r.citizenId), text: E.review });
      open.addEventListener('click', () => void this.open(r.id));
      return h('tr', { 'data-testid': 'erasure-request', 'data-id': r.id, 'data-citizen': r.citizenId },
        h('th', { scope: 'row', text: r.citizenId }),
        h('td', { text: channelName(r.channel) }),
        h('td', {}, h('time', { datetime: r.createdAt, title: r.createdAt, text: when(r.createdAt) })),
        h('td', { text: r.requestedBy === 'citizen' ? E.byCitizen : r.requestedBy }),
        h('td', {}, open));
    });
    this.list.append(h('table', {},
      h('caption', { text: `${E.caption} (${E.pending(items.length)})` }),
      h('thead', {}, h('tr', {}, ...[E.citizen, E.channel, E.date, E.requestedBy, E.review].map((c) => h('th', { scope: 'col', text: c })))),
      h('tbody', {}, ...rows)));
  }

  /** One request: what would go, and the two decisions. */
  private async open(id: string): Promise<void> {
    const E = T.erasure;
    this.error.hidden = true;
    try {
      const { request, preview } = await this.ctx.api.get<{ request: ErasureRequest; preview: SqlErasureCounts | null }>(`${BASE}/${seg(id)}`);
      const reason = h('textarea', { rows: 2, maxlength: 500, required: true, 'data-testid': 'erasure-reason' });
      const reject = h('form', { class: 'row', 'aria-label': E.reject },
        field(E.reason, reason), h('button', { type: 'submit', 'data-testid': 'erasure-reject', text: E.reject }));
      reject.addEventListener('submit', (e) => {
        e.preventDefault();
        void this.decide(this.ctx.api.post(`${BASE}/${seg(id)}/reject`, { reason: reason.value }).then(() => E.rejected));
      });
      const titleId = `erasure-detail-${id}`;
      const panel = h('section', { class: 'panel', 'aria-labelledby': titleId },
        h('h4', { id: titleId, tabindex: -1, text: E.detailTitle(request.citizenId) }),
        h('p', { 'data-testid': 'erasure-preview' }, `${E.willErase} ${preview ? countsText(preview) : T.none}`),
        h('p', { class: 'muted', text: E.alsoRedis }),
        confirmButton(E.confirm, E.confirmReally, E.alsoRedis, 'erasure-confirm', () =>
          this.decide(this.ctx.api.post<{ removed: ErasureCounts }>(`${BASE}/${seg(id)}/confirm`).then((r) => E.done(countsText(r.removed))))),
        reject);
      fill(this.detail, panel);
      (panel.querySelector('h4') as HTMLElement).focus();
    } catch (err) {
      showError(this.error, err);
    }
  }

  private async decide(done: Promise<string>): Promise<void> {
    try {
      this.status.textContent = await done;
      this.detail.replaceChildren();
      await this.load();
    } catch (err) {
      showError(this.error, err);
    }
  }

}

/** Admins, in the citizen 360 view: erase this citizen now (confirmed a second time). */
export function eraseCitizenControl(ctx: Ctx, citizenId: string): HTMLElement {
  const E = T.erasure;
  const status = h('p', { role: 'status', class: 'muted', 'data-testid': 'citizen-erase-status' });
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const run = async (): Promise<void> => {
    error.hidden = true;
    try {
      const { removed } = await ctx.api.post<{ removed: ErasureCounts }>(`/admin/citizens/${seg(citizenId)}/erasure`);
      status.textContent = E.done(countsText(removed));
    } catch (err) {
      showError(error, err);
    }
  };
  return h('div', { class: 'block', 'data-testid': 'citizen-erase' },
    confirmButton(E.eraseCitizen, E.confirmReally, E.eraseCitizenHelp, 'citizen-erase-start', run), status, error);
}
