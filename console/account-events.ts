import type { Redis } from 'ioredis';

/**
 * "This agent's account or sessions changed": published when an admin changes an agent (teams, role,
 * disabled, password) and on logout, over one Redis pub/sub channel, so every web process re-checks that
 * agent's open console sockets at once (ConsoleSocket) instead of streaming on what the agent could see
 * when the socket opened. The message is the agent id only: each process reads the current account itself.
 */
export class AccountEvents {
  readonly channel: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
  ) {
    this.channel = `${prefix}:console:accounts`;
  }

  async changed(agentId: string): Promise<void> {
    await this.redis.publish(this.channel, agentId);
  }
}
