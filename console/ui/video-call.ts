import type { HandoffView, HandoffDetail, HandoffEvent } from '../protocol';
import type { VideoCallView } from '../../handoff/video-call';
import { ApiError, seg } from './api';
import type { Ctx } from './context';
import { externalLink, fill, h, safeUrl } from './dom';
import { errorText } from './format';
import { T } from './i18n';

/**
 * The conversation's video call buttons: "Videollamada" starts one (the citizen gets the link on their
 * channel) and opens the room in a new tab; while a call is on, the agent may open the room again or end
 * it. Shown to the conversation's holder only, and only when the server has video calls (GET /video).
 */
export class VideoCallControl {
  readonly buttons: HTMLButtonElement[];
  /** What happened (started, ended, an error, the room's link when the browser blocked the tab). */
  readonly status = h('p', { class: 'conv-notice', role: 'status', 'data-testid': 'video-status' });
  private readonly start = this.button(T.video.start, 'video-start', () => void this.open());
  private readonly rejoin = this.button(T.video.rejoin, 'video-rejoin', () => void this.open());
  private readonly end = this.button(T.video.end, 'video-end', () => void this.finish());
  private enabled = false;
  private handoff: HandoffView | undefined;
  /** Handoffs with a call in progress, as their events say (the last of started and ended) or this console did. */
  private readonly active = new Set<string>();

  constructor(private readonly ctx: Ctx, private readonly recorded: (event: HandoffEvent) => void) {
    this.buttons = [this.start, this.rejoin, this.end];
    this.render();
    ctx.api.get<{ enabled: boolean }>('/video').then((v) => {
      this.enabled = v.enabled;
      this.render();
    }, (err: unknown) => console.warn('video calls unavailable', err));
  }

  /** A conversation opened: whether a call is on comes from its events. */
  show(detail: HandoffDetail): void {
    const last = detail.events.filter((e) => e.kind === 'video_started' || e.kind === 'video_ended').pop();
    if (last?.kind === 'video_started') this.active.add(detail.handoff.id);
    else this.active.delete(detail.handoff.id);
    if (detail.handoff.id !== this.handoff?.id) this.status.textContent = '';
    this.update(detail.handoff);
  }

  update(handoff: HandoffView): void {
    this.handoff = handoff;
    this.render();
  }

  private render(): void {
    const shown = this.enabled && this.handoff !== undefined && this.ctx.holds(this.handoff);
    const on = this.handoff !== undefined && this.active.has(this.handoff.id);
    this.start.hidden = !shown || on;
    this.rejoin.hidden = !shown || !on;
    this.end.hidden = !shown || !on;
  }

  /**
   * The tab opens in the click itself (later, browsers block it as a pop-up) and goes to the room once the
   * API answers. It is cut from this page (`opener = null`): the video server's page cannot reach the console.
   */
  private async open(): Promise<void> {
    const handoff = this.handoff;
    if (!handoff) return;
    const tab = window.open('', '_blank');
    if (tab) tab.opener = null;
    try {
      const call = await this.ctx.api.post<VideoCallView>(`/handoffs/${seg(handoff.id)}/video`);
      this.active.add(handoff.id);
      if (call.started) this.recorded({ ...call.event, agentName: this.ctx.me.agent.name });
      if (tab) {
        tab.location.href = call.url;
        this.status.textContent = T.video.started;
      } else {
        const href = safeUrl(call.url);
        fill(this.status, `${T.video.popupBlocked} `, href ? externalLink(href, T.video.start) : undefined);
      }
    } catch (err) {
      tab?.close();
      this.status.textContent = errorText(err);
    }
    this.render();
  }

  private async finish(): Promise<void> {
    const handoff = this.handoff;
    if (!handoff) return;
    this.end.disabled = true;
    try {
      this.recorded(await this.ctx.api.request<HandoffEvent>('DELETE', `/handoffs/${seg(handoff.id)}/video`));
      this.active.delete(handoff.id);
      this.status.textContent = T.video.ended;
    } catch (err) {
      this.status.textContent = errorText(err);
      // Nothing to end (it ended elsewhere, or its links expired): the buttons show what is true.
      if (err instanceof ApiError && err.code === 'E_NO_VIDEO_CALL') this.active.delete(handoff.id);
    }
    this.end.disabled = false;
    this.render();
  }

  private button(label: string, testid: string, onClick: () => void): HTMLButtonElement {
    const b = h('button', { type: 'button', 'data-testid': testid, text: label });
    b.addEventListener('click', onClick);
    return b;
  }
}
