import { readdirSync } from 'node:fs';
import { Writable } from 'node:stream';
import SQLite from 'better-sqlite3';
import fc from 'fast-check';
import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../bot/logger';

/*
 * What every fuzz suite shares: hostile inputs, a fingerprint of everything a request could leave
 * behind (Redis keys and queue jobs, SQL rows), and a logger that remembers error-level lines.
 * Run counts stay modest (FUZZ_RUNS) so the suites together take well under a minute; fast-check
 * prints the seed and the shrunk counterexample of a failure (replay with `{ seed, path }`).
 */

/** Runs per property; FUZZ_RUNS=2000 for a long local session. */
export const RUNS = Number(process.env.FUZZ_RUNS ?? 150);
/** Per test: room for runs whose answer is taken (a turn runs, then the state settles). */
export const TIMEOUT = Math.max(30_000, RUNS * 300);

// ---------------------------------------------------------------------------------------------- inputs

/** JSON nested `depth` levels deep: arrays, objects or a mix; JSON.parse copes, recursive code does not. */
export const deepJson = (depth: number, kind: 'array' | 'object' | 'mixed' = 'array'): string => {
  if (kind === 'array') return `${'['.repeat(depth)}1${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'{"a":['.repeat(depth / 2)}1${']}'.repeat(depth / 2)}`;
};

export const arbDeepJson = fc
  .tuple(fc.integer({ min: 33, max: 9_000 }), fc.constantFrom('array' as const, 'object' as const, 'mixed' as const))
  .map(([depth, kind]) => deepJson(depth, kind));

/**
 * A value that stands for JSON text nested too deep to build as an object here (the test's own
 * JSON.stringify would overflow): `toJson` splices its text in.
 */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson parts; `undefined` for undefined. */
export function toJson(value: unknown): string | undefined {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_key, v: unknown) => {
    if (!(v instanceof RawJson)) return v;
    raws.push(v.text);
    return `\u0000raw${raws.length - 1}\u0000`;
  });
  return text?.replace(/"\\u0000raw(\d+)\\u0000"/g, (_m, i: string) => raws[Number(i)]!);
}

/** A JSON value as a hostile client would type it: any shape, including deep and odd numbers. */
export const arbJsonValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: arbDeepJson.map((s) => new RawJson(s)) },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -0, Number.MAX_SAFE_INTEGER + 2, '', ' ', '\u0000', '%c0', '../../etc/passwd', '__proto__') },
);

/** `valid` with one field (top-level or nested, maybe new) replaced by a wrongly typed or hostile value. */
export function arbMutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const paths = collectPaths(valid);
  return fc.tuple(fc.constantFrom(...paths), fc.oneof(arbJsonValue, fc.constant(undefined)), fc.string({ maxLength: 12 })).map(([path, value, extra]) => {
    const copy = structuredClone(valid);
    const target = path.length === 0 ? [extra] : path;
    let node: Record<string, unknown> = copy;
    for (const key of target.slice(0, -1)) {
      const next = node[key];
      if (next === null || typeof next !== 'object') return copy;
      node = next as Record<string, unknown>;
    }
    node[target.at(-1)!] = value;
    return copy;
  });
}

function collectPaths(value: unknown, at: string[] = []): string[][] {
  const out: string[][] = [at];
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) out.push(...collectPaths(child, [...at, key]));
  }
  return out;
}

/** A request body: random text or bytes, a truncated or mutated valid body, deep JSON, an oversized one. */
export function arbBody(valid: Record<string, unknown>, oversize: number): fc.Arbitrary<string | Uint8Array> {
  const text = JSON.stringify(valid);
  return fc.oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 300, unit: 'binary' }) },
    { weight: 2, arbitrary: fc.uint8Array({ maxLength: 300 }) },
    { weight: 3, arbitrary: fc.integer({ min: 0, max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)) },
    { weight: 5, arbitrary: arbMutated(valid).map((v) => toJson(v) ?? 'undefined') },
    { weight: 2, arbitrary: arbJsonValue.map((v) => toJson(v) ?? '') },
    { weight: 2, arbitrary: arbDeepJson },
    { weight: 1, arbitrary: fc.constant(`{"pad":"${'x'.repeat(oversize)}"}`) },
  );
}

