import type { Redis } from 'ioredis';

/** Longer than the outbound queue's whole retry schedule, so a retried batch always finds its marks. */
const DEFAULT_TTL_SECONDS = 86_400;

/**
 * Which outgoing parts were already delivered, so a batch retried after a failure half-way (the
 * socket closed after the second of three messages) does not send the first two again. A part is
 * marked after WhatsApp accepted it: a crash between the two sends it twice, never zero times.
 */
export class DeliveryLedger {
  constructor(
    private readonly redis: Redis,
    private readonly keyPrefix: string,
    private readonly ttlSeconds = DEFAULT_TTL_SECONDS,
  ) {}

  async delivered(partId: string): Promise<boolean> {
    return (await this.redis.exists(this.keyOf(partId))) === 1;
  }

  async mark(partId: string): Promise<void> {
    await this.redis.set(this.keyOf(partId), '1', 'EX', this.ttlSeconds);
  }

  private keyOf(partId: string): string {
    return `${this.keyPrefix}:${partId}`;
  }
}
