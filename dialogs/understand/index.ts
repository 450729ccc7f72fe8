/**
 * Understanding what a citizen wrote, beyond its service and type: where (places), what (the
 * description without filler), answers that are not answers, the city's street directory and the
 * geocoder. `extractPlace` is the pure offline extractor `npm run eval` scores.
 */
export { extractPlace, extractPlaces, type ExtractedPlace, type PlaceKind } from './extract-place';
export { describesProblem, extractDescription } from './describe';
export { nonAnswer, afterNonAnswer, type NonAnswer } from './non-answer';
export { StreetDirectory, streetKey } from './street-directory';
export { HttpGeocoder, pointOf, type Geocoder } from './geocoder';
export { Understanding, type Understood, type UnderstoodPlace, type UnderstandingOptions } from './understanding';
export { createUnderstanding } from './create-understanding';
