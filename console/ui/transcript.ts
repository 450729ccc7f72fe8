import type { ConsoleMessage, HandoffDetail, HandoffEvent } from '../protocol';
import type { Ctx } from './context';
import { h, mapLink, picture, safeUrl } from './dom';
import { ms, when } from './format';
import { T } from './i18n';

interface Entry {
  t: number;
  node: HTMLElement;
}

/**
 * The open conversation's transcript with its internal notes and events interleaved by time.
 * A message can arrive twice (the reply's HTTP answer and the socket event), so each message
 * and event is drawn once per identity.
 */
export class Transcript {
  readonly el = h('div', {
    class: 'transcript',
    role: 'log',
    'aria-live': 'polite',
    'aria-label': T.transcript.label,
    tabindex: 0,
    'data-testid': 'transcript',
  });

  private entries: Entry[] = [];
  private seen = new Set<string>();
  /** My own messages and notes: content and time, for the fuzzy match in `duplicate`. */
  private own: Array<{ key: string; t: number }> = [];
  private citizenName: string | undefined;

  constructor(private readonly ctx: Ctx) {}

  reset(detail: HandoffDetail): void {
    this.entries = [];
    this.seen.clear();
    this.own = [];
    this.el.replaceChildren();
    this.citizenName = detail.handoff.citizenName ?? detail.citizen.name;
    for (const m of detail.transcript) this.addMessage(m);
    for (const e of detail.events) this.addEvent(e);
    this.el.scrollTop = this.el.scrollHeight;
    // Once the column has its final height (summary and photos laid out), start at the newest message.
    requestAnimationFrame(() => (this.el.scrollTop = this.el.scrollHeight));
  }

  /**
   * Adds what a fresh copy of the same conversation has that is not drawn yet. Redrawing instead
   * would make screen readers announce the whole log again.
   */
  merge(detail: HandoffDetail): void {
    for (const m of detail.transcript) this.addMessage(m);
    for (const e of detail.events) this.addEvent(e);
  }

  clear(): void {
    this.entries = [];
    this.seen.clear();
    this.own = [];
    this.el.replaceChildren();
  }

  addMessage(m: ConsoleMessage): void {
    const content = `m|${m.from}|${m.agentId ?? ''}|${m.text ?? ''}|${(m.images ?? []).join(' ')}|${m.voice?.url ?? ''}`;
    const t = ms(m.at);
    if (this.duplicate(`${content}|${m.at}`, content, t, m.from === 'agent' && m.agentId === this.ctx.me.agent.id)) return;
    this.insert({ t, node: this.messageNode(m) });
  }

  addEvent(e: HandoffEvent): void {
    const content = `e|${e.kind}|${e.agentId ?? ''}|${e.team ?? ''}|${e.note ?? ''}`;
    const t = ms(e.at);
    if (this.duplicate(`${content}|${e.at}`, content, t, e.agentId === this.ctx.me.agent.id)) return;
    this.insert({ t, node: e.kind === 'note' ? noteNode(e) : eventNode(e, this.ctx) });
  }

  /**
   * Whether this item is drawn already. What I write comes back up to three times (the POST
   * answer, the socket, a reload) and the copies' timestamps may differ by a few milliseconds, so
   * for my own items the same content within 5 s counts as the same item.
   */
  private duplicate(exact: string, content: string, t: number, byMe: boolean): boolean {
    if (this.seen.has(exact)) return true;
    this.seen.add(exact);
    if (!byMe) return false;
    if (this.own.some((x) => x.key === content && Math.abs(x.t - t) < 5000)) return true;
    this.own.push({ key: content, t });
    return false;
  }

  /** Keeps time order (late arrivals slot in) and follows the bottom unless the agent scrolled up. */
  private insert(entry: Entry): void {
    const atBottom = this.el.scrollHeight - this.el.scrollTop - this.el.clientHeight < 48;
    let i = this.entries.length;
    while (i > 0 && (this.entries[i - 1]?.t ?? 0) > entry.t) i -= 1;
    const next = this.entries[i];
    this.entries.splice(i, 0, entry);
    this.el.insertBefore(entry.node, next ? next.node : null);
    if (atBottom) this.el.scrollTop = this.el.scrollHeight;
  }

  private messageNode(m: ConsoleMessage): HTMLElement {
    const out = m.from !== 'citizen';
    const body = h('div', { class: `msg ${out ? 'msg-out' : 'msg-in'} msg-${m.from}`, 'data-testid': 'transcript-message', 'data-from': m.from },
      h('div', { class: 'msg-meta' }, h('span', { class: 'who', text: this.author(m) }), ' · ', timeNode(m.at)),
      m.emergency ? h('p', { class: 'badge badge-hazard', 'data-testid': 'emergency-flag', text: `⚠ ${T.transcript.emergency}` }) : undefined,
      m.text ? h('p', { class: 'msg-text', text: m.text }) : undefined,
    );
    const pics = (m.images ?? []).map((url) => picture(url, T.transcript.image)).filter((p) => p !== undefined);
    if (pics.length) body.append(h('div', { class: 'pics' }, ...pics));
    const audioSrc = m.voice ? safeUrl(m.voice.url) : undefined;
    if (m.voice?.transcribed && m.text) body.append(h('p', { class: 'msg-voice-note', 'data-testid': 'transcribed-flag', text: `🎤 ${T.transcript.transcribed}` }));
    if (audioSrc) body.append(h('audio', { controls: true, preload: 'none', src: audioSrc, 'aria-label': T.transcript.voiceNote, 'data-testid': 'voice-note' }));
    if (m.location) body.append(h('p', { class: 'msg-loc' }, mapLink(m.location, T.transcript.locationLink(m.location.lat, m.location.lon))));
    return body;
  }

  private author(m: ConsoleMessage): string {
    if (m.from === 'citizen') return this.citizenName ?? T.conv.citizen;
    if (m.from === 'bot') return T.conv.bot;
    const name = m.agentName ?? T.header.roles['agent'] ?? '';
    return m.agentId === this.ctx.me.agent.id ? `${name} (tú)` : name;
  }
}

function timeNode(iso: string): HTMLTimeElement {
  return h('time', { datetime: iso, text: when(iso) });
}

function noteNode(e: HandoffEvent): HTMLElement {
  return h('div', { class: 'note', role: 'note', 'data-testid': 'note' },
    h('div', { class: 'note-head' },
      h('strong', { text: T.transcript.note }), ` (${T.transcript.noteHint}) · `,
      h('span', { class: 'who', text: e.agentName ?? T.transcript.system }), ' · ', timeNode(e.at)),
    h('p', { class: 'note-text', text: e.note ?? '' }),
  );
}

function eventNode(e: HandoffEvent, ctx: Ctx): HTMLElement {
  const verb = T.transcript.events[e.kind] ?? e.kind;
  const parts = [e.agentName ?? T.transcript.system, verb, e.team ? T.transcript.toTeam(ctx.teamName(e.team)) : ''];
  return h('div', { class: 'event', 'data-testid': 'event', 'data-kind': e.kind },
    h('span', { text: parts.filter(Boolean).join(' ') }), ' · ', timeNode(e.at),
    e.note ? h('q', { class: 'event-note', text: e.note }) : undefined,
  );
}
