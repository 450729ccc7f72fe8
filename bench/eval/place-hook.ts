import type { Locale } from '../../dialogs/catalog/schema';

/** Finds the place in a citizen's message as written there ("calle Colón 12"), or null. */
export type PlaceExtractor = (text: string, locale: Locale) => string | null | Promise<string | null>;

/**
 * The place extractor `npm run eval` scores (issue 13 part 4). Not built yet when the evaluation
 * was written: wire it here in one line, e.g.
 *   export const extractPlace: PlaceExtractor | undefined = (text, locale) => extractPlaceFrom(text, locale)?.text ?? null;
 */
export const extractPlace: PlaceExtractor | undefined = undefined;
