import type { ConsoleMessage, QueueItem } from '../protocol';
import { h } from './dom';
import { T } from './i18n';

/** Where the agent's choice is kept in this browser ('on' or 'off'); absent means never asked. */
const STORAGE_KEY = 'console.alerts';
const BEEP_HZ = 880;
const BEEP_S = 0.18;

/**
 * Sound and desktop notifications for an all-day desk (issue 15 part 1): a citizen new in one of my
 * teams' queues, a citizen's message in a conversation I hold. Off until the agent turns them on with
 * the top bar's button (which asks the browser's permission); the choice is remembered in this browser.
 * Only when the agent would not see it anyway: the tab hidden, or another conversation open.
 */
export class DeskAlerts {
  readonly el: HTMLButtonElement;
  /** Queue items already seen, so a list re-sent for a preview change does not alert again. */
  private readonly seen = new Set<string>();
  private primed = new Set<string>();
  private audio: AudioContext | undefined;

  constructor() {
    this.el = h('button', { type: 'button', class: 'small', 'data-testid': 'alerts-toggle' });
    this.el.addEventListener('click', () => void this.toggle());
    this.render();
  }

  private get on(): boolean {
    return localStorage.getItem(STORAGE_KEY) === 'on' && typeof Notification !== 'undefined' && Notification.permission === 'granted';
  }

  private async toggle(): Promise<void> {
    if (this.on) {
      localStorage.setItem(STORAGE_KEY, 'off');
    } else if (typeof Notification !== 'undefined') {
      // Made in the click: browsers let a page play sound once the person acted on it.
      this.audio ??= new AudioContext();
      const permission = Notification.permission === 'granted' ? 'granted' : await Notification.requestPermission();
      localStorage.setItem(STORAGE_KEY, permission === 'granted' ? 'on' : 'off');
      this.render();
      if (permission !== 'granted') this.el.title = T.alerts.denied;
      return;
    }
    this.render();
  }

  private render(): void {
    this.el.textContent = this.on ? T.alerts.on : T.alerts.off;
    this.el.setAttribute('aria-pressed', String(this.on));
    // The visible words are the name (WCAG 2.5.3); the title says what the alerts are.
    this.el.title = T.alerts.label;
  }

  /**
   * A team's waiting list arrived. The first list of a team (on connect) only primes what is known:
   * those citizens were waiting before this console looked.
   */
  queue(team: string, teamName: string, items: readonly QueueItem[]): void {
    const fresh = items.filter((i) => !this.seen.has(i.id));
    for (const i of fresh) this.seen.add(i.id);
    if (!this.primed.has(team)) {
      this.primed.add(team);
      return;
    }
    if (fresh.length && document.hidden) this.alert(T.alerts.waiting(fresh.length, teamName), `queue-${team}`);
  }

  /** A citizen wrote in a conversation I hold, and it is not on screen (another one open, or the tab hidden). */
  message(m: ConsoleMessage): void {
    this.alert(T.alerts.message, `handoff-${m.handoffId ?? m.conversationKey}`);
  }

  // No citizen's words or name in a desktop notification: it shows over whatever is on screen.
  private alert(title: string, tag: string): void {
    if (!this.on) return;
    // The tag folds repeated alerts of one queue or conversation into one notification.
    new Notification(title, { tag });
    this.beep();
  }

  /** A short beep made here: no sound file to fetch. The browser may refuse before any click; then it is silent. */
  private beep(): void {
    try {
      this.audio ??= new AudioContext();
      void this.audio.resume().catch(() => undefined);
      const osc = this.audio.createOscillator();
      const gain = this.audio.createGain();
      gain.gain.value = 0.15;
      osc.frequency.value = BEEP_HZ;
      osc.connect(gain).connect(this.audio.destination);
      osc.start();
      osc.stop(this.audio.currentTime + BEEP_S);
    } catch (err) {
      console.warn('alert sound not played', err);
    }
  }
}
