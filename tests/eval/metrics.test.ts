import { describe, expect, it } from 'vitest';
import {
  accuracy, calibration, macroF1, perClass, placeExactMatch, placeTokenF1, placeTokens, topConfusions,
} from '../../bench/eval/metrics';

describe('accuracy', () => {
  it('is the share of matching positions, 0 when there is nothing', () => {
    expect(accuracy(['a', 'b', 'a'], ['a', 'a', 'a'])).toBeCloseTo(2 / 3, 12);
    expect(accuracy([], [])).toBe(0);
  });

  it('refuses lists of different lengths', () => {
    expect(() => accuracy(['a'], [])).toThrow(RangeError);
  });
});

describe('perClass and macroF1', () => {
  // gold a a b c / predicted a b b b:
  //   a: tp 1, predicted 1, support 2 → P 1, R 1/2, F1 2/3
  //   b: tp 1, predicted 3, support 1 → P 1/3, R 1, F1 1/2
  //   c: tp 0 → P 0 (never predicted), R 0, F1 0
  const gold = ['a', 'a', 'b', 'c'];
  const predicted = ['a', 'b', 'b', 'b'];

  it('gives precision, recall, F1, support and predicted count per label', () => {
    const [a, b, c] = perClass(gold, predicted);
    expect(a).toMatchObject({ label: 'a', precision: 1, recall: 0.5, support: 2, predicted: 1 });
    expect(a!.f1).toBeCloseTo(2 / 3, 12);
    expect(b).toMatchObject({ label: 'b', recall: 1, f1: 0.5, support: 1, predicted: 3 });
    expect(b!.precision).toBeCloseTo(1 / 3, 12);
    expect(c).toEqual({ label: 'c', precision: 0, recall: 0, f1: 0, support: 1, predicted: 0 });
  });

  it('averages F1 over labels unweighted: (2/3 + 1/2 + 0) / 3', () => {
    expect(macroF1(gold, predicted)).toBeCloseTo(7 / 18, 12);
  });

  it('counts a requested label that never occurs as F1 0', () => {
    expect(macroF1(gold, predicted, ['a', 'b', 'c', 'd'])).toBeCloseTo(7 / 24, 12);
  });

  it('scores the "none" outcome like any other label', () => {
    const [none] = perClass(['none', 'none', 'calles', 'agua'], ['none', 'calles', 'none', 'agua'], ['none']);
    expect(none).toMatchObject({ precision: 0.5, recall: 0.5, support: 2, predicted: 2 });
  });

  it('is 1 for a perfect prediction', () => {
    expect(macroF1(['x', 'y', 'z'], ['x', 'y', 'z'])).toBe(1);
  });
});

describe('calibration', () => {
  it('bins confidences in tenths and weighs each bin gap by its share: ECE 0.375', () => {
    // bin 0.9: conf 0.95, acc 1/2, 2 of 4 → 0.45·0.5 = 0.225
    // bin 0.1: conf 0.15, acc 0,   1 of 4 → 0.15·0.25 = 0.0375
    // bin 0.5: conf 0.55, acc 1,   1 of 4 → 0.45·0.25 = 0.1125
    const c = calibration([0.95, 0.95, 0.15, 0.55], [true, false, false, true]);
    expect(c.ece).toBeCloseTo(0.375, 12);
    expect(c.bins).toHaveLength(10);
    expect(c.bins[9]).toMatchObject({ lo: 0.9, hi: 1, count: 2, accuracy: 0.5 });
    expect(c.bins[9]!.meanConfidence).toBeCloseTo(0.95, 12);
    expect(c.bins[1]).toMatchObject({ count: 1, accuracy: 0 });
    expect(c.bins[0]).toMatchObject({ count: 0, meanConfidence: 0, accuracy: 0 });
  });

  it('is 0 when accuracy matches confidence in every bin', () => {
    expect(calibration([0.8, 0.8, 0.8, 0.8, 0.8], [true, true, true, true, false]).ece).toBeCloseTo(0, 12);
  });

  it('puts a confidence of exactly 1 in the last bin and 0 in the first', () => {
    const c = calibration([1, 0], [true, false]);
    expect(c.bins[9]!.count).toBe(1);
    expect(c.bins[0]!.count).toBe(1);
    expect(c.ece).toBe(0);
  });

  it('refuses a confidence outside [0, 1]', () => {
    expect(() => calibration([1.2], [true])).toThrow(RangeError);
    expect(() => calibration([Number.NaN], [true])).toThrow(RangeError);
  });
});

describe('topConfusions', () => {
  it('counts (label, prediction) pairs that differ, most frequent first', () => {
    expect(topConfusions(['a', 'a', 'a', 'b', 'b'], ['b', 'b', 'c', 'a', 'b'])).toEqual([
      { gold: 'a', predicted: 'b', count: 2 },
      { gold: 'a', predicted: 'c', count: 1 },
      { gold: 'b', predicted: 'a', count: 1 },
    ]);
    expect(topConfusions(['a', 'a', 'a', 'b'], ['b', 'b', 'c', 'a'], 1)).toEqual([{ gold: 'a', predicted: 'b', count: 2 }]);
  });
});

describe('place scores', () => {
  it('compares places without case, accents or punctuation', () => {
    expect(placeTokens('C/ Colón, 12')).toEqual(['c', 'colon', '12']);
    expect(placeExactMatch('Calle Colón, 12', 'calle colon 12')).toBe(true);
    expect(placeExactMatch('calle Colón 12', 'Colón 12')).toBe(false);
  });

  it('gives token-overlap F1: "Colón 12" against "calle Colón 12" is P 1, R 2/3, F1 0.8', () => {
    expect(placeTokenF1('calle Colón 12', 'Colón 12')).toBeCloseTo(0.8, 12);
    expect(placeTokenF1('plaza Mayor', 'calle Goya')).toBe(0);
  });

  it('scores nothing extracted where nothing was given as right, and a one-sided miss as wrong', () => {
    expect(placeExactMatch(null, null)).toBe(true);
    expect(placeTokenF1(null, null)).toBe(1);
    expect(placeExactMatch('plaza Mayor', null)).toBe(false);
    expect(placeTokenF1(null, 'plaza Mayor')).toBe(0);
  });
});
