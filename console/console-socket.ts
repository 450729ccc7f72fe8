import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Redis } from 'ioredis';
import { WebSocket, WebSocketServer, type RawData } from 'ws';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';
import { refuseUpgrade, upgradeUrl } from '../bot/upgrades';
import type { BusMessage, ConsoleBus } from '../handoff/console-bus';
import type { HandoffService } from '../handoff/handoff-service';
import { HEARTBEAT_MS, type ChosenAvailability, type Presence } from '../handoff/presence';
import type { AccountEvents } from './account-events';
import { parseClientFrame } from './client-frames';
import { maySee } from './console-api';
import type { AgentView, ServerEvent } from './protocol';
import { countWebSocket, type WebSocketMetrics } from '../bot/websocket-metrics';

export const CONSOLE_WS_PATH = '/console/ws';
// A console socket only sends small control messages (open/close/ping).
const MAX_PAYLOAD = 2 * 1024;
/** Safety net behind the account events: every socket's session and agent are read again this often. */
const RECHECK_MS = 60_000;

/** Close codes a console sees (4000–4999 are the application's own, RFC 6455 §7.4.2). */
export const CLOSE = {
  /** A frame that is not a valid client event (binary, not JSON, or not in the protocol). */
  badFrame: 1008,
  /** The session ended (logout, password changed, agent disabled, expired): log in again. */
  sessionEnded: 4401,
  /** The server could not set the socket up (Redis or SQL down): reconnect later. */
  tryAgain: 1011,
} as const;

interface AgentSocket {
  ws: WebSocket;
  /** The session cookie's token: what a re-check asks about. */
  token: string;
  /** As of the last check; replaced when the account changes. */
  agent: AgentView;
  /** Handoffs this console has open (checked with maySee when opened and on every event). */
  open: Set<string>;
}

export interface ConsoleSocketDeps {
  redis: Redis;
  bus: ConsoleBus;
  accounts: Pick<AccountEvents, 'channel'>;
  service: HandoffService;
  presence: Presence;
  /** Session cookie and Origin → the session, or undefined (the upgrade is refused with 401). */
  sessionForUpgrade(req: IncomingMessage): Promise<{ token: string; agent: AgentView } | undefined>;
  /** The session's enabled agent as they are now, or undefined when the session or the agent is gone. */
  agentOfSession(token: string): Promise<AgentView | undefined>;
  log: Logger;
  /** Counts open consoles and their frames. */
  metrics?: WebSocketMetrics;
}

/**
 * The console's live feed: one WebSocket per open console, fed from the console bus (Redis pub/sub)
 * over ONE subscriber connection per web process. Each event is serialised once and written to the
 * sockets whose agent may receive it as things are now: the event carries its conversation's current
 * team and holder, and an agent's account changes (teams, role, disabled, password, logout) reach every
 * process on the accounts channel, which re-reads that agent and closes or re-scopes their sockets.
 */
