import type { Locale } from '../../catalog/schema';

/**
 * Finds where a problem is in a citizen's own words, offline and in microseconds: a street and
 * number ("calle Colón 12", "c/ Colon 12", "carrer de Balmes 40", "5 Main Street", "Main St 5"), an
 * intersection ("esquina de Mitre y Belgrano", "calle Mayor con Colón", "cantonada de X amb Y",
 * "junction of X and Y"), a spot in front of something ("frente al colegio San José", "davant de
 * l'escola", "in front of the library") or a named landmark ("plaza Mayor", "parc de la Ciutadella",
 * "Victoria Park").
 *
 * The place comes back as written (a substring of the message), so a person reading the ticket sees
 * the citizen's words; `street` and `number` are its parts when it is an address.
 */
export type PlaceKind = 'address' | 'street' | 'intersection' | 'landmark' | 'near';

export interface ExtractedPlace {
  /** The place exactly as written in the message. */
  text: string;
  kind: PlaceKind;
  /** The street (type and name as written: "calle Colón"), for addresses and streets. */
  street?: string;
  /** The house number as written ("12", "40 bis"). */
  number?: string;
  /** The second street of an intersection. */
  cross?: string;
  /** Where `text` starts in the message. */
  index: number;
}

// Street types written before the name (Spanish and Catalan), longest first so "avda." wins over "av".
const STREET_TYPES_BEFORE = [
  'calle', 'calles', 'c/', 'c\\.', 'cl\\.?', 'cll\\.?', 'avenida', 'avda\\.?', 'avd\\.?', 'av\\.?', 'paseo', 'p[º°]\\.?', 'pso\\.?', 'ronda', 'camino', 'carretera', 'ctra\\.?',
  'travesía', 'travesia', 'pasaje', 'psje\\.?', 'bajada', 'subida', 'callejón', 'callejon', 'rambla', 'bulevar', 'boulevard', 'diagonal', 'costanera', 'autovía', 'autovia', 'vía', 'via',
  'carrer', 'cr\\.', 'avinguda', 'passeig', 'pg\\.', 'camí', 'cami', 'travessera', 'travessia', 'passatge', 'baixada', 'pujada', 'carretera',
];
// Landmarks written before their name: squares, parks, schools, markets, stations, neighbourhoods…
const LANDMARK_TYPES_BEFORE = [
  'plaza', 'pza\\.?', 'plazoleta', 'plazuela', 'glorieta', 'rotonda', 'parque', 'jardines', 'jardín', 'jardin', 'colegio', 'escuela', 'instituto', 'liceo', 'mercado', 'estación', 'estacion',
  'polideportivo', 'hospital', 'centro de salud', 'iglesia', 'parroquia', 'cementerio', 'barrio', 'urbanización', 'urbanizacion', 'zona', 'polígono', 'poligono', 'playa', 'puente', 'paseo marítimo',
  'biblioteca', 'ayuntamiento', 'museo', 'estadio', 'complejo', 'residencia', 'guardería', 'guarderia', 'club', 'villa',
  'plaça', 'pl\\.', 'parc', 'jardins', 'jardí', 'escola', 'institut', 'mercat', 'estació', 'estacio', 'poliesportiu', 'església', 'esglesia', 'cementiri', 'barri', 'urbanització', 'urbanitzacio',
  'polígon', 'poligon', 'platja', 'pont', 'ajuntament', 'biblioteca', 'museu', 'llar d\'infants',
];
// Street and landmark types written after the name (English).
const TYPES_AFTER = [
  'street', 'st\\.?', 'road', 'rd\\.?', 'avenue', 'ave\\.?', 'av\\.?', 'lane', 'ln\\.?', 'drive', 'dr\\.?', 'boulevard', 'blvd\\.?', 'way', 'place', 'pl\\.?', 'square', 'sq\\.?', 'court', 'ct\\.?', 'close',
  'crescent', 'terrace', 'gardens', 'hill', 'row', 'parade', 'grove', 'mews', 'walk', 'highway', 'hwy\\.?', 'park', 'roundabout', 'estate', 'bridge', 'green', 'market', 'station', 'school', 'primary school',
  'high school', 'library', 'hospital', 'church', 'cemetery', 'stadium', 'playground', 'common', 'quay', 'wharf', 'circus', 'embankment',
];
const ENGLISH_LANDMARK_AFTER = new Set(['park', 'roundabout', 'estate', 'bridge', 'green', 'market', 'station', 'school', 'primary school', 'high school', 'library', 'hospital', 'church', 'cemetery', 'stadium', 'playground', 'common', 'square', 'quay', 'wharf', 'circus', 'embankment']);
const ENGLISH_LANDMARK_BEFORE = ['the park', 'the school', 'the station', 'the library', 'the market', 'the church', 'the playground', 'the hospital'];

