import type { Locale } from '../../catalog/schema';

/**
 * How the knowledge base reads words, the same way for articles and for questions:
 * folded (lowercase, no accents, "l·l" → "ll"), function words dropped, and cut to a light stem
 * so that "empadronarme", "empadronamiento" and "empadronado" meet, and "recibos" finds "recibo".
 *
 * The stemmers are deliberately light (plural, gender, a few verb and noun endings): a question is
 * a handful of words, and an aggressive stemmer merges words a city keeps apart ("multa"/"multi…").
 * Typos are left to the search's fuzzy matching.
 */

// Words that say nothing about the topic. Question words stay out too: "¿dónde?" is in every question.
const STOPWORDS: Readonly<Record<Locale, ReadonlySet<string>>> = {
  es: new Set(
    ('a al algo algun alguna alguno algunos ante antes aqui asi aun cada como con contra cual cuales cuando cuanto cuanta cuantos cuantas de del desde donde dos durante e el ella ellas ellos en entre era es esa ese eso esta estan este esto estos estas fue ha hace hacer hay he hola la las le les lo los mas me mi mis mucho muy nada ni no nos nosotros o os otra otro para pero poco por porque puede pueden puedo que quien se sea ser si sin sobre solo son su sus tambien tengo tiene tienen tu tus un una unas uno unos usted vosotros y ya yo quiero quisiera queria necesito saber favor gracias buenas buenos dias tardes alguien hay q xq pq porfa pf vale oye saludos informacion info dime decir pido pedir pide solicito hago saco sacar consigo conseguir obtener obtengo tramito tramitar gestionar puedes podria podrian tendria voy vengo padre madre hijo hija hijos marido mujer pareja hoy manana ahora cosa')
      .split(' '),
  ),
  ca: new Set(
    ('a al als amb aquest aquesta aquests aqui aixo cada com d de del dels des dins el ella elles ells em en entre era es esta estan et fa fer hi ho i jo l la les li m ma me mes meu meva molt n ne no nos o on per pero perque pot poden puc que qui quin quina quins quines quan quant quanta quants quantes s sa se sense ser si sobre son sou ta te tinc te un una unes uns us va vull voldria necessito saber favor gracies bon dia hola algu cal informacio info digues dir tambe ja demano demanar demana sollicito faig trec treure aconsegueixo aconseguir obtenir tramitar pots podeu podria pare mare fill filla fills marit dona parella avui dema ara cosa')
      .split(' '),
  ),
  en: new Set(
    ('a about an and any are as at be been but by can could do does for from get got have how i if in into is it its me my need of on or our please should so tell than that the their them then there these they this to us was we what when where which who why will with would you your yours hi hello thanks thank want know info information anyone someone am im dont do does did apply request obtain make done father mother son daughter dad mum mom husband wife partner today tomorrow now thing')
      .split(' '),
  ),
};

/** Endings tried longest first; the stem must keep at least MIN_STEM letters. */
const SUFFIXES: Readonly<Record<Locale, readonly string[]>> = {
  es: [
    'aciones', 'iciones', 'amiento', 'imiento', 'amientos', 'imientos', 'acion', 'icion', 'mente',
    'ando', 'iendo', 'arme', 'erme', 'irme', 'arse', 'erse', 'irse', 'arlo', 'arla', 'erlo', 'irlo',
    'ados', 'adas', 'idos', 'idas', 'ado', 'ada', 'ido', 'ida', 'ones', 'es', 'os', 'as', 'ar', 'er', 'ir', 's', 'o', 'a', 'e',
  ],
  ca: [
    'acions', 'icions', 'ament', 'aments', 'acio', 'icio', 'ant', 'ent', 'ats', 'ades', 'its', 'ides', 'at', 'ada', 'it', 'ida',
    'ar', 'er', 'ir', 're', 'es', 'os', 'ns', 's', 'a', 'o', 'e',
  ],
  en: ['ational', 'ation', 'ations', 'ments', 'ment', 'ings', 'ing', 'ied', 'ies', 'ed', 'es', 'ly', 's', 'e'],
};
const MIN_STEM = 4;

// Plurals the suffix rules would merge with another word: Catalan "obres" (works) is not "obre" (opens).
const IRREGULAR: Readonly<Record<Locale, ReadonlyMap<string, string>>> = {
  es: new Map(),
  ca: new Map([['obres', 'obra'], ['obra', 'obra']]),
  en: new Map(),
};

/**
 * Folds text for search: lowercase, no accents or diacritics, Catalan "l·l" as "ll", anything that
 * is not a letter or digit as a space, letters repeated three times or more ("holaaa") as one.
 * Kept here rather than shared with the classifier, so that a change there cannot move the
 * knowledge base's calibrated threshold.
 * @example fold("¿On és l'OAC?") === 'on es l oac'
 */
export function fold(text: string): string {
  return text
    .toLowerCase()
    .replace(/l[·.\u2022\u2027\u0387]l/g, 'll')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/([a-z])\1{2,}/g, '$1')
    .trim();
}

