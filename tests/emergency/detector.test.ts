import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../dialogs/catalog/load-catalog';
import { CatalogSchema, LOCALES, type Catalog } from '../../dialogs/catalog/schema';
import { normalize } from '../../dialogs/classify/normalize';
import { emergencyDetectorFor } from '../../dialogs/emergency/catalog-detector';
import { DEFAULT_LEXICON } from '../../dialogs/emergency/default-lexicon';
import { EmergencyDetector } from '../../dialogs/emergency/detector';
import { emergencyCases, type EmergencyCase } from './fixtures';

const catalog = loadCatalog('config/catalog.yaml');
const detector = emergencyDetectorFor(catalog);
const cases = emergencyCases();

function score(split: EmergencyCase['split']) {
  const mine = cases.filter((c) => c.split === split);
  const emergencies = mine.filter((c) => c.emergency);
  const ordinary = mine.filter((c) => !c.emergency);
  const missed = emergencies.filter((c) => !detector.detect(c.text)).map((c) => c.text);
  const alarms = ordinary.filter((c) => detector.detect(c.text)).map((c) => c.text);
  return { emergencies: emergencies.length, ordinary: ordinary.length, recall: 1 - missed.length / emergencies.length, missed, alarms };
}

describe('the emergency test set (tests/fixtures/emergency)', () => {
  it('has at least 150 emergencies and 150 ordinary reports, in es, ca and en, split dev/test', () => {
    expect(cases.filter((c) => c.emergency).length).toBeGreaterThanOrEqual(150);
    expect(cases.filter((c) => !c.emergency).length).toBeGreaterThanOrEqual(150);
    for (const lang of LOCALES) for (const emergency of [true, false]) for (const split of ['dev', 'test'] as const) {
      expect(cases.some((c) => c.lang === lang && c.emergency === emergency && c.split === split), `${lang} ${emergency} ${split}`).toBe(true);
    }
    expect(new Set(cases.map((c) => normalize(c.text))).size).toBe(cases.length);
  });

  it('copies nothing from the catalog (its emergency phrases and examples)', () => {
    const catalogTexts = new Set([
      ...LOCALES.flatMap((l) => catalog.emergencies[l]),
      ...catalog.services.flatMap((s) => LOCALES.flatMap((l) => s.examples[l])),
      ...LOCALES.flatMap((l) => catalog.outOfScope?.[l] ?? []),
    ].map(normalize));
    expect(cases.filter((c) => catalogTexts.has(normalize(c.text))).map((c) => c.text)).toEqual([]);
  });
});

describe('EmergencyDetector on the held-out split', () => {
  it('raises no false alarm on ordinary reports that share words with emergencies', () => {
    const test = score('test');
    console.log(`emergency detector, test split: recall ${(test.recall * 100).toFixed(1)}% of ${test.emergencies}; false alarms ${test.alarms.length}/${test.ordinary}`);
    expect(test.alarms).toEqual([]);
  });

  it('recognises held-out emergency phrasings it was never tuned on (recall floor, measured blind)', () => {
    // The held-out round (the eighth) was written before the lexicon last changed and measured once, blind:
    // 20/34. Pooled over every round written after the first tuning (2nd to 8th), blind recall is 333/427.
    expect(score('test').recall).toBeGreaterThanOrEqual(0.58);
  });

  it('recognises every dev phrasing and raises no alarm on dev either', () => {
    const dev = score('dev');
    expect(dev.alarms).toEqual([]);
    expect(dev.recall).toBeGreaterThanOrEqual(0.995);
  });

  it("recognises the catalog's own emergency phrases", () => {
    const missed = LOCALES.flatMap((l) => catalog.emergencies[l]).filter((p) => !detector.detect(p));
    expect(missed).toEqual([]);
  });
});