// Joiners inside a Spanish/Catalan name: "de la Constitución", "del Tibidabo", "de l'Àngel", "d'Aragó".
const JOINERS = new Set(['de', 'del', 'la', 'las', 'los', 'el', 'les', 'dels', "d'", "l'", 'di', 'da', 'do']);
// Words that end a place written in lowercase: verbs, articles and the like ("la calle no funciona").
const STOP = new Set([
  // es
  'hay', 'no', 'que', 'se', 'lleva', 'llevan', 'tiene', 'tienen', 'con', 'sin', 'y', 'o', 'de', 'del', 'a', 'al', 'en', 'el', 'la', 'los', 'las', 'un', 'una', 'unos', 'unas', 'es', 'está', 'esta', 'están', 'estan',
  'son', 'fue', 'era', 'ha', 'han', 'he', 'desde', 'hace', 'hasta', 'por', 'para', 'pero', 'porque', 'como', 'muy', 'mas', 'más', 'ya', 'otra', 'otro', 'vez', 'todo', 'toda', 'todos', 'todas', 'mi', 'mis', 'tu', 'su', 'sus',
  'nuestra', 'nuestro', 'este', 'esta', 'ese', 'esa', 'aquel', 'aquella', 'donde', 'cuando', 'sigue', 'siguen', 'queda', 'quedo', 'quedó', 'parece', 'pasa', 'pasan', 'huele', 'sale', 'salen', 'da', 'dan',
  'entera', 'entero', 'principal', 'misma', 'mismo', 'de', 'entre', 'frente', 'junto', 'cerca', 'lado', 'altura', 'esquina', 'cruce', 'le', 'les', 'me', 'nos', 'lo', 'q', 'x', 'xq', 'tmb', 'también', 'tambien',
  'siempre', 'nunca', 'ayer', 'hoy', 'anoche', 'mañana', 'semana', 'semanas', 'días', 'dias', 'noche', 'tarde', 'está', 'sobre', 'tras', 'detrás', 'detras', 'delante', 'enfrente', 'encima', 'debajo', 'justo',
  // ca
  'hi', 'ha', 'és', 'es', 'està', 'estan', 'amb', 'sense', 'i', 'per', 'perquè', 'des', 'fa', 'fins', 'molt', 'més', 'ja', 'altra', 'cop', 'meu', 'meva', 'nostre', 'nostra', 'aquest', 'aquesta', 'aquell', 'on',
  'quan', 'segueix', 'continua', 'davant', 'costat', 'prop', 'cantonada', 'creuament', 'una', 'uns', 'unes', 'dia', 'dies', 'nit', 'tot', 'tota', 'tots', 'totes', 'encara', 'sempre', 'mai', 'ahir', 'avui', 'els',
  // en
  'the', 'a', 'an', 'is', 'are', 'was', 'has', 'have', 'on', 'in', 'at', 'of', 'and', 'or', 'with', 'near', 'by', 'my', 'our', 'this', 'that', 'there', 'it', 'its', 'for', 'since', 'every', 'each', 'whole', 'next',
]);
// Words after a number that make it a quantity, not a house number ("3 días", "2 weeks").
const UNITS = /^(?:d[ií]as?|horas?|h|hs|semanas?|mes(?:es)?|años?|anys?|minutos?|min|metros?|m|km|cm|veces|cops?|dies|hores|setmanes|mesos|days?|hours?|weeks?|months?|years?|minutes?|mins?|times?|meters?|metres?|am|pm|%|€|euros?)(?![\p{L}])/iu;

