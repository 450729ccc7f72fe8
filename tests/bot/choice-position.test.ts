import { describe, expect, it } from 'vitest';
import { positionOf } from '../../bot/choice-position';

describe('positionOf', () => {
  it('reads a bare position in es, ca and en', () => {
    expect(['1', '2.', 'opción 3', 'la opció 2', 'dos', 'the second', 'número 4', 'cinc'].map(positionOf)).toEqual([1, 2, 3, 2, 2, 2, 4, 5]);
  });

  it('does not take an address or a sentence ending in a number for a choice', () => {
    expect(['Calle Mayor 1', 'Colón 12', 'son 2', 'hay uno', ''].map(positionOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});
