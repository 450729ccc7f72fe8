/** A reply the citizen read from the conversation's stream, with when it was read. */
export interface SeenReply {
  id: string;
  replyToId: string;
  text: string;
  at: number;
}

/** A message the server acknowledged: its Direct Line id, when it was first tried, and after how many POSTs. */
export interface AckedMessage {
  id: string;
  clientActivityID: string;
  firstTriedAt: number;
  ackedAt: number;
  posts: number;
}

/**
 * One citizen's web chat over the Direct Line REST API, as Web Chat behaves when its server has trouble:
 * a POST that fails (refused, 5xx, no answer in `postTimeoutMs`) is sent again with the same
 * `clientActivityID`, which the server uses to hand out the first post's id instead of a second message.
 * Replies are read by polling GET activities (the watermark moves forward; a failed GET is tried again).
 */
export class WebChatCitizen {
  readonly acked: AckedMessage[] = [];
  readonly replies: SeenReply[] = [];
  /** POSTs that failed (then tried again). */
  failedPosts = 0;
  private watermark = '';
  private sent = 0;
  private polling = false;
  private poller: Promise<void> | undefined;

  private constructor(private readonly base: string, readonly conversationId: string, private readonly token: string, readonly userId: string) {}

  /** Starts a conversation with the Direct Line secret (POST /conversations). */
  static async open(base: string, secret: string, userId: string): Promise<WebChatCitizen> {
    const res = await fetch(`${base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
    if (!res.ok) throw new Error(`POST conversations answered ${res.status}`);
    const { conversationId, token } = (await res.json()) as { conversationId: string; token: string };
    return new WebChatCitizen(base, conversationId, token, userId);
  }

  /** Posts `text` until the server acknowledges it (or `giveUpAt` passes: then throws). */
  async send(text: string, giveUpAt: number, postTimeoutMs = 10_000): Promise<AckedMessage> {
    const clientActivityID = `${this.userId}-${++this.sent}`;
    const firstTriedAt = Date.now();
    for (let posts = 1; ; posts++) {
      const id = await this.post(text, clientActivityID, postTimeoutMs);
      if (id !== undefined) {
        const m = { id, clientActivityID, firstTriedAt, ackedAt: Date.now(), posts };
        this.acked.push(m);
        return m;
      }
      this.failedPosts++;
      if (Date.now() > giveUpAt) throw new Error(`${clientActivityID} was never acknowledged`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  private async post(text: string, clientActivityID: string, timeoutMs: number): Promise<string | undefined> {
    try {
      const res = await fetch(`${this.base}/conversations/${this.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', from: { id: this.userId }, text, locale: 'es', channelData: { clientActivityID } }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) return undefined;
      return ((await res.json()) as { id: string }).id;
    } catch {
      return undefined;
    }
  }

  /** Reads the stream every `everyMs` until stopPolling. */
  startPolling(everyMs = 200): void {
    this.polling = true;
    this.poller = (async () => {
      while (this.polling) {
        await this.pollOnce().catch(() => undefined);
        await new Promise((r) => setTimeout(r, everyMs));
      }
    })();
  }

  async stopPolling(): Promise<void> {
    this.polling = false;
    await this.poller;
  }

  private async pollOnce(): Promise<void> {
    const query = this.watermark ? `?watermark=${this.watermark}` : '';
    const res = await fetch(`${this.base}/conversations/${this.conversationId}/activities${query}`, {
      headers: { authorization: `Bearer ${this.token}` }, signal: AbortSignal.timeout(5_000),
    });
    if (res.status !== 200) return;
    const page = (await res.json()) as { activities: Array<{ id: string; replyToId?: string; text?: string; from: { id: string; role?: string } }>; watermark?: string };
    const at = Date.now();
    for (const a of page.activities) {
      if (a.from.role === 'bot' && a.replyToId) this.replies.push({ id: a.id, replyToId: a.replyToId, text: a.text ?? '', at });
    }
    if (page.watermark) this.watermark = page.watermark;
  }

  /** The replies read so far to the message with this id. */
  repliesTo(id: string): SeenReply[] {
    return this.replies.filter((r) => r.replyToId === id);
  }
}