const WORD = "[\\p{L}][\\p{L}\\p{M}'’.·-]*";
const NUMBER = '(?:n[º°o]\\.?\\s*|n\\.\\s*|núm\\.?\\s*|num\\.?\\s*|número\\s+|numero\\s+|nro\\.?\\s*|no\\.\\s*|#\\s*)?(\\d{1,5}(?![\\d.,]\\d)(?:[a-dA-D](?![\\p{L}]))?(?:\\s+bis(?![\\p{L}]))?)(?![\\p{L}\\d])';

function alt(words: readonly string[]): string {
  return [...new Set(words)].sort((a, b) => b.length - a.length).join('|');
}

const TYPE_WORD = new RegExp(`^(?:${alt([...STREET_TYPES_BEFORE, ...LANDMARK_TYPES_BEFORE].filter((t) => /^[\p{L} ]+$/u.test(t)))})$`, 'iu');
const STREET_BEFORE_RE = new RegExp(`(?<![\\p{L}])(${alt(STREET_TYPES_BEFORE)})(?:(?<=[/.])|(?![\\p{L}]))\\s*`, 'giu');
const LANDMARK_BEFORE_RE = new RegExp(`(?<![\\p{L}])(${alt(LANDMARK_TYPES_BEFORE)})(?![\\p{L}])\\s*`, 'giu');
const TYPE_AFTER_WORD = new RegExp(`^(?:${alt(TYPES_AFTER)})$`, 'iu');
const TYPE_AFTER_RE = new RegExp(`(?<![\\p{L}])(${alt(TYPES_AFTER)})(?![\\p{L}])`, 'giu');

/** A word of the message with where it is. */
interface Token {
  text: string;
  start: number;
  end: number;
}

function tokensFrom(text: string, from: number): Token[] {
  const re = new RegExp(`${WORD}|\\d+|[,]`, 'gu');
  re.lastIndex = from;
  const out: Token[] = [];
  for (let m = re.exec(text); m && out.length < 12; m = re.exec(text)) {
    // A sentence break ends a place.
    if (/[.;:!?\n]/.test(text.slice(out.at(-1)?.end ?? from, m.index))) break;
    out.push({ text: m[0], start: m.index, end: m.index + m[0].length });
  }
  return out;
}

const isCapitalized = (w: string): boolean => /^[\p{Lu}]/u.test(w);
const isNumber = (w: string): boolean => /^\d/.test(w);
const lower = (w: string): string => w.toLowerCase().replace(/[’]/g, "'");
// A name word ends with a period only as an abbreviation ("Gral.", "Sta."); "Colón." ends the sentence.
const trimDot = (w: string): string => (/^\p{Lu}\p{Ll}{0,3}\.$/u.test(w) ? w : w.replace(/[.]+$/, ''));

/**
 * Reads the name after a type word ("Colón 12", "de la Constitución 5", "Balmes, 40"): capitalized
 * words and joiners; a first word in lowercase ("calle colon 12", "zona industrial") when it is not
 * a stop word; further lowercase words only when a number follows them.
 */
