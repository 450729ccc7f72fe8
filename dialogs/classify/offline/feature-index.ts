/**
 * Maps 32-bit feature hashes to dense row numbers: an open-addressing table on typed arrays.
 *
 * Why not a Map: every classification looks up several hundred hashes; linear probing over an
 * Int32Array kept at most half full is several times faster than `Map.get` and allocates nothing.
 */
import type { IntBuffer } from './feature-hasher';

export class FeatureIndex {
  private keys: Int32Array;
  // row + 1, so that 0 marks an empty slot and every hash value (0 included) is a valid key
  private rows: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1 << 14) {
    const cap = 1 << Math.ceil(Math.log2(Math.max(16, capacity)));
    this.keys = new Int32Array(cap);
    this.rows = new Int32Array(cap);
    this.mask = cap - 1;
  }

  /** Row of `hash`, or -1 when training never saw it. */
  get(hash: number): number {
    let i = mix(hash) & this.mask;
    for (;;) {
      const r = this.rows[i]!;
      if (r === 0) return -1;
      if (this.keys[i] === hash) return r - 1;
      i = (i + 1) & this.mask;
    }
  }

  /** Writes the row of every hash in `hashes` (-1 when unseen) into `rows`. */
  lookup(hashes: IntBuffer, rows: IntBuffer): void {
    rows.length = 0;
    for (let j = 0; j < hashes.length; j++) rows.push(this.get(hashes.data[j]!));
  }

  /** Row of `hash`, giving it the next free row if it is new. */
  add(hash: number): number {
    const found = this.get(hash);
    if (found !== -1) return found;
    if ((this.size + 1) * 2 > this.keys.length) this.grow();
    this.insert(hash, this.size);
    return this.size++;
  }

  private insert(hash: number, row: number): void {
    let i = mix(hash) & this.mask;
    while (this.rows[i] !== 0) i = (i + 1) & this.mask;
    this.keys[i] = hash;
    this.rows[i] = row + 1;
  }

  private grow(): void {
    const { keys, rows } = this;
    this.keys = new Int32Array(keys.length * 2);
    this.rows = new Int32Array(keys.length * 2);
    this.mask = this.keys.length - 1;
    for (let i = 0; i < keys.length; i++) if (rows[i] !== 0) this.insert(keys[i]!, rows[i]! - 1);
  }
}

/** FNV output is already well spread in its low bits only after a final avalanche. */
function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h;
}
