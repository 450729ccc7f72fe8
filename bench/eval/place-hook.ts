import type { Locale } from '../../catalog/schema';
import { extractPlace } from '../../dialogs/understand/extract-place';

/** Finds the place in a citizen's message as written there ("calle Colón 12"), or null. */
export type PlaceExtractor = (text: string, locale: Locale) => string | null | Promise<string | null>;

/**
 * The place extractor `npm run eval` scores (issue 13 part 4): the offline `extractPlace` the dialogs
 * use, reduced to the place as written. To score another extractor (the LangChain one, a city's
 * directory-backed one), return it here; `undefined` prints "place extraction: not available".
 */
export async function loadPlaceExtractor(): Promise<PlaceExtractor | undefined> {
  return (text, locale) => extractPlace(text, locale)?.text ?? null;
}
