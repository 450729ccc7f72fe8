import { existsSync } from 'node:fs';
import type { Locale } from '../../dialogs/catalog/schema';

/** Finds the place in a citizen's message as written there ("calle Colón 12"), or null. */
export type PlaceExtractor = (text: string, locale: Locale) => string | null | Promise<string | null>;

/** Where the place extractor of issue 13 part 4 lives. */
const EXTRACTOR = new URL('../../dialogs/understand/extract-place.ts', import.meta.url);

/**
 * The place extractor `npm run eval` scores: `extractPlace(text, locale)` of
 * dialogs/understand/extract-place.ts, returning `{ text }` (the place as written) or undefined.
 * Loaded by path at run time so the evaluation runs (printing "not available") while that module
 * does not exist yet; once it is committed for good this can become a static import.
 */
export async function loadPlaceExtractor(): Promise<PlaceExtractor | undefined> {
  if (!existsSync(EXTRACTOR)) return undefined;
  const mod = (await import(EXTRACTOR.href)) as { extractPlace?: unknown };
  if (typeof mod.extractPlace !== 'function') return undefined;
  const extract = mod.extractPlace as (text: string, locale?: Locale) => { text: string } | string | null | undefined;
  return (text, locale) => {
    const found = extract(text, locale);
    if (found === null || found === undefined) return null;
    return typeof found === 'string' ? found : found.text;
  };
}
