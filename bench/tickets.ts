// `npm run bench:tickets`: ticket delivery through the Open311 connector to the local GeoReport v2 server.
// (1) a backlog of BENCH_TICKETS pending tickets drained by one worker process at its start; (2) the back
// office down (503) while BENCH_OUTAGE_TICKETS more are filed, then up again: how long until they are all
// delivered. Checks exactly-once on the server side. Prints numbers; asserts nothing.
import { deleteKeysMatching } from '../tests/support/redis';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { createLogger } from '../bot/logger';
import { connectRedis } from '../bot/redis';
import { openDatabase, type Db } from '../bot/sql/database';
import { HistoryStore } from '../bot/sql/history-store';
import { ConversationStore } from '../channels/webchat/conversation-store';
import { BuiltinConnector } from '../connectors/builtin/builtin-connector';
import type { Connector, TicketDraft } from '../connectors/connector';
import { DeliveryStore } from '../connectors/delivery-store';
import { loadCatalog } from '../catalog/load-catalog';
import { CitizenNotices } from '../queues/citizen-notices';
import { OutboundQueues } from '../queues/outbound';
import { deliveringConnector, TicketDelivery } from '../queues/ticket-delivery';
import { startGeoReportServer, type GeoReportServer } from '../tests/support/georeport-server';
import { cpuSeconds, spawnBot, stopBot } from './spawn-bot';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TICKETS = Number(process.env.BENCH_TICKETS ?? 20_000);
const OUTAGE_TICKETS = Number(process.env.BENCH_OUTAGE_TICKETS ?? 10_000);
const OUTAGE_SECONDS = Number(process.env.BENCH_OUTAGE_SECONDS ?? 10);
/** Each drain gives up after this long and prints how far it got (a slow path must not hang the bench). */
const DRAIN_TIMEOUT_S = Number(process.env.BENCH_DRAIN_TIMEOUT_S ?? 300);
const TARGET_PER_SECOND = 300;
// Production defaults: after ~10 s down, jobs wait 8-16 s in `delayed`; only promoteJobs makes recovery quick.
const RETRY_BASE_MS = process.env.BENCH_RETRY_BASE_MS ?? '2000';
const RETRY_MAX_MS = process.env.BENCH_RETRY_MAX_MS ?? '300000';
// BENCH_PROFILE=worker writes a V8 CPU profile of the worker process (both phases; BENCH_OUTAGE_TICKETS=0 skips
// the second) to /tmp/tickets-prof when it stops.
const PROFILE = process.env.BENCH_PROFILE === 'worker' ? ['--cpu-prof', '--cpu-prof-dir=/tmp/tickets-prof'] : [];

const out = (label: string, value: unknown) => console.log(`${label.padEnd(52)} ${value}`);
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** CPU seconds so far of the worker process, redis-server and this process (which hosts the GeoReport server). */
interface CpuSnapshot { at: number; delivered: number; worker: number; redis: number; bench: number }

class Probe {
  constructor(private readonly redis: Redis, private readonly server: GeoReportServer) {}

  async snapshot(worker: ChildProcess, base: number): Promise<CpuSnapshot> {
    const info = await this.redis.info('cpu');
    const redis = ['used_cpu_sys', 'used_cpu_user'].reduce((sum, k) => sum + Number(new RegExp(`${k}:([\\d.]+)`).exec(info)?.[1] ?? 0), 0);
    const own = process.cpuUsage();
    return {
      at: performance.now(), delivered: this.server.requests.length - base,
      worker: await cpuSeconds(worker.pid!), redis, bench: (own.user + own.system) / 1e6,
    };
  }
}

/** CPU ms per delivered ticket between two snapshots, per process. */
function cpuPerTicket(a: CpuSnapshot, b: CpuSnapshot): string {
  const n = b.delivered - a.delivered;
  const ms = (s: number) => fmt((s * 1_000) / n, 3);
  return `worker ${ms(b.worker - a.worker)} / redis-server ${ms(b.redis - a.redis)} / bench+GeoReport server ${ms(b.bench - a.bench)}`;
}

