/**
 * The last `capacity` message ids this process saw, oldest forgotten first. A cheap first guard
 * against WhatsApp handing the same message over again (reconnect replays, retries), so its media is
 * not downloaded twice; the inbound queue's dedupe in Redis is the guarantee.
 */
export class RecentIds {
  private readonly ids = new Set<string>();

  constructor(private readonly capacity = 5_000) {}

  /** True when `id` is new (and now remembered); false when it was seen. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    // A Set iterates in insertion order: the first value is the oldest.
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }

  /** Forgets `id`, so a later copy is handled (after a failure to ingest this one). */
  forget(id: string): void {
    this.ids.delete(id);
  }
}