/** Content types a hostile client sends, including none. */
export const arbContentType = fc.oneof(
  { weight: 4, arbitrary: fc.constant('application/json') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      undefined, 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=xyz', 'application/octet-stream',
      'application/json; charset=utf-16', 'application/json; charset=latin-9', 'application/json; charset=utf-8', '*/*', 'application/',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 40, unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) }) },
);

/** A path segment with odd bytes: bad percent-escapes, encoded slashes, dots, unicode. */
export const arbPathSegment = fc.oneof(
  fc.constantFrom('%c0', '%', '%%', '%zz', '%e0%80', '..', '%2e%2e', '%2F', '%00', 'a%c0b', '%ff%fe', '%ED%A0%80'),
  fc.string({ minLength: 1, maxLength: 70, unit: fc.constantFrom(...'abcAZ09_-.~%!$&\'()*+,;=:@'.split('')) }),
  fc.string({ minLength: 1, maxLength: 20 }).map((s) => encodeURIComponent(s)),
);

// ---------------------------------------------------------------------------------------------- requests

export interface Answer {
  status: number;
  text: string;
}

/** One HTTP request; `body` as given (bytes or text), `contentType` undefined sends none. */
/** Statuses seen per entry point, to see what the inputs reach (FUZZ_STATS=1 prints them). */
const seen = new Map<string, Map<number, number>>();

export function printStats(): void {
  if (!process.env.FUZZ_STATS) return;
  console.log([...seen].map(([url, counts]) => `${new URL(url).pathname} ${JSON.stringify(Object.fromEntries(counts))}`).join('\n'));
}

export async function send(
  url: string,
  init: { method?: string; body?: string | Uint8Array; contentType?: string | undefined; headers?: Record<string, string> },
): Promise<Answer> {
  const headers: Record<string, string> = { ...init.headers };
  if (init.contentType !== undefined) headers['content-type'] = init.contentType;
  const res = await fetch(url, { method: init.method ?? 'POST', headers, ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : Buffer.from(init.body) } : {}) });
  const entry = url.replace(/\?.*/, '');
  const byStatus = seen.get(entry) ?? new Map<number, number>();
  byStatus.set(res.status, (byStatus.get(res.status) ?? 0) + 1);
  seen.set(entry, byStatus);
  return { status: res.status, text: await res.text() };
}

/** A client error, or one of `ok` (the documented 2xx of that entry point). Never a 5xx. */
export function isRefusal(answer: Answer, ok: readonly number[] = []): boolean {
  return (answer.status >= 400 && answer.status < 500) || ok.includes(answer.status);
}

// ---------------------------------------------------------------------------------------------- side effects

/**
 * Keys that change on their own or on a refusal by design: BullMQ's housekeeping (stalled checks,
 * event streams, repeatable sweeps of the tickets and handoff-timer queues, whose jobs SQL rows
 * would show), rate-limit counters, the token signing key.
 */
const HOUSEKEEPING = /:bull:[^:]+:(stalled-check|events|meta|stalled|marker)$|:(tickets|handoff-timers):|:rl:|:dl:signing-key$|:console:login-fail:/;

/** Where a request could leave something: the app's Redis prefix, its SQLite file, folders of files (media). */
export interface Footprint {
  redis: Redis;
  prefix: string;
  sqlitePath?: string;
  dirs?: string[];
}

/**
 * Everything a request could leave behind: each Redis key under `prefix` (but housekeeping) with its
 * type and size (a new job, mailbox entry or stream entry changes it), each SQL table's row count and
 * each folder's number of files.
 */