interface Drained { done: boolean; delivered: number; steadyFrom?: CpuSnapshot; steadyTo?: CpuSnapshot; end: CpuSnapshot }

/** `20,000 / 20,000`, or how far it got and why it stopped. */
function progress(run: Drained, target: number, worker: ChildProcess): string {
  const why = worker.exitCode !== null ? `the worker exited with code ${worker.exitCode}` : `gave up after ${DRAIN_TIMEOUT_S} s`;
  return `${fmt(run.delivered)} / ${fmt(target)}${run.done ? '' : ` (${why})`}`;
}

/**
 * Waits until `target` more requests exist on the server than `base` (or the deadline, or the worker died),
 * taking CPU snapshots at 10 % and 90 % of the way for the steady-state numbers.
 */
async function drain(probe: Probe, server: GeoReportServer, worker: ChildProcess, base: number, target: number): Promise<Drained> {
  const deadline = performance.now() + DRAIN_TIMEOUT_S * 1_000;
  const marks: { steadyFrom?: CpuSnapshot; steadyTo?: CpuSnapshot } = {};
  let nextProgress = performance.now() + 60_000;
  for (;;) {
    const delivered = server.requests.length - base;
    if (!marks.steadyFrom && delivered >= target * 0.1) marks.steadyFrom = await probe.snapshot(worker, base);
    if (!marks.steadyTo && delivered >= target * 0.9) marks.steadyTo = await probe.snapshot(worker, base);
    const stop = delivered >= target || performance.now() > deadline || worker.exitCode !== null;
    if (stop) return { done: delivered >= target, delivered, ...marks, end: await probe.snapshot(worker, base) };
    if (performance.now() > nextProgress) {
      console.log(`  … ${fmt(delivered)} / ${fmt(target)} delivered`);
      nextProgress += 60_000;
    }
    await sleep(50);
  }
}

/** Every expected reference on the server exactly once (the description's last line is `Ref: <reference>`). */
function exactlyOnce(server: GeoReportServer, expected: readonly string[]): string {
  const seen = new Map<string, number>();
  for (const r of server.requests) {
    const ref = /Ref: (\S+)\s*$/.exec(r.description ?? '')?.[1];
    if (ref) seen.set(ref, (seen.get(ref) ?? 0) + 1);
  }
  const duplicates = expected.reduce((sum, ref) => sum + Math.max(0, (seen.get(ref) ?? 0) - 1), 0);
  const missing = expected.filter((ref) => !seen.has(ref)).length;
  return `duplicates: ${duplicates}, missing: ${missing} (of ${fmt(expected.length)})`;
}

