/**
 * Multinomial logistic regression (softmax) over sparse features.
 *
 * Why this and not naive Bayes: a discriminative model lets overlapping Spanish/Catalan n-grams
 * cancel out instead of piling up, and its probabilities are far less overconfident. Inputs are
 * scaled by 1/sqrt(number of features in the text, known or not), so a message mostly made of
 * words the catalog never used produces small logits and therefore a low confidence — that is
 * what lets the dialog ask instead of guessing.
 */
import type { FeatureIndex } from './feature-index';
import type { IntBuffer } from './feature-hasher';

/** Training knobs. The defaults suit a few hundred short examples and train in tens of milliseconds. */
export interface TrainOptions {
  /** @defaultValue 30 */
  epochs?: number;
  /** @defaultValue 1 */
  learningRate?: number;
  /** L2 penalty per update on the weights touched. @defaultValue 1e-5 */
  l2?: number;
  /** Seed of the example shuffling, so a catalog always yields the same model. @defaultValue 1 */
  seed?: number;
  /** Softmax temperature at prediction; below 1 sharpens probabilities. Argmax is unaffected. @defaultValue 1 */
  temperature?: number;
  /**
   * Adds this much of a multinomial naive Bayes model (its class-centred log-likelihoods, smoothing
   * `nbAlpha`) to the fitted weights: an ensemble in one weight table, so prediction costs the same.
   * @defaultValue 0
   */
  nbWeight?: number;
  /** @defaultValue 0.1 */
  nbAlpha?: number;
  /** Return the average of the weights at the end of each pass of the second half (less variance). @defaultValue false */
  average?: boolean;
}

/** One training document: distinct feature rows, their scaled values, and the class index. */
export interface SparseDoc {
  idx: Int32Array;
  val: Float32Array;
  label: number;
  /** How much this document counts in training (1 when absent). */
  weight?: number;
}

/**
 * Registers the hashes `buf.data[0..buf.length)` in `index` and returns them as a training document,
 * counts scaled by 1/sqrt(total) as at prediction time.
 */
export function toSparseDoc(buf: IntBuffer, index: FeatureIndex, label: number): SparseDoc {
  const counts = new Map<number, number>();
  for (let j = 0; j < buf.length; j++) {
    const row = index.add(buf.data[j]!);
    counts.set(row, (counts.get(row) ?? 0) + 1);
  }
  const scale = buf.length > 0 ? 1 / Math.sqrt(buf.length) : 0;
  const idx = new Int32Array(counts.size);
  const val = new Float32Array(counts.size);
  let j = 0;
  for (const [row, n] of counts) {
    idx[j] = row;
    val[j++] = n * scale;
  }
  return { idx, val, label };
}

export class LinearModel {
  private constructor(
    readonly classes: number,
    private readonly features: number,
    private readonly weights: Float32Array,
    private readonly bias: Float32Array,
    private readonly invTemperature: number,
  ) {}

  /** Fits a model on `docs` whose rows are below `features`; labels are 0..classes-1. */
  static train(docs: readonly SparseDoc[], features: number, classes: number, options: TrainOptions = {}): LinearModel {
    const run = LinearModel.training(docs, features, classes, options);
    for (let r = run.next(); ; r = run.next()) if (r.done) return r.value;
  }

  /**
   * The same fit, in slices: each `next()` runs about `slice` updates, so a caller can yield to the
   * event loop between slices (retraining while the bot keeps answering). Same result as `train`.
   */
  static *training(docs: readonly SparseDoc[], features: number, classes: number, options: TrainOptions = {}, slice = 2_000): Generator<void, LinearModel, void> {
    const { epochs = 30, learningRate = 1, l2 = 1e-5, seed = 1, temperature = 1 } = options;
    const weights = new Float32Array(features * classes);
    const model = new LinearModel(classes, features, weights, new Float32Array(classes), 1 / temperature);
    const order = docs.map((_, i) => i);
    const rand = mulberry32(seed);
    const probs = new Float64Array(classes);
    let done = 0;
    const sumW = options.average ? new Float64Array(weights.length) : undefined;
    const sumB = options.average ? new Float64Array(classes) : undefined;
    let snapshots = 0;
    for (let epoch = 0; epoch < epochs; epoch++) {
      shuffle(order, rand);
      const lr = learningRate / (1 + epoch * 0.1);
      for (const i of order) {
        model.step(docs[i]!, lr, l2, probs);
        if (++done % slice === 0) yield;
      }
      if (sumW && sumB && epoch >= Math.floor(epochs / 2)) {
        for (let j = 0; j < weights.length; j++) sumW[j]! += weights[j]!;
        for (let c = 0; c < classes; c++) sumB[c]! += model.bias[c]!;
        snapshots++;
      }
    }
    if (sumW && sumB && snapshots > 0) {
      for (let j = 0; j < weights.length; j++) weights[j] = sumW[j]! / snapshots;
      for (let c = 0; c < classes; c++) model.bias[c] = sumB[c]! / snapshots;
    }
    if (options.nbWeight) addNaiveBayes(docs, features, classes, weights, options.nbWeight, options.nbAlpha ?? 0.1);
    return model;
  }

