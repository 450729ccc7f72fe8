import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { logErrorEvents } from '../bot/error-events';
import type { Logger } from '../bot/logger';

/**
 * One BullMQ queue per team (`handoff-<team>`), holding the conversations that wait for a person of
 * that team, one job per handoff (job id = handoff id), ordered by BullMQ's priority (1 first) and
 * then by arrival. Agents take jobs out by claiming them in the console, not through a BullMQ worker:
 * the claim itself is decided in SQL (one winner), and the job is then removed.
 */
export class TeamQueues {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  of(team: string): Queue {
    let q = this.queues.get(team);
    if (!q) {
      q = new Queue(`handoff-${team}`, { connection: this.connection, prefix: this.prefix });
      logErrorEvents(q, `queue handoff-${team}`, this.log);
      this.queues.set(team, q);
    }
    return q;
  }

  /** Puts a handoff in its team's queue; adding one that is already there changes nothing. */
  async add(team: string, handoffId: string, priority: number): Promise<void> {
    await this.of(team).add('handoff', { handoffId }, { jobId: handoffId, priority, removeOnComplete: true, removeOnFail: true });
  }

  /** Moves a waiting handoff ahead (a lower priority number); one already claimed and gone is left alone. */
  async raise(team: string, handoffId: string, priority: number): Promise<void> {
    const job = await this.of(team).getJob(handoffId);
    await job?.changePriority({ priority }).catch((err: unknown) => this.log.debug({ err, handoffId }, 'handoff left its queue before it was raised'));
  }

  async remove(team: string, handoffId: string): Promise<void> {
    await this.of(team).remove(handoffId);
  }

  /** The waiting handoff ids, next first. */
  async waiting(team: string): Promise<string[]> {
    const jobs = await this.of(team).getJobs(['prioritized', 'wait'], 0, -1, true);
    return jobs.map((j) => j.id!).filter(Boolean);
  }

  async depth(team: string): Promise<number> {
    const counts = await this.of(team).getJobCounts('prioritized', 'wait');
    return (counts.prioritized ?? 0) + (counts.wait ?? 0);
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
