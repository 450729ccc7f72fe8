// `npm run fault:stall`: the real roles as processes (one web, FAULT_WORKERS workers) under web chat load
// through Direct Line, while workers are frozen (SIGSTOP) past the conversation lock and killed (kill -9,
// sometimes two back to back, each restarted at once). Then every conversation's transcript is checked:
// messages lost, answered twice and answered out of order (all must be 0), and how long the conversations
// waiting at each fault waited for their next reply. Prints numbers; exits 1 if any count is not 0.
// Issue 12 parts 8 and 10.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import WebSocket from 'ws';
import { deleteKeysMatching } from '../tests/support/redis';
import { percentile } from './directline-load';
import { spawnBot, stopBot } from './spawn-bot';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONVERSATIONS = Number(process.env.FAULT_CONVERSATIONS ?? 100);
const MESSAGES = Number(process.env.FAULT_MESSAGES ?? 60);
const WORKERS = Number(process.env.FAULT_WORKERS ?? 3);
/** How long a frozen worker stays frozen: past the 4 s conversation lock. */
const STOP_MS = Number(process.env.FAULT_STOP_MS ?? 7_000);
const FAULT_EVERY_MS = Number(process.env.FAULT_EVERY_MS ?? 3_000);
/** Pause between one conversation's messages (uniform between the two), so the run spans many faults. */
const GAP_MS: [number, number] = [Number(process.env.FAULT_GAP_MIN_MS ?? 100), Number(process.env.FAULT_GAP_MAX_MS ?? 600)];
const PORT = Number(process.env.FAULT_PORT ?? 39_790);

const out = (label: string, value: unknown) => console.log(`${label.padEnd(52)} ${value}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'citybot-fault-'));
const prefix = `fault-${randomUUID().slice(0, 8)}`;
const secret = randomUUID() + randomUUID();
const base = `http://127.0.0.1:${PORT}/v3/directline`;
const env = {
  REDIS_URL, REDIS_PREFIX: prefix, SQLITE_PATH: join(dir, 'bot.sqlite'), DATA_DIR: dir, DIRECTLINE_SECRET: secret,
  PUBLIC_URL: `http://127.0.0.1:${PORT}`, TOKEN_RATE_LIMIT: '1000',
};

interface Reply { at: number; replyToId: string }
interface Conversation { id: string; token: string; ws: WebSocket; sent: Array<{ id: string; at: number }>; replies: Reply[] }

/** Warnings the workers logged, by message (stale turns refused, lapsed locks re-drained). */
const workerLines = new Map<string, number>();
const procs = new Set<ChildProcess>();
process.on('exit', () => { for (const p of procs) p.kill('SIGKILL'); });

/** A worker process whose log lines are counted, not printed (a fault run makes many warnings on purpose). */
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bot/main.ts'], {
    env: { ...process.env, LOG_LEVEL: 'warn', METRICS_PORT: '0', ...env, ROLE: 'worker', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.add(child);
  child.once('exit', () => procs.delete(child));
  createInterface({ input: child.stdout! }).on('line', (line) => {
    const msg = (() => { try { return String((JSON.parse(line) as { msg?: unknown }).msg); } catch { return line.slice(0, 60); } })();
    workerLines.set(msg, (workerLines.get(msg) ?? 0) + 1);
  });
  return child;
}

async function open(): Promise<Conversation> {
  const res = await fetch(`${base}/conversations`, { method: 'POST', headers: { authorization: `Bearer ${secret}` } });
  if (!res.ok) throw new Error(`POST conversations answered ${res.status}`);
  const { conversationId, token, streamUrl } = (await res.json()) as { conversationId: string; token: string; streamUrl: string };
  const ws = new WebSocket(streamUrl);
  await new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
  const c: Conversation = { id: conversationId, token, ws, sent: [], replies: [] };
  ws.on('message', (data) => {
    const frame = data.toString();
    if (!frame) return;
    for (const a of (JSON.parse(frame) as { activities: Array<{ from: { role?: string }; replyToId?: string }> }).activities) {
      if (a.from.role === 'bot' && a.replyToId) c.replies.push({ at: performance.now(), replyToId: a.replyToId });
    }
  });
  return c;
}

async function post(c: Conversation, text: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${base}/conversations/${c.id}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${c.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'citizen' }, text, locale: 'es', channelData: { clientActivityID: `${c.id}-${text}` } }),
    });
    if (res.ok) {
      c.sent.push({ id: ((await res.json()) as { id: string }).id, at: performance.now() });
      return;
    }
    if (attempt === 5) throw new Error(`POST activities answered ${res.status}`);
    await sleep(200 * attempt);
  }
}