/** Light stem of one folded word. @example stem('es', 'empadronarme') === 'empadron' */
export function stem(locale: Locale, word: string): string {
  const irregular = IRREGULAR[locale].get(word);
  if (irregular) return irregular;
  if (word.length <= MIN_STEM || /^\d+$/.test(word)) return word;
  for (const suffix of SUFFIXES[locale]) {
    if (word.endsWith(suffix) && word.length - suffix.length >= MIN_STEM) return word.slice(0, -suffix.length);
  }
  return word;
}

/** Whether a folded word carries no topic in `locale`. */
export function isStopword(locale: Locale, word: string): boolean {
  return STOPWORDS[locale].has(word);
}

/**
 * The search terms of a text: folded words, stopwords out, stemmed. Single letters are dropped
 * ("l'IBI" gives "ibi"), digits kept ("112", "010").
 * @example terms('es', '¿Dónde me empadrono?') → ['empadron']
 */
export function terms(locale: Locale, text: string): string[] {
  const out: string[] = [];
  for (const word of fold(text).split(' ')) {
    if (word.length < 2 && !/\d/.test(word)) continue;
    if (isStopword(locale, word)) continue;
    out.push(stem(locale, word));
  }
  return out;
}

/**
 * Words citizens use for what the articles call otherwise ("coche" for "vehículo", "tele" for
 * "televisor", "papeles" for "documentos"). General language, not one city's: a city adds its own
 * words as article keywords. Applied when indexing, so the question's own words are what is weighed.
 */
const SYNONYMS: Readonly<Record<Locale, ReadonlyArray<readonly string[]>>> = {
  es: [
    ['coche', 'vehiculo', 'carro', 'turismo', 'auto'], ['tele', 'television', 'televisor'], ['papeles', 'documentos', 'documentacion'],
    ['tirar', 'deshacerme', 'deshago', 'desechar'], ['precio', 'cuesta', 'coste', 'tasa', 'cuota'], ['basura', 'residuos', 'desechos'],
    ['bici', 'bicicleta'], ['piso', 'vivienda', 'casa', 'domicilio'], ['multa', 'sancion'], ['jubilado', 'jubilados', 'pensionista', 'pensionistas'],
    ['ayuda', 'ayudas', 'subvencion'], ['trabajo', 'empleo'], ['nevera', 'frigorifico'], ['colchon', 'mueble', 'muebles', 'trastos'],
    ['ordenador', 'portatil'], ['cita', 'turno'], ['arreglar', 'reparar'], ['apuntarme', 'inscribirme', 'apuntar', 'inscribir'],
    ['tuberia', 'caneria'], ['movil', 'celular'],
  ],
  ca: [
    ['cotxe', 'vehicle', 'turisme', 'auto'], ['tele', 'televisio', 'televisor'], ['papers', 'documents', 'documentacio'],
    ['llencar', 'llenco', 'desfer'], ['preu', 'costa', 'cost', 'taxa', 'quota'], ['escombraries', 'brossa', 'residus', 'deixalles'],
    ['bici', 'bicicleta'], ['pis', 'habitatge', 'casa', 'domicili'], ['multa', 'sancio'], ['jubilat', 'jubilats', 'pensionista', 'pensionistes'],
    ['ajuda', 'ajudes', 'subvencio'], ['feina', 'treball', 'ocupacio'], ['nevera', 'frigorific'], ['matalas', 'moble', 'mobles', 'trastos'],
    ['ordinador', 'portatil'], ['cita', 'torn'], ['arreglar', 'reparar'], ['apuntar', 'inscriure'], ['canonada', 'tuberia'],
  ],
  en: [
    ['car', 'vehicle', 'auto'], ['tv', 'television', 'telly'], ['papers', 'documents', 'paperwork'], ['throw', 'dispose', 'dump'],
    ['price', 'cost', 'fee', 'charge'], ['rubbish', 'garbage', 'trash', 'waste', 'refuse'], ['bike', 'bicycle'], ['flat', 'apartment', 'home', 'house'],
    ['fine', 'penalty'], ['pensioner', 'pensioners', 'retired'], ['help', 'aid'], ['job', 'work', 'employment'], ['nursery', 'daycare', 'childcare'],
    ['fridge', 'freezer'], ['mattress', 'furniture', 'sofa', 'couch'], ['computer', 'laptop'], ['appointment', 'booking'], ['fix', 'repair'], ['pipe', 'pipes'],
  ],
};

function expansionsOf(locale: Locale): ReadonlyMap<string, readonly string[]> {
  const map = new Map<string, string[]>();
  for (const group of SYNONYMS[locale]) {
    const stems = [...new Set(group.map((w) => stem(locale, w)))];
    for (const s of stems) map.set(s, [...new Set([...(map.get(s) ?? [s]), ...stems])]);
  }
  return map;
}

const EXPANSIONS: Readonly<Record<Locale, ReadonlyMap<string, readonly string[]>>> = { es: expansionsOf('es'), ca: expansionsOf('ca'), en: expansionsOf('en') };

/** A stemmed article word and the stems of its synonyms (itself only when it has none). */
export function withSynonyms(locale: Locale, stemmed: string): readonly string[] {
  return EXPANSIONS[locale].get(stemmed) ?? [stemmed];
}
