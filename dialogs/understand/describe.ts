import { normalize } from '../classify/normalize';
import type { ExtractedPlace } from './extract-place';

/**
 * The description a crew reads: the citizen's message without the greeting and the thanks around it
 * ("Hola buenas, hay una farola apagada en la calle Colón 12, gracias" → "Hay una farola apagada en
 * la calle Colón 12"). The place stays in it: it is part of what the citizen said.
 */

// Openings that carry no content, in es/ca/en, matched at the start (repeated: "hola buenas, qué tal").
const OPENINGS = [
  'hola', 'holaa', 'buenas', 'buenos dias', 'buenos días', 'buenas tardes', 'buenas noches', 'buen dia', 'buen día', 'que tal', 'qué tal', 'como estan', 'cómo están', 'saludos', 'hey', 'ey', 'che',
  'disculpen', 'disculpe', 'perdon', 'perdón', 'perdona', 'una consulta', 'mira', 'miren', 'oigan', 'señores', 'estimados', 'estimado',
  'les escribo para', 'les escribo porque', 'os escribo para', 'os escribo porque', 'te escribo para', 'te escribo porque', 'les cuento que', 'os cuento que', 'te cuento que', 'queria avisar que', 'quería avisar que',
  'queria decir que', 'quería decir que', 'queria informar que', 'quería informar que', 'quisiera informar que', 'quisiera avisar que', 'quiero avisar que', 'quiero informar que', 'aviso que', 'les aviso que', 'os aviso que',
  'bon dia', 'bona tarda', 'bona nit', 'bones', 'ei', 'us escric per', 'us escric perque', 'us escric perquè', 'volia avisar que', 'volia dir que', 'us aviso que',
  'hi', 'hello', 'hiya', 'good morning', 'good afternoon', 'good evening', 'dear sir or madam', 'dear council', 'hi there', 'hello there', 'just to let you know', 'i want to report that', 'i would like to report that', "i'd like to report that",
];
const CLOSINGS = [
  'gracias', 'muchas gracias', 'mil gracias', 'gracias de antemano', 'desde ya gracias', 'saludos', 'un saludo', 'saludos cordiales', 'atentamente', 'un abrazo', 'porfa', 'por favor', 'xfa', 'xfavor', 'gracias!!',
  'gracies', 'gràcies', 'moltes gracies', 'moltes gràcies', 'salutacions', 'una salutacio', 'una salutació', 'si us plau', 'siusplau',
  'thanks', 'thank you', 'thanks a lot', 'many thanks', 'cheers', 'regards', 'kind regards', 'best regards', 'please', 'thx', 'ty',
];

const alt = (xs: readonly string[]) => [...xs].sort((a, b) => b.length - a.length).map((x) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
const LEADING = new RegExp(`^(?:[\\s,.;:!¡¿?👋🙂😊-]*(?:${alt(OPENINGS)})(?![\\p{L}]))+[\\s,.;:!¡¿?👋🙂😊-]*`, 'iu');
const TRAILING = new RegExp(`(?:[\\s,.;:!¡-]+(?:${alt(CLOSINGS)})(?![\\p{L}]))+[\\s,.;:!🙏🙂😊]*$`, 'iu');

/** The message without greeting filler (then capitalized); the message as written when there was none or nothing else. */
export function extractDescription(text: string): string {
  const trimmed = text.trim();
  const cut = withoutFiller(trimmed);
  if (cut === trimmed || !/\p{L}/u.test(cut)) return trimmed;
  // Something was cut before it: the sentence now starts here.
  return cut.charAt(0).toUpperCase() + cut.slice(1);
}

/**
 * Whether the message says what is wrong, besides where: at least two words of content once the
 * greeting and the place are gone ("farola apagada" yes; "calle Colón 12" or "hola" no).
 */
export function describesProblem(text: string, place?: Pick<ExtractedPlace, 'text'>): boolean {
  let body = withoutFiller(text.trim());
  if (place) body = body.replace(place.text, ' ');
  const words = normalize(body).split(' ').filter((w) => /[a-z]/.test(w) && !FUNCTION_WORDS.has(w));
  return words.length >= 2;
}

// Words that say nothing on their own ("en la", "at the").
const FUNCTION_WORDS = new Set(['en', 'la', 'el', 'los', 'las', 'de', 'del', 'a', 'al', 'y', 'i', 'es', 'un', 'una', 'hay', 'hi', 'ha', 'at', 'the', 'on', 'in', 'of', 'is', 'there', 'a', 'an', 'and', 'l', 'd', 'que', 'se', 'me', 'mi', 'my', 'per', 'por', 'para']);

/** The message without the greeting before it and the thanks after it ('' when that is all it was). */
function withoutFiller(text: string): string {
  return text.replace(LEADING, '').replace(TRAILING, '').trim();
}
