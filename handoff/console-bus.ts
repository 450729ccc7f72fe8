import type { Redis } from 'ioredis';
import type { ServerEvent } from '../console/protocol';

/**
 * Who should receive a console event. The bus carries facts, not permissions: each web process's
 * ConsoleSocket decides per socket, with `maySee`, on the conversation's team and holder as of this event.
 */
export type Audience =
  /** A team's waiting list: the team's members. */
  | { team: string }
  /** One agent wherever they are connected (the holder who just let go of a conversation). */
  | { agentId: string }
  /** About one conversation, as it is now: its holder, whoever has it open, and (changes only) its team. */
  | { handoff: { id: string; team: string; agentId?: string } };

/** The audience of events about a handoff, from its current team and holder. */
export function audienceOf(h: { id: string; team: string; agentId?: string | undefined }): Audience {
  return { handoff: { id: h.id, team: h.team, ...(h.agentId ? { agentId: h.agentId } : {}) } };
}

export interface BusMessage {
  to: Audience;
  event: ServerEvent;
}

/**
 * Console events cross processes over one Redis pub/sub channel: a turn in a worker (a citizen's
 * message) or an agent's action in one web process reaches the agents connected to every web process.
 */
export class ConsoleBus {
  readonly channel: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:console:events`;
  }

  async publish(to: Audience, event: ServerEvent): Promise<void> {
    await this.redis.publish(this.channel, JSON.stringify({ to, event } satisfies BusMessage));
  }
}
