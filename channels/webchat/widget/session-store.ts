import type { DlActivity } from './types';

/** What survives a page reload (per tab, like the conversation itself). */
export interface Session {
  userId: string;
  conversationId?: string;
  token?: string;
  watermark?: string;
  /** The last rendered activities, so a reload shows the history before the socket reconnects. */
  history: DlActivity[];
}

const HISTORY_LIMIT = 100;

/**
 * sessionStorage-backed state, keyed by Direct Line URL so two bots on one site do not mix.
 * sessionStorage throws in some privacy modes; the widget then works without resume.
 */
export class SessionStore {
  private readonly key: string;
  private session: Session;

  constructor(directLine: string) {
    this.key = `cab-webchat:${directLine}`;
    this.session = this.load() ?? { userId: newId('dl_'), history: [] };
  }

  get(): Readonly<Session> {
    return this.session;
  }

  update(patch: Partial<Session>): void {
    this.session = { ...this.session, ...patch };
    this.save();
  }

  remember(activity: DlActivity): void {
    this.session.history = [...this.session.history, activity].slice(-HISTORY_LIMIT);
    this.save();
  }

  /** Forgets the conversation (expired or rejected) but keeps the citizen's user id. */
  reset(): void {
    this.session = { userId: this.session.userId, history: [] };
    this.save();
  }

  private load(): Session | undefined {
    try {
      const raw = sessionStorage.getItem(this.key);
      const parsed = raw ? (JSON.parse(raw) as Session) : undefined;
      return parsed && typeof parsed.userId === 'string' && Array.isArray(parsed.history) ? parsed : undefined;
    } catch {
      return undefined; // storage disabled or corrupt: start a fresh session
    }
  }

  private save(): void {
    try {
      sessionStorage.setItem(this.key, JSON.stringify(this.session));
    } catch {
      // Quota or privacy mode: the live chat still works, only reload-resume is lost.
    }
  }
}

/** A random id; crypto.randomUUID needs a secure context, so fall back to getRandomValues. */
export function newId(prefix = ''): string {
  if (typeof crypto.randomUUID === 'function' && isSecureContext) return prefix + crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return prefix + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
