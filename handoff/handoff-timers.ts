import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';

interface ExpireJob { handoffId: string; queuedAt: string }

/** How often a worker looks for agents who left without giving their conversations back. */
const SWEEP_EVERY_MS = 5_000;

/**
 * The clocks of the handoff queues, as BullMQ jobs so they survive restarts and run once across
 * workers: one delayed `expire` job per stay in a queue (nobody claimed it in time), and a repeating
 * `sweep` that returns the conversations of agents gone longer than the grace period and renews the
 * holds of open handoffs (HandoffService.sweep).
 */
export class HandoffTimers {
  readonly queue: Queue;

  constructor(connection: Redis, private readonly prefix: string, log: Logger) {
    this.queue = new Queue('handoff-timers', { connection, prefix });
    logErrorEvents(this.queue, 'queue handoff-timers', log);
  }

  /** Expires the handoff `delayMs` after `queuedAt` unless it left the queue (or re-entered it) meanwhile. */
  async expireAt(handoffId: string, queuedAt: Date, delayMs: number): Promise<void> {
    const data: ExpireJob = { handoffId, queuedAt: queuedAt.toISOString() };
    const delay = Math.max(0, queuedAt.getTime() + delayMs - Date.now());
    await this.queue.add('expire', data, { jobId: `expire-${handoffId}-${queuedAt.getTime()}`, delay, removeOnComplete: true, removeOnFail: 100, attempts: 5, backoff: { type: 'exponential', delay: 1_000 } });
  }

  /** Runs the clocks in this process (worker role). */
  async work(connection: Redis, handlers: { expire(id: string, queuedAt: string): Promise<void>; sweep(): Promise<unknown> }, log: Logger): Promise<Worker> {
    await this.queue.upsertJobScheduler('sweep', { every: SWEEP_EVERY_MS }, { name: 'sweep', opts: { removeOnComplete: true, removeOnFail: 10 } });
    const worker = new Worker(
      'handoff-timers',
      async (job) => {
        if (job.name === 'expire') {
          const { handoffId, queuedAt } = job.data as ExpireJob;
          await handlers.expire(handoffId, queuedAt);
        } else if (job.name === 'sweep') {
          await handlers.sweep();
        }
      },
      { connection, prefix: this.prefix, concurrency: 4 },
    );
    worker.on('failed', (job, err) => log.error({ err, job: job?.name }, 'handoff timer failed'));
    logErrorEvents(worker, 'worker handoff-timers', log);
    return worker;
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}