function nameAfter(text: string, from: number, allowNumber: boolean, lowercaseAlone = true): { end: number; nameEnd: number; name: string; number?: string } | undefined {
  const tokens = tokensFrom(text, from);
  let nameEnd = -1;
  let nameStart = -1;
  let allLower = true;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    const w = lower(t.text);
    if (t.text === ',' || isNumber(t.text)) break;
    if (JOINERS.has(w)) {
      // A joiner continues the name only when a name word follows it.
      const next = tokens[i + 1];
      if (!next || isNumber(next.text) || next.text === ',') break;
      if (STOP.has(lower(next.text)) && !JOINERS.has(lower(next.text))) break;
      if (nameStart !== -1 && !isCapitalized(next.text) && !allLower) break;
      continue;
    }
    // "d'Aragó", "l'Àngel": the joiner is glued to the name ("l'arreglaran" is a verb, not a name).
    const word = /^(?:d|l)['’](.+)$/iu.exec(t.text)?.[1] ?? t.text;
    if (/^l['’]/iu.test(t.text) && !isCapitalized(word)) break;
    if (!isCapitalized(word)) {
      if (STOP.has(w) || GENERIC.has(w)) break;
      if (nameStart !== -1 && !allLower) break;
      // Lowercase words: only when a house number closes them ("bravo murillo 12"), or alone after a street type.
      const ahead = tokens.slice(i, i + 3);
      const numberAt = ahead.findIndex((x) => isNumber(x.text));
      const numbered = allowNumber && numberAt !== -1 && !ahead.slice(0, numberAt).some((x) => STOP.has(lower(x.text))) && houseNumberAt(text, ahead[numberAt]!.start);
      if (!numbered && (nameStart !== -1 || !lowercaseAlone || word.length < 4)) break;
    } else allLower = false;
    if (nameStart === -1) nameStart = t.start;
    const kept = trimDot(t.text);
    nameEnd = t.start + kept.length;
    if (kept.length < t.text.length) break;
  }
  if (nameStart === -1 || nameEnd === -1) return undefined;
  const name = text.slice(nameStart, nameEnd);
  if (!allowNumber) return { end: nameEnd, nameEnd, name };
  // The house number: "12", ", 12", "nº 12", "número 12", "12 bis", "12B"; not "3 días".
  const m = new RegExp(`^\\s*,?\\s*${NUMBER}`, 'iu').exec(text.slice(nameEnd));
  if (m && houseNumberAt(text, nameEnd + m[0].length - m[1]!.length)) return { end: nameEnd + m[0].length, nameEnd, name, number: m[1]!.trim() };
  return { end: nameEnd, nameEnd, name };
}

/** Whether the number at `at` is a house number, not a quantity ("3 días") or a time ("8.30"). */
function houseNumberAt(text: string, at: number): boolean {
  const m = new RegExp(`^${NUMBER}`, 'iu').exec(text.slice(at));
  if (!m) return false;
  const rest = text.slice(at + m[0].length);
  return !UNITS.test(rest.trimStart()) && !/^[.,:]\d/.test(rest);
}

// Lowercase words after a street type that describe it instead of naming it ("la calle de atrás").
const GENERIC = new Set([
  'atras', 'atrás', 'detras', 'detrás', 'principal', 'peatonal', 'nueva', 'nuevo', 'vieja', 'viejo', 'antes', 'xfa', 'porfa', 'entera', 'cortada', 'sucia', 'rota', 'mojada', 'oscura', 'infantil', 'municipal',
  'municipales', 'grande', 'pequeña', 'norte', 'sur', 'este', 'oeste', 'centro', 'bien', 'mal', 'arriba', 'abajo', 'cerca', 'lejos', 'llena', 'vacía', 'vacia', 'privada', 'privado', 'publica', 'pública',
  'darrere', 'nou', 'nova', 'vell', 'vella', 'bruta', 'trencada', 'tallada', 'fosca', 'gran', 'petita', 'infantil', 'plena', 'buida', 'behind', 'main', 'new', 'old',
  'just', 'tambe', 'també', 'abans', 'despres', 'després', 'baix', 'dalt', 'ara', 'ahora', 'luego', 'ya',
]);

/** "calle Colón 12", "av. de la Constitución 5", "carrer de Balmes 40", "plaza Mayor". */
function typedBefore(text: string, re: RegExp, kind: 'street' | 'landmark'): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const typeWord = m[1]!;
    // Squares, parks and schools are places when named with a capital ("plaza Mayor") or numbered.
    const name = nameAfter(text, m.index + m[0].length, true, kind === 'street');
    if (!name) continue;
    // "camí del parc del Clot", "carretera de la urbanització": the place is the inner one (or none).
    const firstWord = /^(?:[dl]['’])?([\p{L}]+)/u.exec(name.name)?.[1] ?? '';
    if (!isCapitalized(firstWord) && TYPE_WORD.test(firstWord)) continue;
    // Generic landmarks must be named with a capital ("plaza Mayor", "zona industrial" aside).
    const start = m.index;
    const placeText = text.slice(start, name.end).replace(/[\s,]+$/, '');
    const street = text.slice(start, name.nameEnd).trim();
    if (kind === 'street') {
      out.push({ text: placeText, kind: name.number ? 'address' : 'street', street, ...(name.number ? { number: name.number } : {}), index: start });
    } else {
      out.push({ text: placeText, kind: name.number ? 'address' : 'landmark', street, ...(name.number ? { number: name.number } : {}), index: start });
    }
    void typeWord;
  }
  return out;
}

/** "5 Main Street", "Main St 5", "Bridge Street", "Victoria Park", "the Station roundabout". */
function typedAfter(text: string): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  TYPE_AFTER_RE.lastIndex = 0;
  for (let m = TYPE_AFTER_RE.exec(text); m; m = TYPE_AFTER_RE.exec(text)) {
    const typeWord = lower(m[1]!).replace(/\.$/, '');
    // Name words before the type, right to left: capitalized ones ("Main", "Fairfax"), or one
    // lowercase word when a house number comes before it ("5 main street").
    const before = text.slice(0, m.index);
    const words = [...before.matchAll(new RegExp(`(${WORD}|\\d+[a-z]?)\\s+`, 'gu'))].filter((x) => x.index! + x[0].length === before.length || true);
    let start = m.index;
    let count = 0;
    let numberText: string | undefined;
    for (let j = words.length - 1; j >= 0; j--) {
      const w = words[j]!;
      if (w.index! + w[0].length !== start) break;
      const word = w[1]!;
      if (isNumber(word)) {
        if (count > 0) {
          numberText = word;
          start = w.index!;
        }
        break;
      }
      if (!isCapitalized(word)) {
        if (count > 0 || STOP.has(lower(word))) break;
        // A lowercase name needs a number before it to be a street ("5 main street").
        const prev = words[j - 1];
        if (!prev || prev.index! + prev[0].length !== w.index! || !isNumber(prev[1]!)) break;
      }
      if (STOP.has(lower(word)) && count === 0) break;
      if (count >= 3) break;
      start = w.index!;
      count++;
    }
    const typeEnd = m.index + m[0].length;
    // "Memorial Park playground": the place is the park, named; the playground is in it.
    const lastName = /([\p{L}]+)\s+$/u.exec(text.slice(start, m.index))?.[1] ?? '';
    if (!isCapitalized(m[1]!) && count > 1 && TYPE_AFTER_WORD.test(lastName)) continue;
    // "street light", "park bench": the type word is an adjective there.
    if (count === 0 || NOT_A_PLACE_AFTER.test(text.slice(typeEnd))) continue;
    let end = typeEnd;
    let number = numberText;
    if (!number) {
      const after = new RegExp(`^\\s*,?\\s*${NUMBER}`, 'iu').exec(text.slice(typeEnd));
      if (after && !UNITS.test(text.slice(typeEnd + after[0].length).trimStart())) {
        number = after[1]!.trim();
        end = typeEnd + after[0].length;
      }
    }
    const placeText = text.slice(start, end).trim();
    const street = text.slice(numberText ? start + numberText.length : start, typeEnd).trim();
    const landmark = ENGLISH_LANDMARK_AFTER.has(typeWord);
    out.push({ text: placeText, kind: number ? 'address' : landmark ? 'landmark' : 'street', street, ...(number ? { number } : {}), index: start });
  }
  return out;
}

// "esquina de X y Y", "cruce de X con Y", "cantonada de X amb Y", "junction of X and Y", "corner of X and Y".
const CROSSING_RE = /(?<![\p{L}])(esquina(?:\s+(?:de|del|entre))?|cruce(?:\s+(?:de|del|entre))?|intersecci[oó]n(?:\s+(?:de|del|entre))?|cantonada(?:\s+(?:de|del|entre))?|encreuament(?:\s+(?:de|del|entre))?|cru[iï]lla(?:\s+(?:de|del|entre))?|junction\s+(?:of|between)|corner\s+of|crossing\s+of|intersection\s+of)(?:\s+|(?=\s*d['’]))/giu;
const AND_WORDS = /^\s*(?:y|e|con|amb|i|and|&|with)\s+/iu;

function crossingOf(text: string): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  CROSSING_RE.lastIndex = 0;
  for (let m = CROSSING_RE.exec(text); m; m = CROSSING_RE.exec(text)) {
    const from = m.index + m[0].length;
    const first = streetAt(text, from);
    if (!first) continue;
    const joiner = AND_WORDS.exec(text.slice(first.end));
    if (!joiner) {
      // "calle Mayor esquina con la farmacia" is not a crossing; "esquina de Colón" alone is a street.
      continue;
    }
    const second = streetAt(text, first.end + joiner[0].length);
    if (!second) continue;
    out.push({ text: text.slice(m.index, second.end).trim(), kind: 'intersection', street: first.name, cross: second.name, index: m.index });
  }
  return out;
}

/** A street name at `from`, with or without its type word ("Mitre", "la calle Mayor", "Main St"). */
function streetAt(text: string, from: number): { name: string; end: number } | undefined {
  const rest = text.slice(from);
  // Whole words only: "Elm" does not start with the article "el", nor "Avenue" with "av".
  const article = /^(?:(?:la|el|les|the)(?=\s)\s*|[ld]['’]\s*)?/iu.exec(rest)![0];
  const at = from + article.length;
  const typed = new RegExp(`^(${alt(STREET_TYPES_BEFORE)})(?:(?<=[/.])|(?![\\p{L}]))\\s*`, 'iu').exec(text.slice(at));
  const nameFrom = typed ? at + typed[0].length : at;
  // "3rd", "2nd Avenue": numbered streets.
  const ordinal = /^\d{1,3}(?:st|nd|rd|th)(?![\p{L}])/iu.exec(text.slice(nameFrom));
  if (ordinal) {
    let end = nameFrom + ordinal[0].length;
    const after = new RegExp(`^\\s+(${alt(TYPES_AFTER)})(?![\\p{L}])`, 'iu').exec(text.slice(end));
    if (after) end += after[0].length;
    return { name: text.slice(at, end).trim(), end };
  }
  const first = text.slice(nameFrom).match(new RegExp(`^${WORD}`, 'u'))?.[0];
  if (!first || (!typed && !isCapitalized(first) && STOP.has(lower(first)))) return undefined;
  if (!typed && !isCapitalized(first)) return undefined;
  const name = nameAfter(text, nameFrom, false);
  if (!name) return undefined;
  let end = name.end;
  // English type after: "Main St and Oak Ave".
  const after = new RegExp(`^\\s+(${alt(TYPES_AFTER)})(?![\\p{L}])`, 'iu').exec(text.slice(end));
  if (after) end += after[0].length;
  return { name: text.slice(at, end).trim(), end };
}

// "calle Mayor con Colón", "carrer de Provença amb Pau Claris": a typed street crossed by another.
function streetWithCross(text: string, streets: ExtractedPlace[]): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  for (const s of streets) {
    if (s.kind !== 'street') continue;
    const end = s.index + s.text.length;
    const joiner = /^\s*(?:con|amb|esquina(?:\s+(?:con|a|amb))?|and|y)\s+/iu.exec(text.slice(end));
    if (!joiner) continue;
    const second = streetAt(text, end + joiner[0].length);
    if (!second) continue;
    out.push({ text: text.slice(s.index, second.end).trim(), kind: 'intersection', street: s.street ?? s.text, cross: second.name, index: s.index });
  }
  return out;
}

// "en Mitre y Belgrano", "de Lima y Chile": two capitalized names joined by "y" after a preposition.
const BARE_CROSSING_RE = /(?<=(?:^|\s)(?:en|de|del|a)\s+)(\p{Lu}[\p{L}'’]+(?:\s+\p{Lu}[\p{L}'’]+)?)\s+(?:y|e|amb|i)\s+(\p{Lu}[\p{L}'’]+(?:\s+\p{Lu}[\p{L}'’]+)?)(?![\p{L}])/gu;

function bareCrossing(text: string): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  BARE_CROSSING_RE.lastIndex = 0;
  for (let m = BARE_CROSSING_RE.exec(text); m; m = BARE_CROSSING_RE.exec(text)) {
    // "Consell de Cent i Aragó": the "de" is inside a name, not before the crossing.
    if (/\p{Lu}[\p{L}'’]*\s+(?:de|del)\s+$/u.test(text.slice(0, m.index))) continue;
    out.push({ text: m[0], kind: 'intersection', street: m[1]!, cross: m[2]!, index: m.index });
  }
  return out;
}

// "frente a", "frente al", "enfrente de", "delante de", "davant de", "davant del", "in front of", "opposite".
const NEAR_RE = /(?<![\p{L}])(frente\s+(?:al|a|del|de)(?![\p{L}])|enfrente\s+(?:del|de)(?![\p{L}])|delante\s+(?:del|de)(?![\p{L}])|davant\s+(?:dels|del|de|d['’])|in\s+front\s+of|opposite(?:\s+to)?|across\s+from)\s*/giu;
const NEAR_TARGETS = new RegExp(
  `^(?:(?:la|el|los|las|les|els|l['’]|the|un|una|a|an)\\s*)?(${alt([...LANDMARK_TYPES_BEFORE, 'edificio', 'edifici', 'farmacia', 'farmàcia', 'supermercado', 'supermercat', 'bar', 'panadería', 'panaderia', 'forn', 'banco', 'banc', 'kiosco', 'quiosco', 'parada', 'comisaría', 'comisaria', 'centro', 'centre', 'cole', 'shop', 'pharmacy', 'supermarket', 'pub', 'bakery', 'bank', 'bus stop', 'stop', 'school', 'park', 'station', 'library', 'church', 'market', 'hospital', 'post office', 'town hall', 'tienda', 'botiga'])})(?![\\p{L}])`,
  'iu',
);

// "junto al polideportivo", "detrás de la estación", "al costat de l'escola", "next to the school":
// part of the place only before a landmark ("junto a calle Mayor 3" is just the address).
const BESIDE_RE = /(?<![\p{L}])(junto\s+(?:al|a)(?![\p{L}])|al\s+lado\s+(?:del|de)(?![\p{L}])|detr[aá]s\s+(?:del|de)(?![\p{L}])|al\s+costat\s+(?:del|de|d['’])|darrere\s+(?:del|de|d['’])|next\s+to|behind|outside)\s*/giu;

function nearOf(text: string): ExtractedPlace[] {
  return [...nearWith(text, NEAR_RE, true), ...nearWith(text, BESIDE_RE, false)];
}

function nearWith(text: string, re: RegExp, streets: boolean): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const from = m.index + m[0].length;
    const rest = text.slice(from);
    // "frente a mi casa", "in front of my house": no crew can find that.
    if (/^(?:mi|mis|my|our|nuestr[oa]s?|el\s+meu|la\s+meva|casa|home)(?![\p{L}])/iu.test(rest)) continue;
    const target = NEAR_TARGETS.exec(rest);
    const typed = new RegExp(`^(?:(?:la|el|l['’])\\s*)?(${alt(STREET_TYPES_BEFORE)})(?:(?<=[/.])|(?![\\p{L}]))\\s*`, 'iu').exec(rest);
    let end: number;
    if (typed && streets) {
      const name = nameAfter(text, from + typed[0].length, true);
      if (!name) continue;
      end = name.end;
    } else if (target) {
      end = from + target[0].length;
      // Its name, if any: "colegio San José".
      const name = nameAfter(text, end, true, false);
      if (name) end = name.end;
      // "junto al bar", "behind the church": not a place a crew can find without a name.
      else if (!streets) continue;
    } else if (!streets) {
      // "outside St Mary's school", "next to Victoria Park": an English landmark, named before its type.
      const landmark = typedAfter(text).find((p) => p.kind === 'landmark' && p.index >= from && p.index <= from + 4 && /^(?:the\s+)?$/i.test(text.slice(from, p.index)));
      if (!landmark) continue;
      end = landmark.index + landmark.text.length;
    } else if (streets) {
      // "frente a Colón 12", "in front of 5 Main Street", "davant de Can Ramon".
      const address = /^(?:\d{1,5}\s+)?\p{Lu}[\p{L}'’]+(?:\s+(?:de|del|la|d['’])?\s*\p{Lu}[\p{L}'’]+){0,3}(?:\s+\d{1,5})?/u.exec(rest);
      if (!address) continue;
      end = from + address[0].length;
      const typedAfterName = new RegExp(`^\\s+(${alt(TYPES_AFTER)})(?![\\p{L}])(?:\\s+\\d{1,5})?`, 'iu').exec(text.slice(end));
      if (typedAfterName) end += typedAfterName[0].length;
    } else continue;
    out.push({ text: text.slice(m.index, end).trim(), kind: 'near', index: m.index });
  }
  return out;
}

// "de Rivadavia 2300", "por Corrientes 1500": a capitalized name and a house number, no street type.
const BARE_ADDRESS_RE = /(?<=(?:^|\s)(?:en|de|del|a|al|por|sobre|per|at|on|in|by)\s+)(\p{Lu}[\p{L}'’]+(?:\s+(?:de|del|la)?\s*\p{Lu}[\p{L}'’]+){0,2})\s+(\d{1,5})(?![\d\p{L}.,:])/gu;

function bareAddress(text: string): ExtractedPlace[] {
  const out: ExtractedPlace[] = [];
  BARE_ADDRESS_RE.lastIndex = 0;
  for (let m = BARE_ADDRESS_RE.exec(text); m; m = BARE_ADDRESS_RE.exec(text)) {
    const year = /^(?:19|20)\d\d$/.test(m[2]!);
    if (year || !houseNumberAt(text, m.index + m[0].length - m[2]!.length)) continue;
    out.push({ text: m[0], kind: 'address', street: m[1]!, number: m[2]!, index: m.index });
  }
  return out;
}

// "street light", "road sign", "park bench": an English type word used as an adjective.
const NOT_A_PLACE_AFTER = /^\s+(?:lights?|lamps?|lamp-?posts?|signs?|benches?|bins?|sweepers?|cleaning|furniture|works?|parking|trees?|markings?|drains?|names?)(?![\p{L}])/iu;

const KIND_RANK: Record<PlaceKind, number> = { address: 5, intersection: 4, near: 3, landmark: 2, street: 1 };


/**
 * The most precise place in the message, or undefined. When several are named, the most precise
 * wins (an address, then an intersection, a spot in front of something, a landmark, a bare street),
 * then the first one written.
 */
export function extractPlace(text: string, locale?: Locale): ExtractedPlace | undefined {
  return extractPlaces(text, locale)[0];
}

/** Every place found in the message, most precise first. */
export function extractPlaces(text: string, _locale?: Locale): ExtractedPlace[] {
  if (!text || !/\p{L}/u.test(text)) return [];
  const streets = typedBefore(text, STREET_BEFORE_RE, 'street');
  const landmarks = typedBefore(text, LANDMARK_BEFORE_RE, 'landmark').filter((p) => isNamedLandmark(p));
  const english = typedAfter(text);
  const found = [...crossingOf(text), ...streetWithCross(text, [...streets, ...english]), ...bareCrossing(text), ...nearOf(text), ...streets, ...landmarks, ...english, ...bareAddress(text)];
  // Drop places inside a larger one ("calle Mayor" inside "esquina de calle Mayor y Colón").
  const kept = found.filter((p, i) => !found.some((q, j) => j !== i && contains(q, p) && (q.text.length > p.text.length || (q.text.length === p.text.length && j < i))));
  return kept.sort((a, b) => KIND_RANK[b.kind] - KIND_RANK[a.kind] || a.index - b.index);
}

function contains(outer: ExtractedPlace, inner: ExtractedPlace): boolean {
  return outer.index <= inner.index && outer.index + outer.text.length >= inner.index + inner.text.length;
}

// "el parque", "la plaza" alone are not places a crew can find; "plaza Mayor", "zona industrial" are.
function isNamedLandmark(p: ExtractedPlace): boolean {
  const words = p.text.split(/\s+/);
  return words.length >= 2;
}
