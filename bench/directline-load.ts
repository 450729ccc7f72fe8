import { Agent, request } from 'node:http';
import WebSocket from 'ws';

// Plain node:http with keep-alive: fetch (undici) cost the load generator ~0.4 ms of CPU per message,
// CPU taken from the bot on a 2-core machine.
const agent = new Agent({ keepAlive: true, maxSockets: 512 });

function postJson(url: string, token: string, body: unknown, retried = false): Promise<{ status: number; json: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST', agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: chunks.length ? JSON.parse(Buffer.concat(chunks).toString()) : undefined }));
      res.on('error', reject);
    });
    req.on('error', (err: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed for idleness just as it was reused: the request never
      // reached the server, so sending it again is safe (the pattern Node documents for request.reusedSocket).
      if (!retried && req.reusedSocket && err.code === 'ECONNRESET') postJson(url, token, body, true).then(resolve, reject);
      else reject(err);
    });
    req.end(payload);
  });
}

/** One citizen's web chat, driven over the Direct Line API and its WebSocket stream. */
class Conversation {
  private readonly sentAt = new Map<string, number>();
  private readonly early = new Map<string, number>();
  private waiters = new Map<string, () => void>();
  private posted = 0;
  constructor(readonly id: string, private readonly token: string, private readonly ws: WebSocket, private readonly base: string, private readonly userId: string, private readonly onLatency: (ms: number) => void) {
    ws.on('message', (data) => {
      const now = performance.now();
      const frame = data.toString();
      if (!frame) return;
      for (const a of (JSON.parse(frame) as { activities: Array<{ from: { id: string }; replyToId?: string }> }).activities) {
        if (a.from.id === userId || !a.replyToId) continue;
        this.settle(a.replyToId, now);
      }
    });
  }

  private settle(id: string, at: number): void {
    const sent = this.sentAt.get(id);
    if (sent === undefined) {
      if (!this.early.has(id)) this.early.set(id, at); // the reply beat the POST's answer
      return;
    }
    this.sentAt.delete(id);
    this.onLatency(at - sent);
    this.waiters.get(id)?.();
    this.waiters.delete(id);
  }

  /** Posts a message; resolves when the bot's first reply to it has arrived on the socket. */
  async send(text: string): Promise<void> {
    const t0 = performance.now();
    // As our widget posts: with a clientActivityID, which ties the echo to the message on screen and dedupes retries.
    const clientActivityID = `${this.userId}-${++this.posted}`;
    const res = await postJson(`${this.base}/conversations/${this.id}/activities`, this.token, { type: 'message', from: { id: this.userId }, text, locale: 'es', channelData: { clientActivityID } });
    if (res.status !== 200) throw new Error(`POST activities answered ${res.status}`);
    const { id } = res.json as { id: string };
    const replied = new Promise<void>((r) => this.waiters.set(id, r));
    this.sentAt.set(id, t0);
    const early = this.early.get(id);
    if (early !== undefined) {
      this.early.delete(id);
      this.settle(id, early);
    }
    await replied;
  }

  close(): void {
    this.ws.close();
  }
}

export async function openConversations(base: string, secret: string, n: number, onLatency: (ms: number) => void): Promise<Conversation[]> {
  const convs: Conversation[] = [];
  for (let i = 0; i < n; i += 50) {
    convs.push(...(await Promise.all(Array.from({ length: Math.min(50, n - i) }, async (_, j) => {
      const res = await fetch(`${base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
      if (!res.ok) throw new Error(`POST conversations answered ${res.status}`);
      const { conversationId, token, streamUrl } = (await res.json()) as { conversationId: string; token: string; streamUrl: string };
      const ws = new WebSocket(streamUrl);
      await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
      return new Conversation(conversationId, token, ws, base, `bench-user-${i + j}`, onLatency);
    }))));
  }
  return convs;
}

/** What citizens say in the benchmark, in a loop: real classification, prompts and interruptions. */
export const SCRIPT = [
  'Hay una farola apagada en la calle Colón 12 desde hace una semana',
  'cancelar',
  'se perdió mi perro ayer en el parque',
  'ayuda',
  'cancelar',
  'hay un bache enorme en la avenida del puerto',
  'cancelar',
];

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Closed loop: every conversation sends its next message as soon as the previous one was answered. */
export async function closedLoop(convs: Conversation[], seconds: number, latencies: number[]): Promise<{ messagesPerSecond: number; messages: number }> {
  latencies.length = 0;
  const until = performance.now() + seconds * 1_000;
  let done = 0;
  const started = performance.now();
  await Promise.all(convs.map(async (c, i) => {
    for (let k = i; performance.now() < until; k++) {
      await c.send(SCRIPT[k % SCRIPT.length]!);
      done++;
    }
  }));
  const elapsed = (performance.now() - started) / 1_000;
  return { messagesPerSecond: Math.round(done / elapsed), messages: done };
}

/** Open loop: messages offered at a fixed rate, whatever the answers do; latency of each. */
export async function openLoop(convs: Conversation[], rate: number, seconds: number, latencies: number[]): Promise<{ offered: number; answered: number }> {
  latencies.length = 0;
  const total = rate * seconds;
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  const busy = new Set<number>();
  for (let n = 0; n < total; n++) {
    const due = started + (n * 1_000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // Offer to a conversation that is not waiting for an answer (a citizen types after reading).
    let i = n % convs.length;
    for (let tries = 0; busy.has(i) && tries < convs.length; tries++) i = (i + 1) % convs.length;
    busy.add(i);
    inFlight.push(convs[i]!.send(SCRIPT[n % SCRIPT.length]!).finally(() => busy.delete(i)));
  }
  await Promise.all(inFlight);
  return { offered: total, answered: latencies.length };
}
