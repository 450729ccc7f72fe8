import { describe, expect, it } from 'vitest';
import { normalize, tokenize } from '../../../dialogs/classify/normalize';

describe('normalize', () => {
  it('lowercases and strips accents, ñ, ç and ü', () => {
    expect(normalize('Camión CAÑERÍA Plaça Pingüino')).toBe('camion caneria placa pinguino');
  });

  it("turns Catalan l·l into ll and splits elisions like s'encén", () => {
    expect(normalize("L'enllumenat de la cel·la no s'encén")).toBe('l enllumenat de la cella no s encen');
  });

  it('collapses letters repeated three or more times but keeps double letters', () => {
    expect(normalize('holaaaa siiii llamen carrer')).toBe('hola si llamen carrer');
  });

  it('drops punctuation and emoji', () => {
    expect(normalize('¿¡xq no pasan??!! 😡😡 #basura')).toBe('xq no pasan basura');
  });
});

describe('tokenize', () => {
  it('splits normalized words and returns nothing for an empty message', () => {
    expect(tokenize('  ¿Qué  días pasa el camión? ')).toEqual(['que', 'dias', 'pasa', 'el', 'camion']);
    expect(tokenize('!!! 👍')).toEqual([]);
  });
});
