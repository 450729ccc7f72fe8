import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';
import type { Db } from '../bot/sql/database';
import type { Retention } from '../catalog/schema';
import { applyRetention } from './retention';

const QUEUE = 'privacy-retention';

/**
 * Applies the retention periods every night at 03:15 in the city's time zone, once across all worker
 * processes (a BullMQ job scheduler: the job is in Redis, so a restart neither skips nor repeats a night).
 */
export class RetentionJob {
  readonly queue: Queue;
  #worker: Worker | undefined;

  constructor(connection: Redis, private readonly prefix: string, private readonly log: Logger) {
    this.queue = new Queue(QUEUE, { connection, prefix });
    logErrorEvents(this.queue, `queue ${QUEUE}`, log);
  }

  /** Schedules the nightly run and works it in this process. `connection` is this worker's own (BullMQ blocks on it). */
  async start(connection: Redis, run: { db: Db; mediaDir: string; policy: Retention; timezone: string; clock?: () => number }): Promise<void> {
    await this.queue.upsertJobScheduler('nightly', { pattern: '15 3 * * *', tz: run.timezone }, { name: 'apply', opts: { removeOnComplete: 30, removeOnFail: 30 } });
    this.#worker = new Worker(QUEUE, async () => {
      const report = await applyRetention(run.db, run.mediaDir, run.policy, new Date(run.clock?.() ?? Date.now()));
      this.log.info({ ...report }, 'retention periods applied');
      return report;
    }, { connection, prefix: this.prefix, concurrency: 1 });
    this.#worker.on('failed', (_job, err) => this.log.error({ err }, 'retention run failed: it runs again tomorrow'));
    logErrorEvents(this.#worker, `worker ${QUEUE}`, this.log);
  }

  async close(): Promise<void> {
    await this.#worker?.close();
    await this.queue.close();
  }
}
