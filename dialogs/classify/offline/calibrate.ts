/**
 * Calibration of a softmax head by temperature scaling, fitted on held-out folds of its own
 * training data: the model is trained k times on (k-1)/k of the documents, each held-out fold is
 * scored, and the temperature that minimises the negative log-likelihood of those out-of-fold
 * scores is the one the full model uses. A temperature never changes which class wins, only how
 * sure the model says it is, so a message made of words the catalog never saw stays unconfident.
 */
import { LinearModel, softmax, type SparseDoc, type TrainOptions } from './linear-model';

/** Out-of-fold raw scores of every document (row-major, `classes` per document) and its label. */
export interface HeldOutScores {
  logits: Float64Array;
  labels: Int32Array;
  classes: number;
}

/** k-fold split by a fixed permutation, so the same data always gives the same folds. */
export function foldOf(n: number, folds: number, seed = 7): Int32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  let a = seed >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const fold = new Int32Array(n);
  order.forEach((doc, rank) => (fold[doc] = rank % folds));
  return fold;
}

/** Trains on every fold but one and scores that one, for each fold (yields between slices). */
export function* heldOutScores(
  docs: readonly SparseDoc[],
  features: number,
  classes: number,
  options: TrainOptions,
  folds: number,
): Generator<void, HeldOutScores, void> {
  const fold = foldOf(docs.length, folds);
  const logits = new Float64Array(docs.length * classes);
  const labels = new Int32Array(docs.length);
  const scratch = new Float64Array(classes);
  for (let f = 0; f < folds; f++) {
    const train = docs.filter((_, i) => fold[i] !== f);
    const model = yield* LinearModel.training(train, features, classes, options);
    docs.forEach((d, i) => {
      if (fold[i] !== f) return;
      model.docLogits(d, scratch);
      logits.set(scratch.subarray(0, classes), i * classes);
      labels[i] = d.label;
    });
  }
  return { logits, labels, classes };
}

/** Mean negative log-likelihood of the labels at `temperature`. */
export function nll(s: HeldOutScores, temperature: number): number {
  const p = new Float64Array(s.classes);
  let sum = 0;
  for (let i = 0; i < s.labels.length; i++) {
    for (let c = 0; c < s.classes; c++) p[c] = s.logits[i * s.classes + c]! / temperature;
    softmax(p, s.classes);
    sum -= Math.log(Math.max(p[s.labels[i]!]!, 1e-12));
  }
  return sum / Math.max(1, s.labels.length);
}

/** The temperature in [0.05, 20] that minimises `nll` (golden-section search on its logarithm). */
export function fitTemperature(s: HeldOutScores): number {
  if (s.labels.length === 0) return 1;
  let lo = Math.log(0.05);
  let hi = Math.log(20);
  const g = (Math.sqrt(5) - 1) / 2;
  let x1 = hi - g * (hi - lo);
  let x2 = lo + g * (hi - lo);
  let f1 = nll(s, Math.exp(x1));
  let f2 = nll(s, Math.exp(x2));
  for (let it = 0; it < 40; it++) {
    if (f1 < f2) {
      hi = x2;
      x2 = x1;
      f2 = f1;
      x1 = hi - g * (hi - lo);
      f1 = nll(s, Math.exp(x1));
    } else {
      lo = x1;
      x1 = x2;
      f1 = f2;
      x2 = lo + g * (hi - lo);
      f2 = nll(s, Math.exp(x2));
    }
  }
  return Math.exp((lo + hi) / 2);
}

/** Share of documents whose out-of-fold best class is their label. */
export function heldOutAccuracy(s: HeldOutScores): number {
  let right = 0;
  for (let i = 0; i < s.labels.length; i++) {
    let best = 0;
    for (let c = 1; c < s.classes; c++) if (s.logits[i * s.classes + c]! > s.logits[i * s.classes + best]!) best = c;
    if (best === s.labels[i]) right++;
  }
  return s.labels.length ? right / s.labels.length : 0;
}
