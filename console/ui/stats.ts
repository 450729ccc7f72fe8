import type { Spread, StatsAnswer, StatsTable } from '../stats-protocol';
import { API_BASE } from './api';
import type { BarChartSpec, ConsoleCharts, DrawnChart } from './chart-spec';
import type { Ctx } from './context';
import { field, fill, h } from './dom';
import { channelName, duration, showError, typeName } from './format';
import { T } from './i18n';

/** Where the charts script is served (console-assets' CHARTS_SCRIPT). */
const CHARTS_URL = '/console/charts.js';

/** One table of the dashboards: its rows as text, the total row when it has one, and its chart. */
interface Block {
  key: StatsTable;
  title: string;
  head: string[];
  rows: string[][];
  total?: string[];
  chart: BarChartSpec;
}

const numbers = new Intl.NumberFormat('es-ES', { maximumFractionDigits: 2 });
const num = (n: number) => numbers.format(n);
const percent = (part: number, whole: number) => (whole ? `${num(Math.round((part / whole) * 1000) / 10)} %` : '—');
/** A wait or an age: `m:ss`, `h:mm:ss`, or days and hours past two days. */
function span(seconds: number | undefined): string {
  if (seconds === undefined) return '—';
  if (seconds < 2 * 86_400) return duration(seconds);
  return T.stats.ageDays(Math.floor(seconds / 86_400), Math.floor((seconds % 86_400) / 3600));
}
const minutes = (s: Spread) => Math.round(((s.median ?? 0) / 60) * 10) / 10;
/** `2026-03-02` as `02/03`: the range already says the year. */
const dayLabel = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}`;

/**
 * The council's dashboards (issue 15 part 3), for supervisors and admins: a range of the city's days (by
 * default the last 30) and, for each measure, a heading, a bar chart and a table with the same numbers
 * (the table is what screen readers and keyboards use; the chart is drawn beside it) and its CSV download.
 * chart.js comes in a script of its own (/console/charts.js), fetched the first time the view opens.
 */
export class StatsView {
  readonly el: HTMLElement;
  private readonly from = h('input', { type: 'date', 'data-testid': 'stats-from' });
  private readonly to = h('input', { type: 'date', 'data-testid': 'stats-to' });
  private readonly status = h('p', { class: 'muted', role: 'status', 'data-testid': 'stats-status' });
  private readonly error = h('p', { class: 'error', role: 'alert', hidden: true });
  private readonly body = h('div', { class: 'stats-blocks' });
  private drawn: DrawnChart[] = [];
  private token = 0;
  private loaded = false;

  constructor(private readonly ctx: Ctx) {
    const S = T.stats;
    const form = h('form', { class: 'history-filters', 'aria-labelledby': 'stats-range-title' },
      h('h3', { id: 'stats-range-title', class: 'sr', text: S.range }),
      field(S.from, this.from), field(S.to, this.to), h('button', { type: 'submit', 'data-testid': 'stats-apply', text: S.apply }));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      void this.load();
    });
    this.el = h('section', { class: 'view stats', id: 'view-stats', role: 'tabpanel', 'aria-labelledby': 'stats-title', 'data-testid': 'stats-view', hidden: true },
      h('h2', { id: 'stats-title', text: S.title }), form, this.error, this.status, this.body);
  }

  setActive(active: boolean): void {
    this.el.hidden = !active;
    if (active && !this.loaded) void this.load();
  }

  private async load(): Promise<void> {
    const token = ++this.token;
    const q = new URLSearchParams();
    if (this.from.value) q.set('from', this.from.value);
    if (this.to.value) q.set('to', this.to.value);
    try {
      const qs = q.toString();
      const answer = await this.ctx.api.get<StatsAnswer>(`/stats${qs ? `?${qs}` : ''}`);
      if (token !== this.token) return; // another range was asked for meanwhile
      this.loaded = true;
      this.error.hidden = true;
      this.show(answer);
    } catch (err) {
      if (token !== this.token) return;
      showError(this.error, err);
    }
  }

  private show(a: StatsAnswer): void {
    this.from.value = a.range.from;
    this.to.value = a.range.to;
    const conversations = a.channels.reduce((n, c) => n + c.conversations, 0);
    const alone = a.channels.reduce((n, c) => n + c.withoutPerson, 0);
    this.status.textContent = `${T.stats.showing(a.range.from, a.range.to, a.timezone)} ${T.stats.summary(conversations, percent(alone, conversations))}`;
    for (const chart of this.drawn) chart.destroy();
    this.drawn = [];
    const blocks = this.blocks(a);
    const canvases = blocks.map((b) => h('canvas', { role: 'img', 'aria-label': T.stats.chartOf(b.title), 'data-testid': `stats-chart-${b.key}` }));
    fill(this.body, ...blocks.map((b, i) => this.block(b, canvases[i]!, a)));
    void this.draw(blocks, canvases);
  }

  private async draw(blocks: Block[], canvases: HTMLCanvasElement[]): Promise<void> {
    const token = this.token;
    let charts: ConsoleCharts;
    try {
      charts = await loadCharts();
    } catch {
      this.error.textContent = T.stats.chartsFailed;
      this.error.hidden = false;
      return;
    }
    if (token !== this.token) return;
    this.drawn = blocks.map((b, i) => charts.bar(canvases[i]!, b.chart));
  }

  private block(b: Block, canvas: HTMLCanvasElement, a: StatsAnswer): HTMLElement {
    const id = `stats-${b.key}-title`;
    const q = new URLSearchParams({ table: b.key, from: a.range.from, to: a.range.to });
    const cells = (row: string[]) => row.map((c, i) => h(i === 0 ? 'th' : 'td', { ...(i === 0 ? { scope: 'row' } : {}), text: c }));
    const body = b.rows.length ? b.rows.map((r) => h('tr', {}, ...cells(r))) : [h('tr', {}, h('td', { colspan: b.head.length, class: 'muted', text: T.stats.none }))];
    return h('section', { class: 'stats-block', 'aria-labelledby': id, 'data-testid': `stats-${b.key}` },
      h('h3', { id, text: b.title }),
      h('div', { class: 'stats-chart' }, canvas),
      h('table', { class: 'stats-table', 'data-testid': `stats-table-${b.key}` },
        h('caption', { class: 'sr', text: b.title }),
        h('thead', {}, h('tr', {}, ...b.head.map((c) => h('th', { scope: 'col', text: c })))),
        h('tbody', {}, ...body),
        b.total && b.rows.length ? h('tfoot', {}, h('tr', {}, ...cells(b.total))) : undefined),
      h('a', { href: `${API_BASE}/stats/csv?${q}`, download: '', class: 'small', 'data-testid': `stats-csv-${b.key}`, 'aria-label': T.stats.csvOf(b.title), text: T.stats.csv }));
  }

  /** Every table of the answer, in the order the council reads them. */
  private blocks(a: StatsAnswer): Block[] {
    const S = T.stats;
    const team = (code: string) => (code === 'all' ? S.total : this.ctx.teamName(code));
    const service = (code: string) => (code === 'all' ? S.total : this.ctx.serviceName(code));
    const timesRow = (t: StatsAnswer['timesAll']) => [team(t.team), num(t.handoffs), span(t.toClaim.median), span(t.toClaim.p90), span(t.toFirstAnswer.median), span(t.toFirstAnswer.p90)];
    const ticketsRow = (t: StatsAnswer['ticketsAll']) =>
      [service(t.service), num(t.opened), num(t.closed), num(t.stillOpen), span(t.openAge.median), span(t.openAge.p90), span(t.closedAge.median), span(t.closedAge.p90)];
    return [
      {
        key: 'days', title: S.days.title, head: [S.days.day, S.days.conversations, S.days.handoffs, S.days.tickets],
        rows: a.days.map((d) => [d.day, num(d.conversations), num(d.handoffs), num(d.tickets)]),
        total: [S.total, ...(['conversations', 'handoffs', 'tickets'] as const).map((k) => num(a.days.reduce((n, d) => n + d[k], 0)))],
        chart: { labels: a.days.map((d) => dayLabel(d.day)), series: (['conversations', 'handoffs', 'tickets'] as const).map((k) => ({ label: S.days[k], values: a.days.map((d) => d[k]) })) },
      },
      {
        key: 'channels', title: S.channels.title, head: [S.channels.channel, S.channels.conversations, S.channels.withoutPerson, S.channels.share],
        rows: a.channels.map((c) => [channelName(c.channel), num(c.conversations), num(c.withoutPerson), percent(c.withoutPerson, c.conversations)]),
        chart: {
          labels: a.channels.map((c) => channelName(c.channel)),
          series: [{ label: S.channels.conversations, values: a.channels.map((c) => c.conversations) }, { label: S.channels.withoutPerson, values: a.channels.map((c) => c.withoutPerson) }],
        },
      },
      {
        key: 'times', title: S.times.title, head: [S.times.team, S.times.handoffs, S.times.claimMedian, S.times.claimP90, S.times.answerMedian, S.times.answerP90],
        rows: a.times.map(timesRow), total: timesRow(a.timesAll),
        chart: {
          labels: a.times.map((t) => team(t.team)),
          series: [{ label: S.times.chartClaim, values: a.times.map((t) => minutes(t.toClaim)) }, { label: S.times.chartAnswer, values: a.times.map((t) => minutes(t.toFirstAnswer)) }],
        },
      },
      {
        key: 'reasons', title: S.reasons.title, head: [S.reasons.reason, S.reasons.handoffs],
        rows: a.reasons.map((r) => [reasonName(r.reason), num(r.handoffs)]),
        chart: { labels: a.reasons.map((r) => reasonName(r.reason)), series: [{ label: S.reasons.handoffs, values: a.reasons.map((r) => r.handoffs) }] },
      },
      {
        key: 'tickets', title: S.tickets.title,
        head: [S.tickets.service, S.tickets.opened, S.tickets.closed, S.tickets.stillOpen, S.tickets.openAgeMedian, S.tickets.openAgeP90, S.tickets.closedAgeMedian, S.tickets.closedAgeP90],
        rows: a.tickets.map(ticketsRow), total: ticketsRow(a.ticketsAll),
        chart: {
          labels: a.tickets.map((t) => service(t.service)),
          series: [{ label: S.tickets.opened, values: a.tickets.map((t) => t.opened) }, { label: S.tickets.closed, values: a.tickets.map((t) => t.closed) }],
        },
      },
      {
        key: 'types', title: S.types.title, head: [S.types.type, S.types.tickets],
        rows: a.types.map((t) => [typeName(t.type), num(t.tickets)]),
        chart: { labels: a.types.map((t) => typeName(t.type)), series: [{ label: S.types.tickets, values: a.types.map((t) => t.tickets) }] },
      },
      {
        key: 'satisfaction', title: S.satisfaction.title, head: [S.satisfaction.team, S.satisfaction.answers, S.satisfaction.average, S.satisfaction.satisfied],
        rows: a.satisfaction.map((s) => [team(s.team), num(s.answers), num(s.average), num(s.satisfied)]),
        chart: { labels: a.satisfaction.map((s) => team(s.team)), series: [{ label: S.satisfaction.average, values: a.satisfaction.map((s) => s.average) }] },
      },
    ];
  }
}

const reasonName = (reason: string) => (T.reasons as Record<string, string>)[reason] ?? reason;

let charts: Promise<ConsoleCharts> | undefined;

/** The charts script, added to the page once (CSP: a script of our own origin); tried again after a failure. */
function loadCharts(): Promise<ConsoleCharts> {
  charts ??= new Promise<ConsoleCharts>((resolve, reject) => {
    if (window.consoleCharts) return resolve(window.consoleCharts);
    const script = h('script', { src: CHARTS_URL });
    script.addEventListener('load', () => (window.consoleCharts ? resolve(window.consoleCharts) : reject(new Error('the charts script defined nothing'))));
    script.addEventListener('error', () => reject(new Error('the charts script did not load')));
    document.head.append(script);
  }).catch((err: unknown) => {
    charts = undefined;
    throw err;
  });
  return charts;
}
