import type { GeoReportRequest } from './georeport-types';

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

  constructor(
    private readonly list: (serviceCode: string, start: Date, end: Date) => Promise<GeoReportRequest[]>,
    /** A fetch waits this long for more callers to join it. */
    private readonly gatherMs = 25,
  ) {}

  /** The id of the request quoting `reference`, from a list fetched after this call; undefined when none. */
  async find(serviceCode: string, start: Date, end: Date, reference: string): Promise<string | undefined> {
    const key = `${serviceCode}|${start.toISOString()}|${end.toISOString()}`;
    let slot = this.open.get(key);
    if (!slot) {
      const entry: { result: Promise<Map<string, string>> } = { result: Promise.resolve(new Map()) };
      entry.result = (this.last.get(key) ?? Promise.resolve())
        .catch(() => undefined)
        .then(() => new Promise((r) => setTimeout(r, this.gatherMs)))
        .then(() => {
          // From here on, newcomers wait for the next fetch: this one may not show what they created.
          if (this.open.get(key) === entry) this.open.delete(key);
          return this.list(serviceCode, start, end);
        })
        .then(referencesIn);
      this.open.set(key, entry);
      this.last.set(key, entry.result);
      entry.result.catch(() => undefined).finally(() => {
        if (this.last.get(key) === entry.result) this.last.delete(key);
      });
      slot = entry;
    }
    return (await slot.result).get(reference.trim().toUpperCase());
  }
}
