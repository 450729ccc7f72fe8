import type { RepresentationDecision, RepresentationItem } from '../representation-protocol';
import { seg } from './api';
import type { Ctx } from './context';
import { field, fill, h } from './dom';
import { channelName, showError, when } from './format';
import { T } from './i18n';

const BASE = '/representations';

/**
 * Requests to act for someone else (issue 16 part 4), in the supervisor view: who asks, for whom, why,
 * and the proof they sent (opened in a new tab; the opening is recorded in the audit log); approve until
 * a date, or refuse with a reason the representative is sent.
 */
export class RepresentationsView {
  readonly el: HTMLElement;
  private readonly list = h('div', { class: 'admin-list' });
  private readonly status = h('p', { role: 'status', class: 'muted', 'data-testid': 'representation-status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });

  constructor(private readonly ctx: Ctx) {
    this.el = h('section', { class: 'panel', 'aria-labelledby': 'representations-title', 'data-testid': 'representations-view' },
      h('h3', { id: 'representations-title', text: T.representations.title }), h('p', { class: 'muted', text: T.representations.help }),
      this.error, this.status, this.list);
  }

  async load(): Promise<void> {
    this.error.hidden = true;
    try {
      const { items } = await this.ctx.api.get<{ items: RepresentationItem[] }>(BASE);
      this.render(items);
    } catch (err) {
      showError(this.error, err);
    }
  }

  private render(items: RepresentationItem[]): void {
    const R = T.representations;
    if (items.length === 0) {
      fill(this.list, h('p', { class: 'muted', 'data-testid': 'representations-none', text: R.none }));
      return;
    }
    fill(this.list, ...items.map((r) => this.item(r)));
  }

  private item(r: RepresentationItem): HTMLElement {
    const R = T.representations;
    const titleId = `representation-${r.id}`;
    // From tomorrow to five years ahead (the server checks the same).
    const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const until = h('input', { type: 'date', required: true, min: day(1), max: day(5 * 365), 'data-testid': 'representation-until' });
    const approve = h('form', { class: 'row', 'aria-label': R.approve },
      field(R.until, until), h('button', { type: 'submit', 'data-testid': 'representation-approve', text: R.approve }));
    approve.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.decide(this.ctx.api.post<RepresentationDecision>(`${BASE}/${seg(r.id)}/approve`, { expiresOn: until.value }).then(() => R.approved(r.representedName)));
    });
    const reason = h('textarea', { rows: 2, minlength: 3, maxlength: 500, required: true, 'data-testid': 'representation-reason' });
    const refuse = h('form', { class: 'row', 'aria-label': R.refuse },
      field(R.reason, reason), h('button', { type: 'submit', class: 'danger', 'data-testid': 'representation-refuse', text: R.refuse }));
    refuse.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.decide(this.ctx.api.post<RepresentationDecision>(`${BASE}/${seg(r.id)}/refuse`, { reason: reason.value }).then(() => R.refused(r.representedName)));
    });
    return h('article', { class: 'panel', 'aria-labelledby': titleId, 'data-testid': 'representation-request', 'data-id': r.id },
      h('h4', { id: titleId, text: R.itemTitle(r.representedName) }),
      h('p', {}, `${R.by} `, h('code', { text: r.representativeId }), ` · ${channelName(r.channel)} · `,
        h('time', { datetime: r.createdAt, title: r.createdAt, text: when(r.createdAt) }), ` · ${R.relationships[r.relationship] ?? r.relationship}`),
      h('p', {}, h('a', { href: `/console/api${BASE}/${seg(r.id)}/proof`, target: '_blank', rel: 'noopener', 'data-testid': 'representation-proof', text: R.proof })),
      approve, refuse);
  }

  private async decide(done: Promise<string>): Promise<void> {
    this.error.hidden = true;
    try {
      this.status.textContent = await done;
      await this.load();
    } catch (err) {
      showError(this.error, err);
    }
  }

}
