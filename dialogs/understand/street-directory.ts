import { readFile } from 'node:fs/promises';
import { normalize } from '../classify/normalize';

/**
 * The city's own list of street names (optional): a CSV with one street per row, in the first
 * column or in a column named `name`, `street`, `calle`, `carrer` or `nombre` when there is a header
 * row. It turns what a citizen typed ("colon", "c/ Colon", "calle colón") into the city's spelling
 * ("Calle Colón"), and says whether a street exists at all.
 */
export interface StreetMatch {
  /** The city's spelling of the street. */
  name: string;
  /** 1 for an exact match (accents, case and street type aside), lower for a typo. */
  score: number;
}

// Street types dropped from both sides before comparing, so "colon" finds "Calle Colón".
const TYPE_WORDS = new Set([
  'calle', 'c', 'cl', 'cll', 'avenida', 'avda', 'avd', 'av', 'paseo', 'po', 'pso', 'plaza', 'pza', 'pl', 'ronda', 'camino', 'carretera', 'ctra', 'travesia', 'pasaje', 'psje', 'rambla', 'glorieta', 'bulevar',
  'carrer', 'cr', 'avinguda', 'passeig', 'pg', 'placa', 'cami', 'travessera', 'passatge', 'street', 'st', 'road', 'rd', 'avenue', 'ave', 'lane', 'ln', 'drive', 'dr', 'square', 'sq', 'way', 'place',
]);
const ARTICLES = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'les', 'dels', 'd', 'l', 'the', 'of']);

/** The comparable core of a street name: folded, without its type and articles ("av. de la Constitución" → "constitucion"). */
export function streetKey(name: string): string {
  const words = normalize(name).split(' ').filter((w) => w !== '');
  while (words.length > 1 && (TYPE_WORDS.has(words[0]!) || ARTICLES.has(words[0]!))) words.shift();
  return words.filter((w, i) => i === 0 || !ARTICLES.has(w)).join(' ');
}

export class StreetDirectory {
  readonly #byKey = new Map<string, string>();
  readonly #keys: string[];

  constructor(names: readonly string[]) {
    for (const n of names) {
      const name = n.trim();
      const key = streetKey(name);
      if (key !== '' && !this.#byKey.has(key)) this.#byKey.set(key, name);
    }
    this.#keys = [...this.#byKey.keys()];
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** Reads a CSV file (UTF-8, optional header row, RFC 4180 quotes). */
  static async load(path: string): Promise<StreetDirectory> {
    return StreetDirectory.fromCsv(await readFile(path, 'utf8'));
  }

  static fromCsv(csv: string): StreetDirectory {
    const rows = parseCsv(csv.replace(/^\uFEFF/, ''));
    const header = rows[0]?.map((c) => normalize(c));
    const column = header?.findIndex((c) => ['name', 'street', 'calle', 'carrer', 'nombre', 'nom', 'via', 'street name'].includes(c)) ?? -1;
    const body = column >= 0 ? rows.slice(1) : rows;
    return new StreetDirectory(body.map((r) => r[Math.max(column, 0)] ?? '').filter((n) => /\p{L}/u.test(n)));
  }

  /**
   * The city's street for what the citizen wrote: exact on the folded key, else the single closest
   * name within a small edit distance (one typo per five letters, at most two). Undefined when
   * nothing is close or two streets are equally close.
   */
  match(written: string): StreetMatch | undefined {
    const key = streetKey(written);
    if (key === '') return undefined;
    const exact = this.#byKey.get(key);
    if (exact) return { name: exact, score: 1 };
    const budget = Math.min(2, Math.floor(key.length / 5));
    if (budget === 0) return undefined;
    let best: string | undefined;
    let bestDistance = budget + 1;
    let tie = false;
    for (const k of this.#keys) {
      if (Math.abs(k.length - key.length) > budget) continue;
      const d = distance(key, k, budget);
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
        tie = false;
      } else if (d === bestDistance) tie = true;
    }
    if (!best || tie) return undefined;
    return { name: this.#byKey.get(best)!, score: 1 - bestDistance / Math.max(key.length, 1) };
  }

  /**
   * Streets of the directory named in a message without a street type ("en colon 12 hay un bache"):
   * the longest name found as whole words, with the number after it if any.
   */
  findIn(text: string): { written: string; name: string; number?: string } | undefined {
    const words = [...text.matchAll(/[\p{L}\p{M}'’·-]+|\d{1,5}/gu)];
    for (let size = 4; size >= 1; size--) {
      for (let i = 0; i + size <= words.length; i++) {
        const slice = words.slice(i, i + size);
        if (slice.some((w) => /^\d/.test(w[0]))) continue;
        const start = slice[0]!.index!;
        const end = slice.at(-1)!.index! + slice.at(-1)![0].length;
        const written = text.slice(start, end);
        const key = streetKey(written);
        // Single common words ("mayor", "real") only count with a house number after them.
        const name = this.#byKey.get(key);
        if (!name) continue;
        const next = words[i + size];
        const number = next && /^\d/.test(next[0]) && /^[\s,nº°.]*$/u.test(text.slice(end, next.index)) ? next[0] : undefined;
        if (key.length < 4 || (size === 1 && !number && /^\p{Ll}/u.test(written))) continue;
        return { written: number ? text.slice(start, next!.index! + next![0].length) : written, name, ...(number ? { number } : {}) };
      }
    }
    return undefined;
  }
}

/** Levenshtein distance, giving up (returning max + 1) once it exceeds `max`. */
function distance(a: string, b: string, max: number): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      row.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = row;
  }
  return prev[b.length]!;
}

/** RFC 4180 rows: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',' || c === ';') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      if (row.some((f) => f.trim() !== '')) rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  row.push(field);
  if (row.some((f) => f.trim() !== '')) rows.push(row);
  return rows;
}