export class ConsoleSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MAX_PAYLOAD });
  private readonly sockets = new Set<AgentSocket>();
  private readonly servers = new Set<Server>();
  private subscriber: Redis | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private recheckTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: ConsoleSocketDeps) {}

  async attach(server: Server): Promise<void> {
    if (!this.subscriber) {
      const subscriber = this.deps.redis.duplicate();
      this.subscriber = subscriber;
      logErrorEvents(subscriber, 'console subscriber', this.deps.log);
      subscriber.on('message', (channel: string, raw: string) => {
        if (channel === this.deps.accounts.channel) void this.recheckAgent(raw);
        else this.dispatch(raw);
      });
      // Pub/sub loses what is published while the connection is down: after a reconnect, check everyone.
      let connected = false;
      subscriber.on('ready', () => {
        if (connected) void this.recheckAll();
        connected = true;
      });
      await subscriber.subscribe(this.deps.bus.channel, this.deps.accounts.channel);
      this.heartbeat = setInterval(() => void this.beat(), HEARTBEAT_MS).unref();
      this.recheckTimer = setInterval(() => void this.recheckAll(), RECHECK_MS).unref();
    }
    this.servers.add(server);
    server.on('upgrade', this.onUpgrade);
  }

  get connections(): number {
    return this.sockets.size;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.recheckTimer);
    for (const server of this.servers) server.off('upgrade', this.onUpgrade);
    for (const s of this.sockets) s.ws.terminate();
    this.sockets.clear();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    this.subscriber?.disconnect();
  }

  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // Other paths are left to their own listeners (see bot/app.ts).
    if (upgradeUrl(req)?.pathname !== CONSOLE_WS_PATH) return;
    socket.on('error', (err) => this.deps.log.debug({ err }, 'console upgrade socket error'));
    this.deps.sessionForUpgrade(req).then(
      (session) => {
        if (!session) return refuseUpgrade(socket, 401, 'not logged in, or not from the console page');
        this.wss.handleUpgrade(req, socket, head, (ws) => {
          countWebSocket(ws, 'console', this.deps.metrics);
          this.welcome(ws, session.token, session.agent).catch((err: unknown) => {
            this.deps.log.warn({ err, agentId: session.agent.id }, 'console socket not set up');
            ws.close(CLOSE.tryAgain, 'try again');
          });
        });
      },
      (err: unknown) => {
        this.deps.log.error({ err }, 'console upgrade failed');
        refuseUpgrade(socket, 503, 'try again');
      },
    );
  };

  private async welcome(ws: WebSocket, token: string, agent: AgentView): Promise<void> {
    const s: AgentSocket = { ws, token, agent, open: new Set() };
    this.sockets.add(s);
    ws.on('close', () => {
      this.sockets.delete(s);
      if (![...this.sockets].some((o) => o.agent.id === s.agent.id)) {
        this.deps.presence.left(s.agent.id).catch((err: unknown) => this.deps.log.warn({ err }, 'console presence not updated'));
      }
    });
    ws.on('error', (err) => this.deps.log.debug({ err }, 'console socket error'));
    ws.on('message', (data, isBinary) => {
      this.onClientFrame(s, data, isBinary).catch((err: unknown) => this.deps.log.warn({ err, agentId: s.agent.id }, 'console socket frame not handled'));
    });
    await this.deps.presence.seen([agent.id]);
    send(s, { type: 'availability', availability: await this.deps.presence.chosen(agent.id) });
    // The current lists at once, so a console never waits for the next change to show anything.
    await this.sendQueues(s, agent.teams);
  }

  private async onClientFrame(s: AgentSocket, data: RawData, isBinary: boolean): Promise<void> {
    const event = isBinary ? undefined : parseClientFrame(rawText(data));
    // One bad frame ends this socket only; the console reconnects, and the bot never sees it.
    if (!event) return void s.ws.close(CLOSE.badFrame, 'bad frame');
    if (event.type === 'ping') return send(s, { type: 'pong' });
    if (event.type === 'close') return void s.open.delete(event.handoffId);
    if (event.type === 'availability') return this.choose(s.agent.id, event.availability);
    const h = await this.deps.service.require(event.handoffId).catch(() => undefined);
    // Refused silently: the REST call for the same conversation tells the console why.
    if (h && maySee(s.agent, h)) s.open.add(h.id);
  }

  /** Away or back: every console of the agent shows it, and a waiting queue may now have someone. */
  private async choose(agentId: string, availability: ChosenAvailability): Promise<void> {
    await this.deps.presence.choose(agentId, availability);
    await this.deps.bus.publish({ agentId }, { type: 'availability', availability });
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

  /** After an account event: this agent's sockets are closed, or follow their new teams and role. */
  private async recheckAgent(agentId: string): Promise<void> {
    await Promise.all([...this.sockets].filter((s) => s.agent.id === agentId).map((s) => this.recheck(s)));
  }

  private async recheckAll(): Promise<void> {
    // One at a time: a busy desk's hundreds of consoles must not become a burst of SQL reads.
    for (const s of [...this.sockets]) await this.recheck(s);
  }

  private async recheck(s: AgentSocket): Promise<void> {
    try {
      const agent = await this.deps.agentOfSession(s.token);
      if (!agent || agent.id !== s.agent.id) return void s.ws.close(CLOSE.sessionEnded, 'session ended');
      const before = s.agent;
      s.agent = agent;
      for (const id of s.open) {
        const h = await this.deps.service.require(id).catch(() => undefined);
        if (!h || !maySee(agent, h)) s.open.delete(id);
      }
      // Lists of teams left are emptied on screen; lists of teams joined are sent at once.
      for (const team of before.teams.filter((x) => !agent.teams.includes(x))) send(s, { type: 'queue', team, items: [] });
      await this.sendQueues(s, agent.teams.filter((x) => !before.teams.includes(x)));
    } catch (err) {
      // Keeps what it had; the next account event or periodic check tries again.
      this.deps.log.warn({ err, agentId: s.agent.id }, 'console socket not re-checked');
    }
  }

  private async sendQueues(s: AgentSocket, teams: string[]): Promise<void> {
    for (const team of teams) send(s, { type: 'queue', team, items: await this.deps.service.queueOf(team) });
  }

  private async beat(): Promise<void> {
    const ids = [...new Set([...this.sockets].map((s) => s.agent.id))];
    await this.deps.presence.seen(ids).catch((err: unknown) => this.deps.log.warn({ err }, 'console presence not refreshed'));
  }
}

/**
 * Whether a socket gets a bus event, judged on the socket's agent as last checked and on the event's
 * conversation as it is now: a conversation moved to another team, or an agent taken off a team, stops
 * reaching consoles that opened it before.
 */
export function receives(s: Pick<AgentSocket, 'agent' | 'open'>, { to, event }: BusMessage): boolean {
  if ('handoff' in to) {
    const { id, team, agentId } = to.handoff;
    if (!maySee(s.agent, { team, agentId })) {
      s.open.delete(id);
      return false;
    }
    if (agentId === s.agent.id || s.open.has(id)) return true;
    // A conversation's changes go to its team's members (their queue view); its messages only to holder and
    // openers, and to those who oversee its team (the supervisors' live desk shows each conversation's last line).
    if (event.type === 'message') return s.agent.role === 'admin' || (s.agent.role === 'supervisor' && s.agent.teams.includes(team));
    return event.type === 'handoff' && s.agent.teams.includes(team);
  }
  if ('agentId' in to) return to.agentId === s.agent.id;
  // The bot's live conversations are seen by whoever may see their team (as GET /live), admins included.
  if (event.type === 'live') return maySee(s.agent, { team: to.team });
  return event.type === 'queue' && s.agent.teams.includes(to.team);
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString();
  return data instanceof ArrayBuffer ? Buffer.from(data).toString() : data.toString();
}

function send(s: AgentSocket, event: ServerEvent): void {
  if (s.ws.readyState === WebSocket.OPEN) s.ws.send(JSON.stringify(event));
}

