import { WebSocket } from 'ws';
import type { Db } from '../../bot/sql/database';
import { AgentStore } from '../../console/agent-store';
import type { AgentView, Me, ServerEvent } from '../../console/protocol';

/** Cheap scrypt for test agents (the stored hash says its own cost, so login verifies it as is). */
export const TEST_COST = { N: 2 ** 10, r: 8, p: 1 };
export const TEST_PASSWORD = 'correct horse battery';

export async function createAgent(db: Db, email: string, name: string, teams: string[], extra: { role?: AgentView['role']; maxConcurrent?: number } = {}): Promise<AgentView> {
  return new AgentStore(db, { cost: TEST_COST }).create({ email, name, role: extra.role ?? 'agent', password: TEST_PASSWORD, teams, maxConcurrent: extra.maxConcurrent ?? 5 });
}

/** An agent's console as a program: the REST API with cookie and CSRF, and the live socket. */
export class ConsoleClient {
  readonly events: ServerEvent[] = [];
  /** Set when the server closed the live socket: its close code and reason. */
  closedWith: { code: number; reason: string } | undefined;
  private ws: WebSocket | undefined;

  private constructor(
    readonly baseUrl: string,
    readonly me: Me,
    /** The session cookie (`name=value`), as a browser would send it. */
    readonly cookie: string,
  ) {}

  static async login(baseUrl: string, email: string, password = TEST_PASSWORD): Promise<ConsoleClient> {
    const res = await fetch(`${baseUrl}/console/api/login`, {
      method: 'POST', headers: { 'content-type': 'application/json', origin: baseUrl }, body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    return new ConsoleClient(baseUrl, (await res.json()) as Me, cookie);
  }

  get agent(): AgentView {
    return this.me.agent;
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
    const res = await fetch(`${this.baseUrl}/console/api${path}`, {
      method,
      headers: { cookie: this.cookie, origin: this.baseUrl, 'x-csrf-token': this.me.csrf, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    // A download (the audit log's CSV) comes back as its text.
    const json = res.headers.get('content-type')?.includes('json') ?? true;
    return { status: res.status, body: text ? (json ? JSON.parse(text) : text) : undefined };
  }

  get(path: string) {
    return this.call('GET', path);
  }

  post(path: string, body: unknown = {}) {
    return this.call('POST', path, body);
  }

  /** Opens the live socket; resolves once the server's first queue lists arrived (or at once without teams). */
  async connect(): Promise<void> {
    const ws = new WebSocket(`${this.baseUrl.replace(/^http/, 'ws')}/console/ws`, { headers: { cookie: this.cookie, origin: this.baseUrl } });
    this.ws = ws;
    ws.on('message', (data) => this.events.push(JSON.parse(data.toString()) as ServerEvent));
    this.closedWith = undefined;
    ws.on('close', (code, reason) => {
      if (this.ws === ws) this.closedWith = { code, reason: reason.toString() };
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`socket refused: ${res.statusCode}`)));
    });
  }

  send(event: unknown): void {
    this.ws?.send(JSON.stringify(event));
  }

  /** Sends a frame as is: text, or binary when given bytes. */
  sendRaw(data: string | Buffer): void {
    this.ws?.send(data, { binary: typeof data !== 'string' });
  }

  /**
   * A ping answered: everything the server sent this socket before it read the ping has arrived
   * (frames of one socket keep their order), so what was not received by now was not sent.
   */
  async pong(timeoutMs = 5_000): Promise<void> {
    const before = this.events.filter((e) => e.type === 'pong').length;
    this.send({ type: 'ping' });
    const until = Date.now() + timeoutMs;
    while (this.events.filter((e) => e.type === 'pong').length === before) {
      if (this.closedWith || Date.now() > until) throw new Error(`no pong for ${this.agent.email}${this.closedWith ? ` (closed ${this.closedWith.code})` : ''}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Resolves with the close code once the server has closed the socket. */
  async closed(timeoutMs = 5_000): Promise<number> {
    const until = Date.now() + timeoutMs;
    while (!this.closedWith) {
      if (Date.now() > until) throw new Error(`socket of ${this.agent.email} still open`);
      await new Promise((r) => setTimeout(r, 10));
    }
    return this.closedWith.code;
  }

  disconnect(): void {
    this.ws?.terminate();
  }
}