export async function fingerprint({ redis, prefix, sqlitePath, dirs = [] }: Footprint): Promise<string> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1_000);
    cursor = next;
    keys.push(...found.filter((k) => !HOUSEKEEPING.test(k)));
  } while (cursor !== '0');
  keys.sort();
  const types = await Promise.all(keys.map((k) => redis.type(k)));
  const sizes = await Promise.all(keys.map((k, i) => sizeOf(redis, k, types[i]!)));
  const lines = keys.map((k, i) => `${k} ${types[i]} ${sizes[i]}`);
  if (sqlitePath) lines.push(...sqlRowCounts(sqlitePath));
  for (const dir of dirs) lines.push(`dir ${dir} ${filesIn(dir)}`);
  return lines.join('\n');
}

function sizeOf(redis: Redis, key: string, type: string): Promise<number | string | null> {
  switch (type) {
    case 'stream': return redis.xlen(key);
    case 'list': return redis.llen(key);
    case 'hash': return redis.hlen(key);
    case 'set': return redis.scard(key);
    case 'zset': return redis.zcard(key);
    case 'string': return redis.get(key);
    default: return Promise.resolve(0);
  }
}

function filesIn(dir: string): number {
  try {
    return readdirSync(dir, { recursive: true }).length;
  } catch {
    return 0; // not created yet: nothing was ever stored there
  }
}

function sqlRowCounts(path: string): string[] {
  const db = new SQLite(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as Array<{ name: string }>;
    return tables.map(({ name }) => `sql ${name} ${(db.prepare(`SELECT count(*) AS n FROM "${name}"`).get() as { n: number }).n}`);
  } finally {
    db.close();
  }
}

/** Work still under way: a conversation's mailbox, queued or running jobs, held deliveries. */
const BUSY = /:mbox:|:(pending|held) (set|zset) [1-9]|:bull:[^:]+:(wait|active|delayed|prioritized) (list|zset) [1-9]/m;

/** Waits until the fingerprint holds still (turns started before the fuzzing have finished), and returns it. */
export async function settledFingerprint(where: Footprint): Promise<string> {
  let last = await fingerprint(where);
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await fingerprint(where);
    if (now === last && !BUSY.test(now)) return now;
    last = now;
  }
  throw new Error(`the app's Redis/SQL state did not settle:\n${last}`);
}

/** Lines that differ between two fingerprints, for a readable failure. */
export function fingerprintDiff(before: string, after: string): string[] {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  return [...[...a].filter((l) => !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`)];
}

// ---------------------------------------------------------------------------------------------- logs

/** A logger (at warn) that keeps its lines; `errors()` are those at error level or above. */
export function capturingLogger(): { log: Logger; errors: () => string[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { log: createLogger('warn', {}, sink), errors: () => lines.filter((l) => (JSON.parse(l) as { level: number }).level >= 50) };
}

/** A baseline of the app's state and the check that a refused request left it as it was. */
export class Footprints {
  private baseline = '';

  constructor(private readonly where: Footprint) {}

  /** Takes the baseline once everything started before has finished. */
  async settle(): Promise<void> {
    if ((await fingerprint(this.where)) === this.baseline) return; // nothing happened: no turn to wait for
    this.baseline = await settledFingerprint(this.where);
  }

  /** Throws, naming what changed, when the state is not the baseline any more. */
  async expectUnchanged(what: string): Promise<void> {
    const diff = fingerprintDiff(this.baseline, await fingerprint(this.where));
    if (diff.length > 0) throw new Error(`${what} left something behind:\n${diff.join('\n')}`);
  }
}

/** Throws with the request and answer when the answer is not a refusal (or one of `ok`). */
export function expectRefusal(answer: Answer, what: string, ok: readonly number[] = []): void {
  if (!isRefusal(answer, ok)) throw new Error(`${what} answered ${answer.status}: ${answer.text.slice(0, 300)}`);
}