async function deliveryStates(db: Db): Promise<string> {
  const rows = await db.kysely.selectFrom('tickets').select(['delivery']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('delivery').execute();
  return rows.map((r) => `${r.delivery ?? 'none'} ${fmt(Number(r.n))}`).join(', ');
}

/**
 * Files `count` alumbrado tickets as the web role would: a citizen and a web chat conversation each (the
 * worker tells the citizen when the back office accepts), then the ticket through `connector`.
 */
async function fileTickets(connector: Connector, history: HistoryStore, conversations: ConversationStore, from: number, count: number, label: string): Promise<string[]> {
  const started = performance.now();
  const references: string[] = [];
  for (let i = from; i < from + count; i++) {
    const conversationId = `bench-conv-${String(i).padStart(7, '0')}`;
    const citizenId = await history.citizenFor('webchat', `bench-user-${i}`);
    await conversations.create(conversationId, `bench-user-${i}`, 'es');
    const draft: TicketDraft = {
      service: 'alumbrado', type: 'reclamo', connectorCode: 'alumbrado',
      description: `La farola delante del número ${i % 200} de la calle Olmos lleva una semana apagada`,
      location: { address: `Calle Olmos ${i % 200}`, point: { latitude: 39.4699 + (i % 1_000) / 100_000, longitude: -0.3763 } },
      attachments: [], citizenId, channel: 'webchat', conversationId, locale: 'es',
    };
    references.push((await connector.createTicket(draft, `bench-ticket-${i}`)).reference);
  }
  out(label, fmt((performance.now() - started) / 1_000, 1));
  return references;
}

/** Time of each request's creation on the server (the fixture keeps only the list, so its `push` is wrapped). */
function stampCreations(server: GeoReportServer): number[] {
  const stamps: number[] = [];
  const push = server.requests.push.bind(server.requests);
  server.requests.push = (...items) => {
    for (let i = 0; i < items.length; i++) stamps.push(performance.now());
    return push(...items);
  };
  return stamps;
}

const dir = mkdtempSync(join(tmpdir(), 'citybot-bench-tickets-'));
const prefix = `bench-tickets-${Math.random().toString(36).slice(2, 10)}`;
const redis = new Redis(REDIS_URL);
const server = await startGeoReportServer();
const stamps = stampCreations(server);
const probe = new Probe(redis, server);
const env = {
  REDIS_URL, REDIS_PREFIX: prefix, SQLITE_PATH: join(dir, 'bot.sqlite'), DATA_DIR: dir, ROLE: 'worker', PORT: '0',
  TICKET_CONNECTOR: 'open311', OPEN311_ENDPOINT: server.endpoint, OPEN311_API_KEY: server.apiKey, OPEN311_JURISDICTION_ID: server.jurisdictionId!,
  TICKET_POLL_SECONDS: '0', TICKET_RETRY_BASE_MS: RETRY_BASE_MS, TICKET_RETRY_MAX_MS: RETRY_MAX_MS,
  // Every failed attempt in the outage logs a warning: thousands of lines, and not what is measured here.
  LOG_LEVEL: 'error',
};
const db = await openDatabase({ sqlitePath: env.SQLITE_PATH });
const bull = connectRedis(REDIS_URL, 'bench-tickets', createLogger('error'));
const catalog = loadCatalog('config/catalog.yaml');
const history = new HistoryStore(db);
const conversationRedis = new Redis(REDIS_URL, { enableAutoPipelining: true });
const conversations = new ConversationStore(conversationRedis, prefix);
// Only its `enqueue` runs here (the web role's half of filing); the worker process does the deliveries.
const builtin = new BuiltinConnector(db, catalog, undefined, () => 'open311');
const delivery = new TicketDelivery(bull, prefix, {
  store: new DeliveryStore(db), builtin, backOffices: new Map(), catalog, mediaUrl: (u) => u, attemptSpanMs: 20_000,
  notices: new CitizenNotices({ outbound: new OutboundQueues(redis, prefix), history, log: createLogger('error') }), log: createLogger('error'),
});
let worker: ChildProcess | undefined;
try {
  console.log(`# ticket delivery through Open311: ${fmt(TICKETS)} backlog + ${fmt(OUTAGE_TICKETS)} filed while the back office is down (then ${OUTAGE_SECONDS} s more), 1 worker process (concurrency 32), retry ${RETRY_BASE_MS}..${RETRY_MAX_MS} ms, Redis ${REDIS_URL}`);
  const backlog = await fileTickets(builtin, history, conversations, 0, TICKETS, 'filing the backlog (citizen + conversation + ticket) s');
  const spawnAt = performance.now();
  worker = await spawnBot(env, undefined, PROFILE);
  const rate = await backlogPhase(worker, spawnAt, backlog);
  const recoveryRate = OUTAGE_TICKETS > 0 ? await outagePhase(worker) : undefined;
  out(`minutes to drain 100,000 at ${fmt(rate)} tickets/s (backlog)`, `${fmt(100_000 / rate / 60, 1)} (target ≥ ${TARGET_PER_SECOND}/s: ${fmt(100_000 / TARGET_PER_SECOND / 60, 1)} min)`);
  // Retried deliveries look their ticket up first (see Open311Client.submit): not a constant cost per ticket.
  if (recoveryRate) out(`minutes to drain 100,000 at ${fmt(recoveryRate, 1)} tickets/s (after an outage)`, fmt(100_000 / recoveryRate / 60, 1));
} finally {
  if (worker) await stopBot(worker);
  await delivery.queue.close();
  await server.close();
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  bull.disconnect();
  conversationRedis.disconnect();
  await db.close();
  rmSync(dir, { recursive: true, force: true });
}

/**
 * 1. A backlog: pending tickets in SQL and no jobs, as after a restart; the worker queues them again at
 * its start (requeuePending) and delivers. Returns the rate the extrapolation uses (steady state).
 */
async function backlogPhase(worker: ChildProcess, spawnAt: number, backlog: readonly string[]): Promise<number> {
  const readyAt = performance.now();
  const ready = await probe.snapshot(worker, 0);
  const run = await drain(probe, server, worker, 0, TICKETS);
  const end = run.done ? stamps[TICKETS - 1]! : run.end.at;
  const at = (q: number) => stamps[Math.floor((TICKETS - 1) * q)]!;
  const fromReady = run.delivered / ((end - readyAt) / 1_000);
  const steady = run.done ? (TICKETS * 0.8) / ((at(0.9) - at(0.1)) / 1_000) : fromReady;
  out('backlog delivered', progress(run, TICKETS, worker));
  out('  spawn → first delivery s', stamps[0] === undefined ? '-' : fmt((stamps[0] - spawnAt) / 1_000, 2));
  out('  spawn → drained s', fmt((end - spawnAt) / 1_000, 1));
  out('  tickets/s from spawn-ready (3 s after spawn)', fmt(fromReady));
  if (run.done) out('  tickets/s first → last delivery', fmt((TICKETS - 1) / ((at(1) - at(0)) / 1_000)));
  if (run.done) out('  steady-state tickets/s (middle 80%)', fmt(steady));
  if (run.steadyFrom && run.steadyTo) out('  CPU ms/ticket, middle 80%', cpuPerTicket(run.steadyFrom, run.steadyTo));
  out('  CPU ms/ticket, spawn-ready → drained', cpuPerTicket(ready, run.end));
  await sleep(2_000); // a late duplicate (a retry of a delivered ticket) would show up here
  out('  exactly-once (server side)', exactlyOnce(server, backlog));
  out('  SQL delivery states', await deliveryStates(db));
  return steady;
}

/**
 * 2. Outage: the back office answers 503 while tickets are filed the web role's way (SQL, then the job),
 * and for OUTAGE_SECONDS more; then it is back, and we time until every one of them is delivered.
 * Returns the rate after up().
 */
async function outagePhase(worker: ChildProcess): Promise<number> {
  await server.down('503');
  const filed = await fileTickets(deliveringConnector(builtin, delivery), history, conversations, TICKETS, OUTAGE_TICKETS,
    `filing ${fmt(OUTAGE_TICKETS)} tickets + jobs, back office down, s`);
  await sleep(OUTAGE_SECONDS * 1_000);
  out(`  jobs after ${OUTAGE_SECONDS} s more of outage`, JSON.stringify(await delivery.queue.getJobCounts('waiting', 'active', 'delayed', 'failed')));
  const base = server.requests.length;
  const callsBefore = server.calls.length;
  await server.up();
  const upAt = performance.now();
  const up = await probe.snapshot(worker, base);
  const run = await drain(probe, server, worker, base, OUTAGE_TICKETS);
  const end = run.done ? stamps[base + OUTAGE_TICKETS - 1]! : run.end.at;
  out('outage backlog delivered', progress(run, OUTAGE_TICKETS, worker));
  out('  up() → first delivery s', stamps[base] === undefined ? '-' : fmt((stamps[base] - upAt) / 1_000, 2));
  out('  up() → all delivered s', run.done ? fmt((end - upAt) / 1_000, 1) : `> ${DRAIN_TIMEOUT_S}`);
  const rate = run.delivered / ((end - upAt) / 1_000);
  out('  tickets/s after up()', fmt(rate, 1));
  out('  CPU ms/ticket, up() → drained', cpuPerTicket(up, run.end));
  const calls = server.calls.slice(callsBefore);
  const gets = calls.filter((c) => c.method === 'GET' && c.path.endsWith('/requests.json')).length;
  out('  calls after up(): POST / GET requests (lookups)', `${fmt(calls.filter((c) => c.method === 'POST').length)} / ${fmt(gets)}`);
  await sleep(2_000);
  out('  exactly-once (server side)', exactlyOnce(server, filed));
  out('  SQL delivery states', await deliveryStates(db));
  return rate;
}
