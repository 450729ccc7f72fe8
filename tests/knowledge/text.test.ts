import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../catalog/schema';
import { KnowledgeBase } from '../../dialogs/knowledge/knowledge-base';
import { loadKnowledge } from '../../dialogs/knowledge/load-knowledge';
import { looksLikeQuestion } from '../../dialogs/knowledge/question-shape';
import { headingCued } from '../../dialogs/knowledge/section-cues';
import { fold, stem, terms, withSynonyms } from '../../dialogs/knowledge/text';

describe('how the knowledge base reads words', () => {
  it('folds accents, case, punctuation and emphasis', () => {
    expect(fold("¿On és l'OAC? Col·legi!!")).toBe('on es l oac collegi');
    expect(fold('holaaaa')).toBe('hola');
  });

  it('meets the forms of a word at one stem, and drops words that carry no topic', () => {
    expect(stem('es', 'empadronarme')).toBe(stem('es', 'empadronamiento').slice(0, 8));
    expect(terms('es', '¿Dónde están mis recibos?')).toEqual(terms('es', 'recibo'));
    expect(terms('en', 'How do I pay my fines?')).toEqual(['pay', 'fine']);
    expect(terms('ca', 'Quan es paga la taxa?')).toEqual(['paga', 'taxa']);
  });

  it('indexes everyday words with their synonyms', () => {
    expect(withSynonyms('es', stem('es', 'vehiculo'))).toContain(stem('es', 'coche'));
    expect(withSynonyms('en', stem('en', 'television'))).toContain(stem('en', 'tv'));
    expect(withSynonyms('ca', 'zzz')).toEqual(['zzz']);
  });
});

describe('what reads as a question', () => {
  it.each([
    '¿a qué hora abre la OAC?', 'donde tiro un sofa viejo', 'com em faig el carnet de la biblioteca', 'how do I get a library card', 'horario del punto limpio', 'hola, cuando se paga el ibi',
  ])('%s is a question', (text) => expect(looksLikeQuestion(text)).toBe(true));

  it.each(['Hay una farola apagada en la calle Colón 12', 'the bin on my street has not been emptied', 'El contenidor de vidre està ple'])('%s is not', (text) =>
    expect(looksLikeQuestion(text)).toBe(false),
  );

  it('matches the kind of section a question asks for', () => {
    expect(headingCued('¿a qué hora abre?', 'Horario')).toBe(true);
    expect(headingCued('what time does it open', 'Opening hours')).toBe(true);
    expect(headingCued('¿dónde está?', 'Dónde están')).toBe(true);
    expect(headingCued('quant costa?', 'Taxa i horari')).toBe(true);
    expect(headingCued('¿dónde está?', 'Horario')).toBe(false);
  });
});

describe('searching any text a citizen may send', () => {
  const base = new KnowledgeBase(loadKnowledge('config/knowledge'));

  it('never throws and returns at most the asked number of hits, each with a passage of its article', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 4_000, unit: 'grapheme' }), fc.constantFrom(...LOCALES), (text, locale) => {
        const r = base.search(text, locale, 3);
        expect(r.hits.length).toBeLessThanOrEqual(3);
        for (const h of r.hits) expect(h.passage.slug).toBe(h.slug);
        if (r.answer) expect(r.hits[0]).toBe(r.answer);
      }),
      { numRuns: 300 },
    );
  });
});
