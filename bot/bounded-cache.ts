/**
 * A per-process memo that forgets its oldest entry beyond `capacity`: for answers that are pure (a
 * normalized text, a parsed path, a prepared statement) or checked on use (a verified token's expiry).
 */
export class BoundedCache<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  set(key: K, value: V): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    // Maps iterate in insertion order: the first key is the oldest entry.
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  /** The value remembered for `key`, or `make()`'s, remembered. */
  remember(key: K, make: () => V): V {
    let value = this.entries.get(key);
    if (value === undefined) this.set(key, (value = make()));
    return value;
  }
}
