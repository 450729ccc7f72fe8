import { describe, expect, it } from 'vitest';
import { positionIn, positionOf } from '../../bot/choice-position';

describe('positionOf', () => {
  it('reads a bare position in es, ca and en', () => {
    expect(['1', '2.', 'opción 3', 'la opció 2', 'dos', 'the second', 'número 4', 'cinc'].map(positionOf)).toEqual([1, 2, 3, 2, 2, 2, 4, 5]);
  });

  it('does not take an address or a sentence ending in a number for a choice', () => {
    expect(['Calle Mayor 1', 'Colón 12', 'son 2', 'hay uno', ''].map(positionOf)).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });
});

describe('positionOf, leniently', () => {
  it('reads "the second one", "el 2", "la segona", "2º", "2nd" and positions up to ten', () => {
    expect(['the second one', 'el 2', 'la segona', '2º', '2nd', 'la segunda opción', 'el primero', 'el primer', 'la 3ª', 'number 7', 'el décimo', '1 de la lista'].map(positionOf))
      .toEqual([2, 2, 2, 2, 2, 2, 1, 1, 3, 7, 10, 1]);
  });

  it('still takes no sentence for a choice', () => {
    expect(['el 2 de mayo', 'hay 2 baches', 'the second pothole', 'no'].map(positionOf)).toEqual([undefined, undefined, undefined, undefined]);
  });

  it('reads "the last one" in a list of a known size', () => {
    expect([positionIn('the last one', 4), positionIn("l'últim", 3), positionIn('el último', 0), positionIn('2', 4)]).toEqual([4, 3, undefined, 2]);
  });
});
