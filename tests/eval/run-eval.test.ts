import { describe, expect, it } from 'vitest';
import type { EvalItem } from '../../bench/eval/load-eval-set';
import { format, outcomeOf, predict, report } from '../../bench/eval/run-eval';
import { loadCatalog } from '../../catalog/load-catalog';
import type { Locale } from '../../catalog/schema';
import type { Classification } from '../../dialogs/classify/classifier';
import type { EngineClassifier } from '../../dialogs/engine-deps';

const catalog = loadCatalog('config/catalog.yaml');
const known = new Set(catalog.services.map((s) => s.code));

function reading(service: string, confidence: number, type: Classification['type'] = 'reclamo'): Classification {
  return { service, type, confidence, alternatives: [], locale: 'es' };
}

/** A classifier that answers from a table, so the scoring can be checked by hand. */
function fixed(answers: Record<string, Classification>, threshold?: number): EngineClassifier {
  return {
    kind: 'offline',
    ...(threshold === undefined ? {} : { threshold }),
    detectLocale: (): Locale => 'es',
    classify: async (text: string) => answers[text]!,
  };
}

function item(id: string, text: string, service: string, type: EvalItem['type'], place: string | null = null): EvalItem {
  return { id, text, service, type, place, locale: 'es' };
}

describe('the eval outcome, as the dialog acts on it', () => {
  it('is "none" below the threshold or for a service the catalog does not have, else the top service', () => {
    expect(outcomeOf(reading('alumbrado', 0.9), known, 0.55)).toBe('alumbrado');
    expect(outcomeOf(reading('alumbrado', 0.55), known, 0.55)).toBe('alumbrado');
    expect(outcomeOf(reading('alumbrado', 0.54), known, 0.55)).toBe('none');
    expect(outcomeOf(reading('none', 0.99), known, 0.55)).toBe('none');
  });

  it("uses the classifier's own threshold when it has one, else the catalog's", async () => {
    const items = [item('es-0001', 'a', 'alumbrado', 'reclamo')];
    const answers = { a: reading('alumbrado', 0.5) };
    expect((await predict(fixed(answers), catalog, items))[0]!.service).toBe(catalog.confidenceThreshold <= 0.5 ? 'alumbrado' : 'none');
    expect((await predict(fixed(answers, 0.4), catalog, items))[0]!.service).toBe('alumbrado');
    expect((await predict(fixed(answers, 0.6), catalog, items))[0]!.service).toBe('none');
  });
});

describe('report', () => {
  it('scores services with "none" as a class, types on typed items only, and calibration on the raw top service', async () => {
    const items = [
      item('es-0001', 'farola', 'alumbrado', 'reclamo', 'calle Colón 12'),
      item('es-0002', 'bache', 'calles', 'solicitud'),
      item('es-0003', 'hola', 'none', null),
      item('es-0004', 'vago', 'agua', 'consulta'),
    ];
    const classifier = fixed({
      farola: reading('alumbrado', 0.95, 'reclamo'),
      bache: reading('alumbrado', 0.75, 'solicitud'),
      hola: reading('higiene', 0.2, 'consulta'),
      vago: reading('agua', 0.3, 'reclamo'),
    }, 0.55);
    const places = (text: string): string | null => (text === 'farola' ? 'Colón 12' : null);
    const r = report('es', await predict(classifier, catalog, items, places));
    // outcomes: alumbrado ✓, alumbrado ✗ (calles), none ✓, none ✗ (agua, below threshold)
    expect(r.serviceAccuracy).toBe(0.5);
    expect(r.none).toEqual({ precision: 0.5, recall: 1, support: 1, predicted: 2 });
    // types of the three typed items: reclamo ✓, solicitud ✓, reclamo vs consulta ✗
    expect(r.typeAccuracy).toBeCloseTo(2 / 3, 12);
    // raw top services: alumbrado ✓ 0.95, alumbrado ✗ 0.75, higiene ✗ 0.2, agua ✓ 0.3
    expect(r.top.accuracy).toBe(0.5);
    expect(r.calibration.ece).toBeCloseTo((0.05 + 0.75 + 0.2 + 0.7) / 4, 12);
    expect(r.confusions).toEqual([
      { gold: 'agua', predicted: 'none', count: 1 },
      { gold: 'calles', predicted: 'alumbrado', count: 1 },
    ]);
    expect(r.acted).toEqual({ share: 0.5, accuracy: 0.5 });
    // places: "Colón 12" vs "calle Colón 12" F1 0.8, not exact; three nulls extracted as nothing
    expect(r.place).toMatchObject({ withPlace: { n: 1, exact: 0 }, withoutPlace: { n: 3, none: 1 } });
    expect(r.place!.withPlace.f1).toBeCloseTo(0.8, 12);
    expect(format(r, true)).toMatch(/place extraction: exact 0\.750/);
    expect(format(r, false)).toMatch(/place extraction: not available/);
  });
});
