import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import { IntBuffer, textFeatures, type TextFeatureOptions } from '../../dialogs/classify/offline/text-features';

const ON: TextFeatureOptions = { minChar: 4, maxChar: 5, bigrams: true, leadClause: true };
const OFF: TextFeatureOptions = { ...ON, leadClause: false };
const vocabulary = new Set(['la', 'farola', 'del', 'portal', 'y', 'los']);

function features(text: string, opts: TextFeatureOptions): number[] {
  const out = new IntBuffer();
  textFeatures(text, 'es', vocabulary, opts, out);
  return Array.from(out.data.subarray(0, out.length));
}

describe('the lead clause', () => {
  it('adds nothing to a message of one clause, or whose first clause ends it', () => {
    expect(features('la farola del portal no se enciende por la noche', ON)).toEqual(features('la farola del portal no se enciende por la noche', OFF));
    expect(features('la farola del portal no se enciende, ¿vale?', ON)).toEqual(features('la farola del portal no se enciende, ¿vale?', OFF));
  });

  it('counts the first clause of 3+ words again, skipping a greeting before it', () => {
    const text = 'Hola, la farola del portal parpadea, y los contenedores siguen llenos desde el lunes';
    expect(features(text, ON)).toEqual([...features(text, OFF), ...features('la farola del portal parpadea', OFF)]);
  });
});

describe('a message with two problems', () => {
  let offline: OfflineClassifier;
  beforeAll(() => {
    offline = OfflineClassifier.train(loadCatalog('config/catalog.yaml'));
  });

  // Written for this test: the same two problems in both orders, in each language.
  const CASES = [
    ['sin agua en casa desde esta mañana, y además la farola de enfrente parpadea', 'es', 'agua'],
    ['la farola de enfrente parpadea, y además estamos sin agua en casa desde esta mañana', 'es', 'alumbrado'],
    ['the bins on our road were not emptied on monday, and the street light by the postbox is out too', 'en', 'higiene'],
    ['the street light by the postbox is out, and the bins on our road were not emptied on monday', 'en', 'alumbrado'],
    ['el contenidor de vidre fa una setmana que no es buida, i a més el fanal del costat fa pampallugues', 'ca', 'higiene'],
    ['el fanal del costat fa pampallugues, i a més el contenidor de vidre fa una setmana que no es buida', 'ca', 'alumbrado'],
  ] as const;

  it('is read as the problem the citizen names first', () => {
    for (const [text, locale, service] of CASES) expect(offline.classifySync(text, locale).service, text).toBe(service);
  });
});
