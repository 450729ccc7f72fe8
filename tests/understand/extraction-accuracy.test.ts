import { describe, expect, it } from 'vitest';
import { loadEvalSet } from '../../bench/eval/load-eval-set';
import { placeExactMatch, placeTokenF1 } from '../../bench/eval/metrics';
import type { Locale } from '../../catalog/schema';
import { extractPlace } from '../../dialogs/understand/index';

/*
 * Place extraction on the project's own labelled set (tests/fixtures/eval, written for issue 13; no
 * public dataset): exact match (after folding case, accents and punctuation) and token F1, per
 * language. Printed for the record; a floor guards against regressions.
 */

describe('place extraction on the labelled set', () => {
  it.each<Locale>(['es', 'ca', 'en'])('%s: exact match and token F1', (locale) => {
    const items = loadEvalSet(locale);
    let exact = 0;
    let f1 = 0;
    for (const item of items) {
      const found = extractPlace(item.text, locale)?.text ?? null;
      if (placeExactMatch(item.place ?? null, found)) exact++;
      f1 += placeTokenF1(item.place ?? null, found);
    }
    console.log(`place extraction ${locale}: exact ${(exact / items.length).toFixed(3)}, token F1 ${(f1 / items.length).toFixed(3)} (${items.length} messages)`);
    expect(exact / items.length).toBeGreaterThanOrEqual(0.85);
  });
});
