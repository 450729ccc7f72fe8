import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { CatalogSchema, LOCALES, type Catalog } from '../../catalog/schema';
import { normalize } from '../../dialogs/classify/normalize';
import { emergencyDetectorFor } from '../../dialogs/emergency/catalog-detector';
import { DEFAULT_LEXICON } from '../../dialogs/emergency/default-lexicon';
import { eachClause } from '../../dialogs/emergency/clauses';
import { EmergencyDetector } from '../../dialogs/emergency/detector';
import { foldWord } from '../../dialogs/emergency/fold';
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

  it('recognises the held-out rounds (each measured blind once, then tuned on: a floor, not an estimate)', () => {
    // The test split holds rounds 8 to 13. Round 9 (180 emergencies) was written before the lexicon changed
    // and measured blind at 145/180; the broader lexicon (broader-lexicon.ts) brought the split to 199/214,
    // but round 9's author also wrote that lexicon, so read it as an upper bound. Rounds 10-13 were each
    // measured blind first (0.60, 0.40, 0.83, 0.84: docs/emergencies.md), then tuned on.
    expect(score('test').recall).toBeGreaterThanOrEqual(0.9);
  });

  it('recognises every dev phrasing and raises no alarm on dev either', () => {
    const dev = score('dev');
    expect(dev.alarms).toEqual([]);
    expect(dev.recall).toBeGreaterThanOrEqual(0.995);
  });

  it("flags few of the catalog's service examples, and only electrical hazards it flagged before (sparks, fallen power lines)", () => {
    const flagged = catalog.services.flatMap((s) => LOCALES.flatMap((l) => s.examples[l])).filter((t) => detector.detect(t));
    // 44 before the round-9 lexicon, 40 after it: a new alarm here is almost surely a false one.
    expect(flagged.length).toBeLessThanOrEqual(40);
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

  it('reads a laugh as a joke, and cooking smoke or a habit as no danger', () => {
    expect(kind('se me quemo la sopa y huele a quemado jajaja')).toBeUndefined();
    expect(kind('el bar de sota treu fum de la cuina i fa olor de fregit a tot el pati')).toBeUndefined();
    expect(kind('the neighbours have a barbecue every sunday and the smoke is everywhere')).toBeUndefined();
    expect(kind('huele a quemado y sale humo del piso de arriba, urgente jaja no es broma')).toBe('fire');
  });

  it('keeps modifiers clear of short words that fold together ("ll", "y" and "hi" all fold to "i")', () => {
    expect(kind("hi ha foc a l'escala")).toBe('fire');
    expect(kind('me he caido y no me puedo levantar')).toBe('unconscious');
    expect(kind('someone will get hurt if you dont fix this pavement')).toBeUndefined();
    expect(kind('el andamio se mueve mucho cuando hace viento')).toBeUndefined();
  });

  it('recognises situations by their signs: a heater and drowsiness, a hissing gas bottle, a van on its side', () => {
    expect(kind('tiene el brasero encendido y no la despierto')).toBe('gas');
    expect(kind('the gas bottle on the balcony is hissing')).toBe('gas');
    expect(kind('se ha volcado una furgoneta en la rotonda')).toBe('injury');
    expect(kind('el camion de la basura ha volcado el contenedor')).toBeUndefined();
  });

  it('finds a term by its rarest word, wherever that word sits in it ("a punetazos", "hace ? dias")', () => {
    expect(kind('se estan dando a punetazos en la puerta del bar')).toBe('violence');
    expect(kind('hace tres dias se quemo el contenedor')).toBeUndefined();
    expect(kind('three days ago the bin was on fire')).toBeUndefined();
  });

  it('refuses a signal that names an unknown concept', () => {
    expect(() => new EmergencyDetector({ ...DEFAULT_LEXICON, signals: [{ kind: 'fire', all: ['dragons'] }] })).toThrow(/unknown concept "dragons"/);
  });
});

describe('the built-in lexicon and spelling folding', () => {
  // Folding merges sound-alikes ("insendio" = "incendio"), but it also merges some real words: "haha" folds
  // to "a", "ll" to "i" (like "y" and "hi"), "will" to "wi" (like "why"), "cosina" (ca: cousin) to "cocina".
  // A one-word modifier that lands on another common word would turn off danger in every message using it.
  it('has no one-word modifier that folds onto a different word of the catalog examples', () => {
    const catalogWords = new Set(catalog.services.flatMap((s) => LOCALES.flatMap((l) => s.examples[l])).flatMap((t) => normalize(t).split(' ')));
    const byFold = new Map<string, string[]>();
    for (const w of catalogWords) byFold.set(foldWord(w), [...(byFold.get(foldWord(w)) ?? []), w]);
    // Accepted: "mai" (ca: never) is a negation anyway; "dry" before a danger word is rare.
    const accepted = new Set(['may', 'drill']);
    const clashes = ['negation', 'hypothetical', 'past', 'now', 'joke'].flatMap((concept) => (DEFAULT_LEXICON.concepts[concept] ?? [])
      .map((t) => normalize(t))
      .filter((t) => !t.includes(' ') && !accepted.has(t))
      .flatMap((t) => (byFold.get(foldWord(t)) ?? []).filter((w) => w !== t).map((w) => `${concept}: ${t} ~ ${w}`)));
    expect(clashes).toEqual([]);
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

describe('eachClause', () => {
  const clauses = (text: string) => {
    const out: string[] = [];
    eachClause(text, (words) => { out.push(words.join(' ')); return false; });
    return out;
  };

  it('splits at sentence marks and at "but", with the words normalize() gives', () => {
    expect(clauses('No hay fuego, pero sí mucho HUMO!!! ¿Qué hago?')).toEqual(['no hay fuego', 'mucho humo', 'que hago']);
    expect(clauses("L'escala del col·legi fa olor de gaaas")).toEqual(['l escala del collegi fa olor de gas']);
    expect(clauses('my neighbour isnt breathing, xq?')).toEqual(['my neighbour isn t breathing porque']);
  });

  it('gives the same words as normalize() for every fixture without sentence marks', () => {
    for (const c of cases) {
      // Clause breaks, "but" and the spellings read as written out ("isnt", "xq") are the intended differences.
      const unchanged = /^(?!.*\b(pero|but|aunque|although|sino|isnt|cant|wont|dont|doesnt|arent|wasnt|hasnt|havent|didnt|couldnt|theres|im|hes|shes|ive|sta|stan|toy|tamos|q|k|ke|xq|pq|d|x|xfa|tb|tmb)\b)/;
      if (/[.!?;¿¡\n,]/.test(c.text) || !unchanged.test(normalize(c.text))) continue;
      expect(clauses(c.text).join(' '), c.text).toBe(normalize(c.text));
    }
  });
});
