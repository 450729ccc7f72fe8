import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../../bot/logger';
import type { BusMessage, ConsoleBus } from '../handoff/console-bus';
import type { HandoffService } from '../handoff/handoff-service';
import { HEARTBEAT_MS, type Presence } from '../handoff/presence';
import { maySee } from './console-api';
import type { AgentView, ClientEvent, ServerEvent } from './protocol';

const PATH = '/console/ws';
// A console socket only sends small control messages (open/close/ping).
const MAX_PAYLOAD = 2 * 1024;

interface AgentSocket {
  ws: WebSocket;
  agent: AgentView;
  /** Handoffs this console has open (checked with maySee when opened). */
  open: Set<string>;
}

export interface ConsoleSocketDeps {
  redis: Redis;
  bus: ConsoleBus;
  service: HandoffService;
  presence: Presence;
  /** Session cookie and Origin → the agent, or undefined (the upgrade is refused with 401). */
  agentForUpgrade(req: IncomingMessage): Promise<AgentView | undefined>;
  log: Logger;
}

/**
 * The console's live feed: one WebSocket per open console, fed from the console bus (Redis pub/sub)
 * over ONE subscriber connection per web process. Each event is serialised once and written to the
 * sockets whose agent may receive it (team queues for members, a conversation's messages for its holder
 * and for consoles that opened it after a permission check).
 */
export class ConsoleSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  private readonly sockets = new Set<AgentSocket>();
  private readonly servers = new Set<Server>();
  private subscriber: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ConsoleSocketDeps) {}

  async attach(server: Server): Promise<void> {
    if (!this.subscriber) {
      this.subscriber = this.deps.redis.duplicate();
      this.subscriber.on('message', (_channel: string, raw: string) => this.dispatch(raw));
      await this.subscriber.subscribe(this.deps.bus.channel);
      this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS).unref();
    }
    this.servers.add(server);
    server.on('upgrade', this.onUpgrade);
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    for (const server of this.servers) server.off('upgrade', this.onUpgrade);
    for (const s of this.sockets) s.ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.subscriber?.disconnect();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== PATH) return;
    socket.on('error', (err) => this.deps.log.debug({ err }, 'console upgrade socket error'));
    this.deps.agentForUpgrade(req).then(
      (agent) => {
        if (!agent) return refuse(socket, 401, 'not logged in, or not from the console page');
        this.wss.handleUpgrade(req, socket, head, (ws) => void this.welcome(ws, agent));
      },
      (err: unknown) => {
        this.deps.log.error({ err }, 'console upgrade failed');
        refuse(socket, 503, 'try again');
      },
    );
  };

  private async welcome(ws: WebSocket, agent: AgentView): Promise<void> {
    const s: AgentSocket = { ws, agent, open: new Set() };
    this.sockets.add(s);
    ws.on('close', () => {
      this.sockets.delete(s);
      if (![...this.sockets].some((o) => o.agent.id === agent.id)) {
        this.deps.presence.left(agent.id).catch((err: unknown) => this.deps.log.warn({ err }, 'console presence not updated'));
      }
    });
    ws.on('error', (err) => this.deps.log.debug({ err }, 'console socket error'));
    ws.on('message', (data) => void this.onClientEvent(s, data.toString()));
    await this.deps.presence.seen([agent.id]);
    // The current lists at once, so a console never waits for the next change to show anything.
    for (const team of agent.teams) send(s, { type: 'queue', team, items: await this.deps.service.queueOf(team) });
  }

  private async onClientEvent(s: AgentSocket, raw: string): Promise<void> {
    let event: ClientEvent;
    try {
      event = JSON.parse(raw) as ClientEvent;
    } catch {
      return void s.ws.close(1003, 'not JSON');
    }
    if (event.type === 'ping') return send(s, { type: 'pong' });
    if (event.type === 'close') return void s.open.delete(event.handoffId);
    if (event.type === 'open' && typeof event.handoffId === 'string') {
      const h = await this.deps.service.require(event.handoffId).catch(() => undefined);
      // Refused silently: the REST call for the same conversation tells the console why.
      if (h && maySee(s.agent, h)) s.open.add(h.id);
    }
  }

  /** Writes one bus event to every socket that may receive it; the JSON is built once. */
  private dispatch(raw: string): void {
    let msg: BusMessage;
    try {
      msg = JSON.parse(raw) as BusMessage;
    } catch {
      return;
    }
    // Encoded once: a string would be re-encoded to UTF-8 for every socket.
    const payload = Buffer.from(JSON.stringify(msg.event));
    for (const s of this.sockets) {
      if (s.ws.readyState === WebSocket.OPEN && receives(s, msg)) s.ws.send(payload, { binary: false });
    }
  }

  private async beat(): Promise<void> {
    const ids = [...new Set([...this.sockets].map((s) => s.agent.id))];
    await this.deps.presence.seen(ids).catch((err: unknown) => this.deps.log.warn({ err }, 'console presence not refreshed'));
  }
}

function receives(s: AgentSocket, { to, event }: BusMessage): boolean {
  if (to.agentId === s.agent.id) return true;
  if (to.handoffId && s.open.has(to.handoffId)) return true;
  // Queue lists and handoff changes go to the team's members; a conversation's messages only to its holder and openers.
  const teamWide = event.type === 'queue' || event.type === 'handoff';
  return teamWide && to.team !== undefined && s.agent.teams.includes(to.team);
}

function send(s: AgentSocket, event: ServerEvent): void {
  if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(event));
}

function refuse(socket: Duplex, status: number, message: string): void {
  socket.end(`HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Service Unavailable'}\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n${message}`);
}
