import type { Redis } from 'ioredis';

const PREVIEW_CHARS = 140;

/** Each waiting citizen's last words, as their team's queue list shows them (one Redis hash by handoff id). */
export class QueuePreviews {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async set(handoffId: string, text: string): Promise<void> {
    await this.redis.hset(this.key(), handoffId, text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS - 1)}…` : text);
  }

  /** The previews of `handoffIds`, in their order (null where there is none). */
  of(handoffIds: string[]): Promise<Array<string | null>> {
    return this.redis.hmget(this.key(), ...handoffIds);
  }

  async forget(handoffId: string): Promise<void> {
    await this.redis.hdel(this.key(), handoffId);
  }

  private key(): string {
    return `${this.prefix}:handoff:preview`;
  }
}
