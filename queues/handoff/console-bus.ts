import type { Redis } from 'ioredis';
import type { ServerEvent } from '../console/protocol';

/**
 * Who should receive a console event. A socket gets it when its agent belongs to `team` (queue
 * lists), is `agentId` (the holder), or has `handoffId` open. Teams and openings are checked against
 * the agent's memberships when the socket subscribes, so the bus itself carries no secrets decision.
 */
export interface Audience {
  team?: string;
  agentId?: string;
  handoffId?: string;
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
