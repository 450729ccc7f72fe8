import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

/**
 * The floor to compare against: plain BullMQ add + process of empty jobs on the same Redis,
 * with the same concurrency model the bot uses (many adds in flight, a worker with concurrency 64).
 * Three runs, median reported: single runs here vary by ±20%.
 */
export async function benchBareBullmq(redisUrl: string, prefix: string): Promise<{ jobsPerSecond: number; runs: number[] }> {
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) runs.push((await bareRun(redisUrl, `${prefix}-${i}`)).jobsPerSecond);
  const sorted = [...runs].sort((a, b) => a - b);
  return { jobsPerSecond: sorted[1]!, runs };
}

async function bareRun(redisUrl: string, prefix: string, jobs = 20_000, inFlight = 200): Promise<{ jobsPerSecond: number }> {
  const conn = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue('bare', { connection: conn, prefix, defaultJobOptions: { removeOnComplete: true } });
  let processed = 0;
  let resolveDone: () => void;
  const done = new Promise<void>((r) => (resolveDone = r));
  const workerConn = conn.duplicate();
  const worker = new Worker('bare', async () => {
    if (++processed === jobs) resolveDone();
  }, { connection: workerConn, prefix, concurrency: 64 });
  await worker.waitUntilReady();
  const started = performance.now();
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < jobs) {
      next++;
      await queue.add('j', { n: next });
    }
  }));
  await done;
  const seconds = (performance.now() - started) / 1_000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  // BullMQ leaves connections it was given open: left open, they kept `npm run bench` from exiting.
  workerConn.disconnect();
  conn.disconnect();
  return { jobsPerSecond: Math.round(jobs / seconds) };
}
