import type { Redis } from 'ioredis';
import { NoVideoCallError, NotHolderError, VideoUnavailableError } from '../bot/errors';
import { systemClock, type Clock } from '../bot/clock';
import type { Logger } from '../bot/logger';
import { t } from '../dialogs/i18n';
import type { AgentView, ConsoleMessage, HandoffEvent } from '../console/protocol';
import type { CitizenNotices } from '../queues/citizen-notices';
import { audienceOf, type ConsoleBus } from './console-bus';
import type { Handoff, HandoffStore } from './handoff-store';
import type { JitsiRooms } from './jitsi-rooms';

/** The handoff events a call leaves (the console names them; the room's name is their note). */
export const VIDEO_STARTED = 'video_started';
export const VIDEO_ENDED = 'video_ended';

/** A video call as the agent's console gets it: the room, the agent's own link, and until when it works. */
export interface VideoCallView {
  handoffId: string;
  room: string;
  /** Opens the room for the agent (their own token, as moderator, when the server checks tokens). */
  url: string;
  startedAt: string;
  expiresAt: string;
  /** False when the agent asked again for a call already in progress: the same room, no new invitation. */
  started: boolean;
  /** The event recorded in the handoff (start, or the earlier start when `started` is false). */
  event: HandoffEvent;
}

/** What is kept of a call in progress (Redis, until it ends or its links expire). */
interface OpenCall {
  room: string;
  agentId: string;
  startedAt: string;
  expiresAt: string;
}

export interface VideoCallsDeps {
  /** The video engine; undefined when VIDEO_JITSI_URL is not set (every call answers E_VIDEO_UNAVAILABLE). */
  rooms: JitsiRooms | undefined;
  /** How long a call's links work after it starts. */
  ttlMs: number;
  store: Pick<HandoffStore, 'byId' | 'addEvent'>;
  notices: Pick<CitizenNotices, 'send'>;
  bus: Pick<ConsoleBus, 'publish'>;
  redis: Redis;
  prefix: string;
  log: Logger;
  /** "Now" for the tokens' times. @defaultValue the system clock */
  clock?: Clock;
}

/**
 * Moves a conversation an agent holds to a video call: a new room per call, the citizen's link sent on
 * their own channel (a card with a button that opens it; the channels make it a URL button or a link in
 * the text), the agent's link returned to their console. Start and end go into the transcript (the
 * citizen's invitation and goodbye, written by the agent) and into the handoff (its events).
 *
 * Only the conversation's holder starts or ends a call (E_NOT_HOLDER otherwise): supervisors and admins
 * may see a conversation but do not speak for it, as with replies; after a transfer the new holder gets
 * the call in progress. Ending a call cannot take back links already sent: where the server checks
 * tokens they expire with `ttlMs`; an open room's name is random and known only to the call's two people.
 */
export class VideoCalls {
  private readonly clock: Clock;