describe('EmergencyDetector by meaning', () => {
  const d = new EmergencyDetector(DEFAULT_LEXICON);
  const kind = (text: string) => d.detect(text)?.kind;

  it('names the kind of danger', () => {
    expect(kind('hay olor a gas en mi edificio')).toBe('gas');
    expect(kind('there is a strong smell of gas in my building')).toBe('gas');
    expect(kind('mi vecino se ha caído y no responde')).toBe('unconscious');
    expect(kind('surt fum negre del pis del costat')).toBe('smoke');
    expect(kind('s\'ha esfondrat el balcó')).toBe('collapse');
    expect(kind('a man is beating up a woman outside')).toBe('violence');
    expect(kind('hay un cable de la luz caído echando chispas')).toBe('cable');
  });

  it('turns off danger that is negated, past, a habit, a question or a figure of speech', () => {
    for (const text of [
      'se ha caído una rama sobre un coche, no hay heridos',
      'el contenedor quemado hace un mes sigue ahí',
      'hubo un incendio en la nave hace un año',
      'el humo de la chimenea del bar entra en casa todas las noches',
      '¿qué hago si huele a gas en casa?',
      'el balcón tiene grietas y podría caerse',
      'me muero de risa',
      'esto es un incendio de precios',
      'la boca de incendios pierde agua',
      'fuga de agua en la calle',
      'quiero pedir una revisión del gas',
    ]) expect(kind(text), text).toBeUndefined();
  });

  it('reads a clause at a time: a denial or a past event does not hide what happens now', () => {
    expect(kind('no hay fuego pero sí mucho humo negro en la escalera')).toBe('smoke');
    expect(kind('Hace un mes se quemó el contenedor. Ahora mismo sale humo negro del portal de al lado')).toBe('smoke');
    expect(kind('No, no hay heridos')).toBeUndefined();
  });

  it('tolerates missing accents, phonetic misspellings, one typo and text-message spelling', () => {
    expect(kind('insendio en el portal')).toBe('fire');
    expect(kind('ay umo negro en la escalera')).toBe('smoke');
    expect(kind('un señor inconsiente en la calle')).toBe('unconscious');
    expect(kind('se sta quemando la casa')).toBe('fire');
    expect(kind('my neighbour isnt breathing')).toBe('unconscious');
  });

  it('never reads a real word the catalog knows as a typo of a danger word', () => {
    const guarded = new EmergencyDetector(DEFAULT_LEXICON, { vocabulary: ['quedando'] });
    expect(new EmergencyDetector(DEFAULT_LEXICON).detect('me estoy quedando sin paciencia')).toBeUndefined();
    expect(guarded.detect('se esta quedando sin luz la calle')).toBeUndefined();
    expect(guarded.detect('se esta quemando la calle')?.kind).toBe('fire');
  });

  it('refuses a signal that names an unknown concept', () => {
    expect(() => new EmergencyDetector({ ...DEFAULT_LEXICON, signals: [{ kind: 'fire', all: ['dragons'] }] })).toThrow(/unknown concept "dragons"/);
  });
});

describe('a city extends the lexicon in its catalog', () => {
  function withEmergencies(extra: Record<string, unknown>): Catalog {
    const raw = structuredClone(catalog) as Record<string, unknown> & { emergencies: Record<string, unknown> };
    raw.emergencies = { ...raw.emergencies, ...extra };
    return Object.freeze(CatalogSchema.parse(raw));
  }

  it('adds terms to a built-in concept (a local word for a child) and new concepts with their signals (an avalanche)', () => {
    expect(detector.detect('un chiquillo tirado que no se mueve')).toBeUndefined();
    expect(detector.detect('ha caído un alud sobre la pista')).toBeUndefined();
    const city = emergencyDetectorFor(withEmergencies({
      concepts: { person: ['chiquillo', 'chiquilla'], avalanche: ['alud', 'avalancha', 'allau'] },
      signals: [{ kind: 'collapse', all: ['avalanche'] }],
    }));
    expect(city.detect('un chiquillo tirado que no se mueve')?.kind).toBe('unconscious');
    expect(city.detect('ha caído un alud sobre la pista')?.kind).toBe('collapse');
    expect(city.detect('el alud de quejas de ayer')).toBeUndefined();
  });

  it('rejects a signal of an unknown kind when the catalog loads', () => {
    expect(() => withEmergencies({ signals: [{ kind: 'meteor', all: ['fire'] }] })).toThrow();
  });
});