/** The server's stream of a conversation, every page (what a reconnecting citizen would see). */
async function transcript(c: Conversation): Promise<Array<{ role?: string; replyToId?: string; text?: string }>> {
  const all: Array<{ from?: { role?: string }; replyToId?: string; text?: string }> = [];
  let watermark: string | undefined;
  for (;;) {
    const res = await fetch(`${base}/conversations/${c.id}/activities${watermark ? `?watermark=${watermark}` : ''}`, { headers: { authorization: `Bearer ${c.token}` } });
    const page = (await res.json()) as { activities: typeof all; watermark?: string };
    all.push(...page.activities);
    if (page.activities.length === 0 || !page.watermark || page.watermark === watermark) break;
    watermark = page.watermark;
  }
  return all.map((a) => ({ role: a.from?.role, replyToId: a.replyToId, text: a.text }));
}

interface Fault { kind: 'kill' | 'stop'; at: number; waiting: Conversation[] }
const unanswered = (c: Conversation, at: number) => c.sent.some((s) => s.at <= at && !c.replies.some((r) => r.replyToId === s.id));

/**
 * Freezes or kills a worker every FAULT_EVERY_MS (a double kill every fourth time) while `running()`, at a
 * moment when `busy()` (conversations are locked by their workers, i.e. turns are in flight) if one comes within 1 s.
 */
async function injectFaults(workers: ChildProcess[], convs: Conversation[], running: () => boolean, busy: () => Promise<boolean>): Promise<Fault[]> {
  const faults: Fault[] = [];
  const frozen = new Set<ChildProcess>();
  const thaws: Promise<void>[] = [];
  /** A random worker that is not frozen, or -1. */
  const anyLive = () => {
    const live = workers.map((w, i) => (frozen.has(w) ? -1 : i)).filter((i) => i >= 0);
    return live.length === 0 ? -1 : live[Math.floor(Math.random() * live.length)]!;
  };
  for (let n = 0; running(); n++) {
    await sleep(FAULT_EVERY_MS);
    // Strike while turns are in flight (every worker likely holds conversations), so that faults bite.
    for (let tries = 0; tries < 40 && !(await busy()); tries++) await sleep(25);
    if (!running()) break;
    // One frozen worker at a time: a kill restarts its worker at once, a freeze lasts STOP_MS.
    const kind = n % 3 === 1 && frozen.size === 0 ? 'stop' : 'kill';
    const i = anyLive();
    if (i < 0) continue;
    const at = performance.now();
    faults.push({ kind, at, waiting: convs.filter((c) => unanswered(c, at)) });
    const w = workers[i]!;
    if (kind === 'stop') {
      w.kill('SIGSTOP');
      frozen.add(w);
      thaws.push(sleep(STOP_MS).then(() => { w.kill('SIGCONT'); frozen.delete(w); }));
    } else {
      w.kill('SIGKILL');
      workers[i] = startWorker();
      if (n % 4 === 3) {
        // Back to back: a second worker dies 500 ms after the first.
        await sleep(500);
        const j = anyLive();
        if (j >= 0 && j !== i) {
          const at2 = performance.now();
          faults.push({ kind: 'kill', at: at2, waiting: convs.filter((c) => unanswered(c, at2)) });
          workers[j]!.kill('SIGKILL');
          workers[j] = startWorker();
        }
      }
    }
  }
  await Promise.all(thaws);
  return faults;
}

/** Lost, answered twice and out of order, from the server's stream of each conversation. */
async function check(convs: Conversation[]): Promise<{ lost: number; twice: number; outOfOrder: number; messages: number }> {
  let lost = 0;
  let twice = 0;
  let outOfOrder = 0;
  let messages = 0;
  for (const c of convs) {
    const ids = c.sent.map((s) => s.id);
    messages += ids.length;
    const ours = new Set(ids);
    const replies = (await transcript(c)).filter((a) => a.role === 'bot' && a.replyToId && ours.has(a.replyToId));
    // Runs of replies to one message, in stream order: each message must have exactly one run, in the order sent.
    const runs: Array<{ id: string; texts: string[] }> = [];
    for (const r of replies) {
      const last = runs.at(-1);
      if (last && last.id === r.replyToId) last.texts.push(r.text ?? '');
      else runs.push({ id: r.replyToId!, texts: [r.text ?? ''] });
    }
    for (const id of ids) {
      const mine = runs.filter((r) => r.id === id);
      if (mine.length === 0) lost++;
      // A second run, or one batch shown twice in a row (the same text twice in one run).
      else if (mine.length > 1 || new Set(mine[0]!.texts).size < mine[0]!.texts.length) twice++;
    }
    const firstRun = ids.map((id) => runs.findIndex((r) => r.id === id)).filter((p) => p >= 0);
    outOfOrder += firstRun.filter((p, k) => k > 0 && p < firstRun[k - 1]!).length;
  }
  return { lost, twice, outOfOrder, messages };
}

