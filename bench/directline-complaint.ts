/**
 * Files one complaint through the Direct Line REST API, as a council's page would (token from the
 * secret, then the conversation with that token), polling GET activities: no browser client shims,
 * so it runs against a bot under any Node.
 */

interface Activity {
  type?: string;
  id?: string;
  text?: string;
  replyToId?: string;
  from?: { id?: string; role?: string };
}

export const REFERENCE = /ALU-\d{4}-\d{6}/;

const COMPLAINT = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';

/** The reference the bot gives for a street-light complaint, or throws saying which step failed. */
export async function fileComplaint(baseUrl: string, secret: string, timeoutMs = 20_000): Promise<string> {
  const api = `${baseUrl}/v3/directline`;
  const generated = await call<{ token: string }>(`${api}/tokens/generate`, secret, {});
  const { conversationId, token } = await call<{ conversationId: string; token: string }>(`${api}/conversations`, generated.token, {});
  const convo = new Polled(`${api}/conversations/${conversationId}/activities`, token, timeoutMs);
  await convo.waitFor((a) => /Hola/.test(a.text ?? ''), 'the greeting');
  const summary = await convo.ask(COMPLAINT);
  if (!/¿lo envío\?/.test(summary)) throw new Error(`expected the confirmation, got: ${summary}`);
  const done = await convo.ask('Enviar');
  const ref = REFERENCE.exec(done)?.[0];
  if (!ref) throw new Error(`expected a reference, got: ${done}`);
  return ref;
}

async function call<T>(url: string, bearer: string, body: unknown): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${new URL(url).pathname} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

/** One conversation's activities, read by polling with the watermark. */
class Polled {
  private readonly seen: Activity[] = [];
  private watermark = '';

  constructor(private readonly url: string, private readonly token: string, private readonly timeoutMs: number) {}

  /** Posts `text`; resolves with the text of the bot's first reply to it. */
  async ask(text: string): Promise<string> {
    const { id } = await call<{ id: string }>(this.url, this.token, { type: 'message', from: { id: 'smoke' }, text, locale: 'es-ES' });
    const reply = await this.waitFor((a) => a.replyToId === id, `a reply to "${text.slice(0, 40)}"`);
    return reply.text ?? '';
  }

  async waitFor(match: (a: Activity) => boolean, what: string): Promise<Activity> {
    const until = Date.now() + this.timeoutMs;
    for (;;) {
      const hit = this.seen.find((a) => a.from?.role === 'bot' && match(a));
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
      await this.poll();
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  private async poll(): Promise<void> {
    const res = await fetch(`${this.url}${this.watermark ? `?watermark=${this.watermark}` : ''}`, { headers: { authorization: `Bearer ${this.token}` } });
    if (!res.ok) throw new Error(`GET activities answered ${res.status}`);
    const page = (await res.json()) as { activities: Activity[]; watermark?: string };
    this.seen.push(...page.activities);
    if (page.watermark) this.watermark = page.watermark;
  }
}
