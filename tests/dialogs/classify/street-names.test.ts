import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../catalog/load-catalog';
import { LOCALES, type Catalog } from '../../../catalog/schema';
import { NONE } from '../../../dialogs/classify/classifier';
import { normalize } from '../../../dialogs/classify/normalize';
import { OfflineClassifier } from '../../../dialogs/classify/offline-classifier';
import { maskedWords, stem } from '../../../dialogs/classify/offline/text-features';

let catalog: Catalog;
let offline: OfflineClassifier;
beforeAll(() => {
  catalog = loadCatalog('config/catalog.yaml');
  offline = OfflineClassifier.train(catalog);
});

/** Street names that look like words the catalog uses for other things ("Consulta", "Fuente", "Luz"). */
const TRICKY = ['Colón', 'Mayor', 'Consulta', 'Pregunta', 'Información', 'Fuente', 'Luz', 'Agua', 'Sol', 'Pino', 'Jardines', 'Perro', 'Solicitud', 'Reclamo', 'Horario', 'Ayuda', 'Médico Esquerdo', 'Ramón y Cajal', 'San Vicente Ferrer', 'Gran Vía', 'Doctor Fleming', 'Reyes Católicos', 'Sant Pere', 'Mare de Déu', 'Queen Victoria', 'Park'];

const syllable = fc.constantFrom('ma', 'lo', 'ren', 'ta', 'vi', 'co', 'sul', 'pre', 'gun', 'al', 'bor', 'que', 'ca', 'lle', 'fa', 'ro', 'ni', 'tes', 'ho', 'ra');
/** Capitalised invented names of one or two words: "Sulpreta", "Vico Larren". */
const invented = fc
  .array(fc.array(syllable, { minLength: 2, maxLength: 4 }).map((s) => s.join('')), { minLength: 1, maxLength: 2 })
  .map((ws) => ws.map((w) => w[0]!.toUpperCase() + w.slice(1)).join(' '));
const streetName = fc.oneof(fc.constantFrom(...TRICKY), invented);
const number = fc.integer({ min: 1, max: 250 });

/** Sentences with a place in the middle; the service and type must not depend on the name. */
const TEMPLATES: Array<{ make: (name: string, n: number) => string; service: string; type: string }> = [
  { make: (x, n) => `Hay una farola apagada en la calle ${x} ${n}`, service: 'alumbrado', type: 'reclamo' },
  { make: (x, n) => `hay un bache enorme en la avenida ${x} frente al número ${n}`, service: 'calles', type: 'reclamo' },
  { make: (x, n) => `el contenedor de la calle ${x}, ${n} lleva días sin vaciarse`, service: 'higiene', type: 'reclamo' },
  { make: (x, n) => `el fanal del carrer de ${x} ${n} no s'encén`, service: 'alumbrado', type: 'reclamo' },
  { make: (x, n) => `the street light outside ${n} ${x} Street is out`, service: 'alumbrado', type: 'reclamo' },
  { make: (x) => `there is a pothole on ${x} Road`, service: 'calles', type: 'reclamo' },
  { make: (x, n) => `quiero pedir que poden el árbol de la plaza ${x} ${n}`, service: 'arbolado', type: 'solicitud' },
];

describe('street names and proper nouns', () => {
  it('reads "Hay una farola apagada en la calle Colón 12" as a lighting complaint, not a certainty', () => {
    const r = offline.classifySync('Hay una farola apagada en la calle Colón 12');
    expect(r).toMatchObject({ service: 'alumbrado', type: 'reclamo' });
    expect(r.confidence).toBeLessThan(0.99);
    expect(r.confidence).toBeGreaterThanOrEqual(offline.threshold);
  });

  it('masks the name after a street word, names that follow in English, and numbers', () => {
    const vocab = new Set(['farola', 'apagada']);
    expect(maskedWords('Hay una farola apagada en la calle Colón 12', vocab)).toEqual(['hay', 'una', 'farola', 'apagada', 'en', 'la', 'calle', '#addr', '#num']);
    expect(maskedWords("el fanal del carrer de Sant Pere no s'encén", vocab)).toEqual(['el', 'fanal', 'del', 'carrer', '#addr', 'no', 's', 'encen']);
    expect(maskedWords('pothole outside 5 Main Street', vocab)).toEqual(['pothole', 'outside', '#num', '#addr', 'street']);
    expect(maskedWords('la farola de la calle sucia', new Set(['sucia']))).toEqual(['la', 'farola', 'de', 'la', 'calle', 'sucia']);
    expect(maskedWords('he visto a Marisa junto al contenedor', vocab)).toEqual(['he', 'visto', 'a', '#name', 'junto', 'al', 'contenedor']);
  });

  it('stems plural and gender endings per language', () => {
    expect(['farolas', 'farola', 'farol'].map((w) => stem(w, 'es'))).toEqual(['farol', 'farol', 'farol']);
    expect(['apagadas', 'apagado'].map((w) => stem(w, 'es'))).toEqual(['apagad', 'apagad']);
    expect(['fanals', 'fanal'].map((w) => stem(w, 'ca'))).toEqual(['fanal', 'fanal']);
    expect(['lights', 'flooding', 'flooded', 'bushes', 'cities'].map((w) => stem(w, 'en'))).toEqual(['light', 'flood', 'flood', 'bush', 'city']);
  });

  it('never lets a street name change the service or the procedure type, nor push the confidence to 0.99 (property)', () => {
    for (const t of TEMPLATES) {
      const reference = offline.classifySync(t.make('Mayor', 3));
      expect(reference, t.make('Mayor', 3)).toMatchObject({ service: t.service, type: t.type });
      fc.assert(
        fc.property(streetName, number, (name, n) => {
          const r = offline.classifySync(t.make(name, n));
          expect(r.service, t.make(name, n)).toBe(t.service);
          expect(r.type, t.make(name, n)).toBe(t.type);
          expect(r.confidence).toBeLessThan(0.99);
        }),
        { numRuns: 150, seed: 13 },
      );
    }
  });
});

/** Out-of-scope messages written for this test, not in the catalog (checked below). */
const OUT_OF_SCOPE = [
  '¿quién ganó el mundial de 2010?',
  'cuál es tu color favorito',
  'necesito que me arreglen el móvil, tiene la pantalla rota',
  'quin és el millor equip de futbol?',
  'vull comprar entrades per al concert',
  "what's the best pizza in town?",
  'can you lend me some money',
  'my phone contract is too expensive',
];

describe('out-of-scope text', () => {
  it('is tested on messages that are not in the catalog', () => {
    const trained = new Set(LOCALES.flatMap((l) => (catalog.outOfScope?.[l] ?? []).map(normalize)));
    expect(OUT_OF_SCOPE.filter((t) => trained.has(normalize(t)))).toEqual([]);
  });

  it('lands in the none outcome, with the best services still offered as alternatives', () => {
    for (const text of OUT_OF_SCOPE) {
      const r = offline.classifySync(text);
      expect(r.service, `${text} → ${JSON.stringify(r)}`).toBe(NONE);
      expect(r.alternatives).toHaveLength(3);
      for (const a of r.alternatives) expect(catalog.services.map((s) => s.code)).toContain(a.service);
    }
  });
});