  /** The same weights read at another softmax temperature (calibration). */
  withTemperature(temperature: number): LinearModel {
    return new LinearModel(this.classes, this.features, this.weights, this.bias, 1 / temperature);
  }

  get temperature(): number {
    return 1 / this.invTemperature;
  }

  /**
   * Writes class probabilities into `out` (length ≥ classes) for a text whose features had the
   * rows `rows[0..n)` (-1 for features unseen in training, which only dilute). Allocation-free.
   */
  predict(rows: Int32Array, n: number, out: Float64Array): void {
    this.logits(rows, n, out);
    const k = this.classes;
    for (let c = 0; c < k; c++) out[c]! *= this.invTemperature;
    softmax(out, k);
  }

  /** Raw scores (temperature 1, before softmax) into `out`. */
  logits(rows: Int32Array, n: number, out: Float64Array): void {
    const k = this.classes;
    for (let c = 0; c < k; c++) out[c] = this.bias[c]!;
    if (n > 0) {
      const scale = 1 / Math.sqrt(n);
      for (let j = 0; j < n; j++) {
        const row = rows[j]!;
        // a row past `features` was added to a shared index after this model was trained
        if (row < 0 || row >= this.features) continue;
        const base = row * k;
        for (let c = 0; c < k; c++) out[c]! += this.weights[base + c]! * scale;
      }
    }
  }

  /** Raw scores of a training document (its own scaled values). */
  docLogits(doc: SparseDoc, out: Float64Array): void {
    const k = this.classes;
    for (let c = 0; c < k; c++) out[c] = this.bias[c]!;
    for (let j = 0; j < doc.idx.length; j++) {
      const row = doc.idx[j]!;
      if (row >= this.features) continue;
      const base = row * k;
      const v = doc.val[j]!;
      for (let c = 0; c < k; c++) out[c]! += this.weights[base + c]! * v;
    }
  }

  private step(doc: SparseDoc, lr: number, l2: number, probs: Float64Array): void {
    const k = this.classes;
    this.docLogits(doc, probs);
    softmax(probs, k);
    // probs becomes the gradient of the loss with respect to each class's score
    probs[doc.label]! -= 1;
    if (doc.weight !== undefined) for (let c = 0; c < k; c++) probs[c]! *= doc.weight;
    for (let c = 0; c < k; c++) this.bias[c]! -= lr * probs[c]!;
    const w = this.weights;
    const decay = 1 - lr * l2;
    for (let j = 0; j < doc.idx.length; j++) {
      const base = doc.idx[j]! * k;
      const v = lr * doc.val[j]!;
      for (let c = 0; c < k; c++) w[base + c] = w[base + c]! * decay - v * probs[c]!;
    }
  }
}

/** Adds `weight` × the class-centred naive Bayes log-likelihood of every feature to `weights`. */
function addNaiveBayes(docs: readonly SparseDoc[], features: number, k: number, weights: Float32Array, weight: number, alpha: number): void {
  const counts = new Float64Array(features * k);
  const totals = new Float64Array(k);
  for (const d of docs) {
    for (let j = 0; j < d.idx.length; j++) {
      counts[d.idx[j]! * k + d.label]! += d.val[j]!;
      totals[d.label]! += d.val[j]!;
    }
  }
  const denom = Array.from(totals, (t) => Math.log(t + alpha * features));
  const log = new Float64Array(k);
  for (let f = 0; f < features; f++) {
    let mean = 0;
    for (let c = 0; c < k; c++) {
      log[c] = Math.log(counts[f * k + c]! + alpha) - denom[c]!;
      mean += log[c]!;
    }
    mean /= k;
    for (let c = 0; c < k; c++) weights[f * k + c]! += weight * (log[c]! - mean);
  }
}

/** In-place softmax of the first `k` entries. */
export function softmax(x: Float64Array, k: number): void {
  let max = -Infinity;
  for (let c = 0; c < k; c++) if (x[c]! > max) max = x[c]!;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    const e = Math.exp(x[c]! - max);
    x[c] = e;
    sum += e;
  }
  for (let c = 0; c < k; c++) x[c]! /= sum;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffle(a: number[], rand: () => number): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}
