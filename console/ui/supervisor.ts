import type { HandoffReason, SupervisorStats } from '../protocol';
import type { Ctx } from './context';
import { fill, h } from './dom';
import { duration, showError, when } from './format';
import { T } from './i18n';
import { CannedEditor } from './canned-editor';
import { DeskLive } from './desk-live';
import { RepresentationsView } from './representations';

const MIN_REFRESH_MS = 2000;

/**
 * The supervisor's dashboard: the live desk of their teams (desk-live.ts), queues per team, agents and
 * their load, handoffs by reason and satisfaction, and their teams' canned responses (canned-editor.ts).
 * Refreshed on demand and when a queue, a conversation or a message changes, at most once every 2 s.
 */
export class SupervisorView {
  readonly el: HTMLElement;
  private readonly content = h('div', { class: 'stats' });
  private readonly updated = h('p', { class: 'muted', role: 'status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private active = false;
  private lastRefresh = 0;
  private pending: ReturnType<typeof setTimeout> | undefined;
  private inFlight = false;
  private again = false;
  private ticker: ReturnType<typeof setInterval> | undefined;
  private readonly desk: DeskLive;
  private readonly canned: CannedEditor;
  private readonly representations: RepresentationsView;

  constructor(private readonly ctx: Ctx) {
    this.desk = new DeskLive(ctx, () => this.queueChanged());
    this.canned = new CannedEditor(ctx);
    this.representations = new RepresentationsView(ctx);
    const refresh = h('button', { type: 'button', 'data-testid': 'supervisor-refresh', text: T.refresh });
    refresh.addEventListener('click', () => void this.refresh());
    this.el = h('section', { class: 'view supervisor', id: 'view-supervisor', role: 'tabpanel', 'aria-labelledby': 'supervisor-title', 'data-testid': 'supervisor-view', hidden: true },
      h('div', { class: 'row' }, h('h2', { id: 'supervisor-title', text: T.supervisor.title }), refresh),
      this.updated, this.error, this.desk.el, this.content, this.canned.el, this.representations.el);
  }

  setActive(active: boolean): void {
    this.active = active;
    this.el.hidden = !active;
    clearInterval(this.ticker);
    if (!active) return;
    this.ticker = setInterval(() => this.desk.tick(), 1000);
    void this.refresh();
    this.canned.show();
    void this.representations.load();
  }

  /** A queue, a conversation or a message of my teams changed: refresh if the view is on screen, no more than once every 2 s. */
  queueChanged(): void {
    if (!this.active || this.pending) return;
    const wait = Math.max(0, this.lastRefresh + MIN_REFRESH_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      void this.refresh();
    }, wait);
  }

  destroy(): void {
    clearTimeout(this.pending);
    clearInterval(this.ticker);
  }

  async refresh(): Promise<void> {
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.inFlight = true;
    this.lastRefresh = Date.now();
    try {
      const [stats] = await Promise.all([this.ctx.api.get<SupervisorStats>('/supervisor'), this.desk.refresh()]);
      this.error.hidden = true;
      this.render(stats);
      this.updated.textContent = T.supervisor.updated(when(new Date().toISOString()));
    } catch (err) {
      showError(this.error, err);
    } finally {
      this.inFlight = false;
      // A change arrived while this answer was on its way: it may not include it.
      if (this.again) {
        this.again = false;
        this.queueChanged();
      }
    }
  }

  private render(stats: SupervisorStats): void {
    const S = T.supervisor;
    fill(this.content,
      table(S.teams, [S.team, S.waiting, S.oldest, S.mean, S.state], stats.teams.map((t) =>
        [t.name, String(t.waiting), duration(t.oldestWaitSeconds), duration(t.meanWaitSeconds), t.open ? S.open : S.closed])),
      table(S.agents, [S.agent, T.admin.teams, T.availability.label, S.load], stats.agents.map((a) =>
        [a.name, a.teams.map((x) => this.ctx.teamName(x)).join(', '), T.availability[a.availability], `${a.load}/${a.maxConcurrent}`])),
      table(S.byReason, [S.reason, S.count], (Object.entries(stats.byReason) as Array<[HandoffReason, number]>).map(([reason, n]) =>
        [T.reasons[reason] ?? reason, String(n)])),
      table(S.satisfaction, [S.team, S.answers, S.average], stats.satisfaction.map((s) =>
        [this.ctx.teamName(s.team), String(s.answers), s.answers ? s.average.toFixed(2) : '—'])),
    );
  }
}

/** A captioned table of plain-text cells (names come from agents: text only). */
function table(caption: string, head: string[], rows: string[][]): HTMLElement {
  return h('table', {},
    h('caption', { text: caption }),
    h('thead', {}, h('tr', {}, ...head.map((c) => h('th', { scope: 'col', text: c })))),
    h('tbody', {}, ...(rows.length
      ? rows.map((r) => h('tr', {}, ...r.map((c, i) => (i === 0 ? h('th', { scope: 'row', text: c }) : h('td', { text: c })))))
      : [h('tr', {}, h('td', { colspan: head.length, class: 'muted', text: T.none }))])));
}
