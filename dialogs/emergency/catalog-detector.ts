import { LOCALES, type Catalog } from '../../catalog/schema';
import { normalize } from '../classify/normalize';
import { DEFAULT_LEXICON } from './default-lexicon';
import { EmergencyDetector } from './detector';
import { mergeLexicon } from './lexicon';

const built = new WeakMap<Catalog, EmergencyDetector>();

/**
 * The emergency detector of a catalog: the built-in lexicon plus the city's additions
 * (`emergencies.concepts`, `emergencies.signals`, `emergencies.context`), with every word of the
 * catalog's examples as known vocabulary (so a real word is never taken for a typo of a danger word),
 * matched against the lexicon once at build time.
 * Built once per catalog object and shared by every dialog of a process.
 */
export function emergencyDetectorFor(catalog: Catalog): EmergencyDetector {
  let d = built.get(catalog);
  if (!d) {
    const e = catalog.emergencies;
    const lexicon = mergeLexicon(DEFAULT_LEXICON, {
      ...(e.concepts ? { concepts: e.concepts } : {}),
      ...(e.signals ? { signals: e.signals } : {}),
      ...(e.context ? { context: e.context } : {}),
    });
    const words = wordsOf(catalog);
    d = new EmergencyDetector(lexicon, { vocabulary: [...words].filter((w) => w.length >= 6), prime: words });
    built.set(catalog, d);
  }
  return d;
}

/** Every word of the catalog's examples (normalized). */
function wordsOf(catalog: Catalog): Set<string> {
  const words = new Set<string>();
  const add = (text: string) => { for (const w of normalize(text).split(' ')) if (w) words.add(w); };
  for (const s of catalog.services) for (const l of LOCALES) s.examples[l].forEach(add);
  for (const l of LOCALES) (catalog.outOfScope?.[l] ?? []).forEach(add);
  for (const t of Object.values(catalog.types)) for (const l of LOCALES) t.examples[l].forEach(add);
  return words;
}