  constructor(private readonly deps: VideoCallsDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  get enabled(): boolean {
    return this.deps.rooms !== undefined;
  }

  /** Whether the links carry tokens the server checks (VIDEO_JITSI_APP_ID and _SECRET set). */
  get secured(): boolean {
    return this.deps.rooms?.secured ?? false;
  }

  /** Starts a call in `h` (which the console checked the agent may see), or returns the one in progress. */
  async start(agent: AgentView, h: Handoff): Promise<VideoCallView> {
    const rooms = this.rooms();
    this.requireHolder(agent, h);
    const now = new Date(this.clock());
    const resumed = (open: OpenCall) =>
      this.view(h.id, rooms, agent, open, now, false, { kind: VIDEO_STARTED, at: open.startedAt, agentId: open.agentId, note: open.room });
    const open = await this.current(h.id, now);
    if (open) return resumed(open);
    const call: OpenCall = { room: rooms.newRoomName(), agentId: agent.id, startedAt: now.toISOString(), expiresAt: new Date(now.getTime() + this.deps.ttlMs).toISOString() };
    // NX: of two clicks at once (two tabs), one call and one invitation; the other click gets the same room.
    if ((await this.deps.redis.set(this.key(h.id), JSON.stringify(call), 'PX', this.deps.ttlMs, 'NX')) !== 'OK') {
      const winner = await this.deps.redis.get(this.key(h.id));
      if (winner) return resumed(JSON.parse(winner) as OpenCall);
      await this.deps.redis.set(this.key(h.id), JSON.stringify(call), 'PX', this.deps.ttlMs);
    }
    const citizenUrl = rooms.linkFor(call.room, { name: t(h.locale, 'video.citizenName'), moderator: false }, { now, expiresAt: new Date(call.expiresAt) });
    const invite = { contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: t(h.locale, 'video.join'), value: citizenUrl }] } };
    const text = t(h.locale, 'video.invite', { agent: agent.name });
    const sent = await this.deps.notices.send(h, text, { id: agent.id, name: agent.name }, [invite]);
    await this.deps.store.addEvent(h.id, { kind: VIDEO_STARTED, agentId: agent.id, note: call.room }, now);
    await this.told(agent, h, text, sent.at);
    this.deps.log.info({ handoffId: h.id, secured: rooms.secured }, 'video call started');
    return this.view(h.id, rooms, agent, call, now, true, { kind: VIDEO_STARTED, at: call.startedAt, agentId: agent.id, agentName: agent.name, note: call.room });
  }

  /** Ends the call in progress in `h`: the citizen is told, the handoff records it. */
  async end(agent: AgentView, h: Handoff): Promise<HandoffEvent> {
    this.rooms();
    this.requireHolder(agent, h);
    const now = new Date(this.clock());
    const raw = await this.deps.redis.getdel(this.key(h.id));
    if (!raw) throw new NoVideoCallError('No hay ninguna videollamada en curso en esta conversación.');
    const call = JSON.parse(raw) as OpenCall;
    const text = t(h.locale, 'video.ended');
    const sent = await this.deps.notices.send(h, text, { id: agent.id, name: agent.name });
    await this.deps.store.addEvent(h.id, { kind: VIDEO_ENDED, agentId: agent.id, note: call.room }, now);
    await this.told(agent, h, text, sent.at);
    this.deps.log.info({ handoffId: h.id }, 'video call ended');
    return { kind: VIDEO_ENDED, at: now.toISOString(), agentId: agent.id, agentName: agent.name, note: call.room };
  }

  /**
   * The conversation ended (closed, released, expired) with a call on: the call ends with it, recorded in
   * the handoff with no agent (the conversation's end ended it). The citizen is not told twice: the close
   * already says goodbye.
   */
  async endedWith(h: Pick<Handoff, 'id'>): Promise<void> {
    const raw = await this.deps.redis.getdel(this.key(h.id));
    if (!raw) return;
    const call = JSON.parse(raw) as OpenCall;
    await this.deps.store.addEvent(h.id, { kind: VIDEO_ENDED, note: call.room }, new Date(this.clock()));
  }

  private rooms(): JitsiRooms {
    if (!this.deps.rooms) throw new VideoUnavailableError('Las videollamadas no están configuradas (VIDEO_JITSI_URL).');
    return this.deps.rooms;
  }

  private requireHolder(agent: AgentView, h: Handoff): void {
    if (h.status !== 'assigned' || h.agentId !== agent.id) throw new NotHolderError('Solo quien atiende la conversación puede empezar o terminar una videollamada.');
  }

  /** The call in progress; one whose links expired counts as none (Redis drops it at the same time). */
  private async current(handoffId: string, now: Date): Promise<OpenCall | undefined> {
    const raw = await this.deps.redis.get(this.key(handoffId));
    const call = raw ? (JSON.parse(raw) as OpenCall) : undefined;
    return call && Date.parse(call.expiresAt) > now.getTime() ? call : undefined;
  }

  private view(handoffId: string, rooms: JitsiRooms, agent: AgentView, call: OpenCall, now: Date, started: boolean, event: HandoffEvent): VideoCallView {
    const url = rooms.linkFor(call.room, { name: agent.name, moderator: true, id: agent.id }, { now, expiresAt: new Date(call.expiresAt) });
    return { handoffId, room: call.room, url, startedAt: call.startedAt, expiresAt: call.expiresAt, started, event };
  }

  /** Every console with the conversation open sees the agent's words to the citizen, as with a reply. */
  private async told(agent: AgentView, h: Handoff, text: string, at: Date): Promise<void> {
    const message: ConsoleMessage = { handoffId: h.id, conversationKey: h.conversationKey, from: 'agent', agentId: agent.id, agentName: agent.name, text, at: at.toISOString() };
    await this.deps.bus.publish(audienceOf(h), { type: 'message', message });
  }

  private key(handoffId: string): string {
    return `${this.deps.prefix}:video:${handoffId}`;
  }
}
