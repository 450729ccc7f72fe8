/**
 * Pure evaluation metrics for the classifier and the place extractor: no I/O, no classifier, so
 * tests can check them on small hand-computed cases (tests/eval/metrics.test.ts).
 *
 * Labels are plain strings; the "none" outcome is a label like any other ("none" for the service),
 * so it gets its own precision and recall and takes part in macro-F1.
 */

/** Precision, recall and F1 of one label, with how often it was the truth and the prediction. */
export interface ClassScores {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  /** How many items carry this label as the truth. */
  support: number;
  /** How many items were predicted as this label. */
  predicted: number;
}

/** One of the `bins` equal-width confidence bins of a calibration table. */
export interface CalibrationBin {
  /** Inclusive lower edge. */
  lo: number;
  /** Exclusive upper edge (the last bin includes 1). */
  hi: number;
  count: number;
  /** Mean confidence of the items in the bin (0 when empty). */
  meanConfidence: number;
  /** Share of the bin's items that were right (0 when empty). */
  accuracy: number;
}

export interface Calibration {
  bins: CalibrationBin[];
  /** Expected calibration error: Σ (count/N)·|accuracy − meanConfidence| over the bins. */
  ece: number;
}

export interface Confusion {
  gold: string;
  predicted: string;
  count: number;
}

/** Share of positions where `predicted` equals `gold`. 0 for empty input. */
export function accuracy(gold: readonly string[], predicted: readonly string[]): number {
  sameLength(gold, predicted);
  if (gold.length === 0) return 0;
  let right = 0;
  for (let i = 0; i < gold.length; i++) if (gold[i] === predicted[i]) right++;
  return right / gold.length;
}

/**
 * Per-label precision, recall and F1, sorted by label. A label never predicted has precision 0;
 * a label never true has recall 0 (the sklearn "zero_division=0" convention).
 * `labels` defaults to every label seen in `gold` or `predicted`.
 */
export function perClass(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): ClassScores[] {
  sameLength(gold, predicted);
  const all = labels ?? [...new Set([...gold, ...predicted])].sort();
  return all.map((label) => {
    let tp = 0;
    let support = 0;
    let predictedCount = 0;
    for (let i = 0; i < gold.length; i++) {
      const g = gold[i] === label;
      const p = predicted[i] === label;
      if (g) support++;
      if (p) predictedCount++;
      if (g && p) tp++;
    }
    const precision = predictedCount === 0 ? 0 : tp / predictedCount;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support, predicted: predictedCount };
  });
}

/** Unweighted mean of the per-label F1 (over `labels`, default every label in gold or predicted). */
export function macroF1(gold: readonly string[], predicted: readonly string[], labels?: readonly string[]): number {
  const scores = perClass(gold, predicted, labels);
  if (scores.length === 0) return 0;
  return scores.reduce((sum, s) => sum + s.f1, 0) / scores.length;
}

/**
 * Reliability table: confidences split into `bins` equal-width bins ([0, 0.1), …, [0.9, 1] for 10),
 * each with its mean confidence and observed accuracy, and the expected calibration error.
 * @example calibration([0.95, 0.95], [true, false]).ece === 0.45
 */
export function calibration(confidences: readonly number[], correct: readonly boolean[], bins = 10): Calibration {
  sameLength(confidences, correct);
  const sums = Array.from({ length: bins }, () => ({ count: 0, conf: 0, right: 0 }));
  confidences.forEach((c, i) => {
    if (!(c >= 0 && c <= 1)) throw new RangeError(`confidence ${c} is outside [0, 1]`);
    const bin = sums[Math.min(bins - 1, Math.floor(c * bins))]!;
    bin.count++;
    bin.conf += c;
    if (correct[i]) bin.right++;
  });
  const n = confidences.length;
  let ece = 0;
  const table = sums.map((s, b) => {
    const meanConfidence = s.count === 0 ? 0 : s.conf / s.count;
    const acc = s.count === 0 ? 0 : s.right / s.count;
    if (n > 0) ece += (s.count / n) * Math.abs(acc - meanConfidence);
    return { lo: b / bins, hi: (b + 1) / bins, count: s.count, meanConfidence, accuracy: acc };
  });
  return { bins: table, ece };
}

/** The `n` most frequent (gold, predicted) pairs where they differ, most frequent first, ties by name. */
export function topConfusions(gold: readonly string[], predicted: readonly string[], n = 10): Confusion[] {
  sameLength(gold, predicted);
  const counts = new Map<string, Confusion>();
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (g === p) continue;
    const key = `${g}\u0000${p}`;
    const c = counts.get(key) ?? { gold: g, predicted: p, count: 0 };
    c.count++;
    counts.set(key, c);
  }
  return [...counts.values()]
    .sort((a, b) => b.count - a.count || a.gold.localeCompare(b.gold) || a.predicted.localeCompare(b.predicted))
    .slice(0, n);
}

/**
 * Words of a place for comparison: lowercase, accents folded, punctuation dropped.
 * @example placeTokens('C/ Colón, 12') → ['c', 'colon', '12']
 */
export function placeTokens(place: string): string[] {
  const folded = place.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^a-z0-9]+/g, ' ').trim();
  return folded === '' ? [] : folded.split(' ');
}

/**
 * Exact match of an extracted place against the label, after {@link placeTokens}. Both absent is a
 * match (nothing to extract, nothing extracted); one absent is not.
 */
export function placeExactMatch(gold: string | null, predicted: string | null): boolean {
  if (gold === null || predicted === null) return gold === predicted;
  return placeTokens(gold).join(' ') === placeTokens(predicted).join(' ');
}

/**
 * Token-overlap F1 (SQuAD style, counting repeated tokens) of an extracted place against the label.
 * Both absent scores 1; one absent scores 0.
 * @example placeTokenF1('calle Colón 12', 'Colón 12') → 0.8
 */
export function placeTokenF1(gold: string | null, predicted: string | null): number {
  if (gold === null || predicted === null) return gold === predicted ? 1 : 0;
  const g = placeTokens(gold);
  const p = placeTokens(predicted);
  if (g.length === 0 || p.length === 0) return g.length === p.length ? 1 : 0;
  const left = new Map<string, number>();
  for (const t of g) left.set(t, (left.get(t) ?? 0) + 1);
  let common = 0;
  for (const t of p) {
    const k = left.get(t) ?? 0;
    if (k > 0) {
      common++;
      left.set(t, k - 1);
    }
  }
  if (common === 0) return 0;
  const precision = common / p.length;
  const recall = common / g.length;
  return (2 * precision * recall) / (precision + recall);
}

function sameLength(a: readonly unknown[], b: readonly unknown[]): void {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
}
