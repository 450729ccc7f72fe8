import type { GeoReportRequest } from './georeport-types';

/** A list answers callers with an older last attempt for this long (then a fresh one is fetched). */
const LATEST_TTL_MS = 60_000;

// Our references as the request description quotes them (see request-form: a last line `Ref: ALU-2026-000123`).
const REF_LINE = /(?:^|\s)Ref:\s*([A-Za-z]{3}-\d{4}-\d{6})(?![\w-])/gi;

/** Reference (upper case) → service_request_id, from one list of requests. */
export function referencesIn(requests: readonly GeoReportRequest[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const r of requests) {
    for (const m of (r.description ?? '').matchAll(REF_LINE)) if (!out.has(m[1]!.toUpperCase())) out.set(m[1]!.toUpperCase(), r.serviceRequestId);
  }
  return out;
}

/**
 * Duplicate lookups shared by every retry of one service's tickets. GeoReport v2 has no idempotency
 * key, so a retry must list the service's recent requests and look for its `Ref:` line; done per ticket,
 * a back office coming back to thousands of retries answered thousands of full lists (bench/tickets.ts:
 * 0.7 tickets/s). Here one list serves every retry that asked before it was requested.
 *
 * Read this before changing: a list may answer a caller only if it was fetched AFTER that caller asked
 * (so it shows whatever the caller's earlier attempt created). Callers therefore join a fetch that has
 * not started yet; fetches of one key run one after another.
 */
export class SharedLookup {
  private readonly open = new Map<string, { result: Promise<Map<string, string>> }>();
  private readonly last = new Map<string, Promise<unknown>>();
  /** The latest list of each key and when its fetch began, for callers whose last attempt is older. */
  private readonly latest = new Map<string, { startedAt: number; refs: Map<string, string> }>();

  constructor(
    private readonly list: (serviceCode: string, start: Date, end: Date) => Promise<GeoReportRequest[]>,
    /** A fetch waits this long for more callers to join it. */
    private readonly gatherMs = 25,
  ) {}

  /**
   * The id of the request quoting `reference`; undefined when none. `since`: when this ticket's previous
   * attempt ended, if known — a list fetched after that already shows whatever it created (after an
   * outage, one list then answers every waiting ticket); otherwise the list is fetched after this call.
   */
  async find(serviceCode: string, start: Date, end: Date, reference: string, since?: Date): Promise<string | undefined> {
    const key = `${serviceCode}|${start.toISOString()}|${end.toISOString()}`;
    const ref = reference.trim().toUpperCase();
    const latest = this.latest.get(key);
    if (since && latest && latest.startedAt > since.getTime() && Date.now() - latest.startedAt < LATEST_TTL_MS) return latest.refs.get(ref);
    let slot = this.open.get(key);
    if (!slot) {
      const entry: { result: Promise<Map<string, string>> } = { result: Promise.resolve(new Map()) };
      entry.result = (this.last.get(key) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => new Promise((r) => setTimeout(r, this.gatherMs)))
        .then(async () => {
          // From here on, newcomers wait for the next fetch: this one may not show what they created.
          if (this.open.get(key) === entry) this.open.delete(key);
          const startedAt = Date.now();
          const refs = referencesIn(await this.list(serviceCode, start, end));
          this.latest.set(key, { startedAt, refs });
          return refs;
        });
      this.open.set(key, entry);
      this.last.set(key, entry.result);
      entry.result.catch(() => undefined).finally(() => {
        if (this.last.get(key) === entry.result) this.last.delete(key);
      });
      slot = entry;
    }
    return (await slot.result).get(ref);
  }
}