/** ms from each fault to the next reply of each conversation that was waiting for one when it happened. */
function recovery(faults: Fault[], kind: Fault['kind']): number[] {
  return faults.filter((f) => f.kind === kind).flatMap((f) => f.waiting.map((c) => {
    const next = c.replies.find((r) => r.at > f.at);
    return next ? next.at - f.at : Infinity;
  })).sort((a, b) => a - b);
}

const stats = (ms: number[]) => (ms.length === 0 ? 'none' : `${percentile(ms, 50).toFixed(0)} / ${percentile(ms, 99).toFixed(0)} / ${ms.at(-1)!.toFixed(0)} ms (${ms.length})`);

let failed = false;
try {
  console.log(`# fault run: ${CONVERSATIONS} conversations × ${MESSAGES} messages, 1 web + ${WORKERS} worker processes, a fault every ${FAULT_EVERY_MS} ms (SIGSTOP ${STOP_MS} ms or kill -9), Redis ${REDIS_URL}`);
  const web = await spawnBot({ ...env, ROLE: 'web', PORT: String(PORT), LOG_LEVEL: 'error' }, `http://127.0.0.1:${PORT}/readyz`);
  procs.add(web);
  const workers = Array.from({ length: WORKERS }, () => startWorker());
  const redis = new Redis(REDIS_URL);
  const inbound = new Queue('inbound', { connection: redis, prefix: `${prefix}:bull` });
  while ((await inbound.getWorkers()).length < WORKERS) await sleep(250);
  await inbound.close();
  const convs = await Promise.all(Array.from({ length: CONVERSATIONS }, () => open()));
  let sending = true;
  const sendAll = Promise.all(convs.map(async (c) => {
    for (let n = 1; n <= MESSAGES; n++) {
      await post(c, `mensaje ${n} de ${MESSAGES}`);
      await sleep(GAP_MS[0] + Math.random() * (GAP_MS[1] - GAP_MS[0]));
    }
  })).finally(() => { sending = false; });
  // Conversation locks held right now (one SCAN: the run's keyspace is small).
  const locked = async () => (await redis.scan('0', 'MATCH', `${prefix}:inbound:lock:*`, 'COUNT', 1_000_000))[1].length;
  const faults = await injectFaults(workers, convs, () => sending, async () => (await locked()) >= WORKERS);
  await sendAll;
  // Every worker is running again (frozen ones were thawed): a probe per conversation is answered only after
  // everything before it, so once all probes are answered no late duplicate can still be on its way.
  const deadline = performance.now() + 120_000;
  await Promise.all(convs.map((c) => post(c, 'ayuda')));
  while (performance.now() < deadline && convs.some((c) => unanswered(c, performance.now()))) await sleep(250);
  await sleep(1_000);
  const result = await check(convs);
  out('messages sent (incl. one probe per conversation)', result.messages);
  out('faults: kill -9 / SIGSTOP past the lock', `${faults.filter((f) => f.kind === 'kill').length} / ${faults.filter((f) => f.kind === 'stop').length}`);
  out('messages lost', result.lost);
  out('messages answered twice', result.twice);
  out('messages answered out of order', result.outOfOrder);
  out('kill -9 → next reply of waiting conversations p50/p99/max', stats(recovery(faults, 'kill')));
  out('SIGSTOP → next reply of waiting conversations p50/p99/max', stats(recovery(faults, 'stop')));
  const slow = (ms: number[]) => ms.filter((m) => m > 500);
  out('  kill -9, only those waiting > 500 ms (the dead worker\'s)', stats(slow(recovery(faults, 'kill'))));
  out('  SIGSTOP, only those waiting > 500 ms (the frozen worker\'s)', stats(slow(recovery(faults, 'stop'))));
  for (const [msg, count] of [...workerLines].filter(([m]) => /lost the lock|lapsed|dead letters/.test(m))) out(`worker log: "${msg.slice(0, 60)}"`, count);
  out('inbound dead letters', await redis.llen(`${prefix}:inbound:dead`));
  failed = result.lost + result.twice + result.outOfOrder > 0;
  for (const c of convs) c.ws.close();
  redis.disconnect();
} finally {
  for (const p of [...procs]) await stopBot(p);
  const redis = new Redis(REDIS_URL);
  await deleteKeysMatching(redis, `${prefix}*`);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;
