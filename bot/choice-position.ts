const POSITION_WORDS: Record<string, number> = {
  uno: 1, una: 1, un: 1, primero: 1, primera: 1, primer: 1, one: 1, first: 1,
  dos: 2, segundo: 2, segunda: 2, two: 2, second: 2, segon: 2, segona: 2,
  tres: 3, tercero: 3, tercera: 3, tercer: 3, three: 3, third: 3,
  cuatro: 4, cuarto: 4, cuarta: 4, quatre: 4, quart: 4, four: 4, fourth: 4,
  cinco: 5, cinc: 5, five: 5, quinto: 5, quinta: 5, fifth: 5,
  seis: 6, sis: 6, six: 6, sexto: 6, sexta: 6, sixth: 6,
  siete: 7, set: 7, seven: 7, septimo: 7, séptimo: 7, septima: 7, séptima: 7, seventh: 7,
  ocho: 8, vuit: 8, eight: 8, octavo: 8, octava: 8, eighth: 8,
  nueve: 9, nou: 9, nine: 9, noveno: 9, novena: 9, ninth: 9,
  diez: 10, deu: 10, ten: 10, decimo: 10, décimo: 10, decima: 10, décima: 10, tenth: 10,
};
const LAST_WORDS = new Set(['ultimo', 'último', 'ultima', 'última', 'last', 'darrer', 'darrera', 'ultim', 'últim']);

// Catalan ordinals ("el primer", "la segona", "el tercer", "el quart", "el cinquè") and "2º", "2ª", "2nd", "1r", "2n".
const CATALAN_ORDINALS: Record<string, number> = { cinque: 5, cinquè: 5, cinquena: 5, sise: 6, sisè: 6, setena: 7, setè: 7, vuitè: 8, novè: 9, desè: 10, primera: 1, tercera: 3, quarta: 4 };
const NUMBERED = /^(\d{1,2})(?:º|ª|°|o|a|st|nd|rd|th|r|n|t|er|na)?$/;
/** Words that may follow a position: "the second one", "la segunda opción", "el 2 de la lista". */
const TRAIL_WORDS = new Set(['one', 'opcion', 'opción', 'opcio', 'opció', 'option', 'de', 'la', 'lista', 'llista', 'list', 'in', 'the', 'porfa', 'please', 'plis']);

/** Words that may precede a position ("la opción 2", "the second", "número 3"); anything else is prose. */
const LEAD_WORDS = new Set(['la', 'el', 'lo', 'the', 'opcion', 'opción', 'opcio', 'opció', 'option', 'numero', 'número', 'number', 'nº', 'no', 'n']);

/**
 * The option a citizen picked by position: "2", "2.", "opción 2", "dos", "the second" → 2; anything
 * else → undefined. Shared by the dialogs' choice prompts and the numbered-text channels. Only a bare
 * position counts: "Calle Mayor 1" is an address, not option 1.
 */
export function positionOf(text: string | undefined): number | undefined {
  const word = positionWord(text);
  if (word === undefined) return undefined;
  const numbered = NUMBERED.exec(word);
  if (numbered) return Number(numbered[1]);
  return POSITION_WORDS[word] ?? CATALAN_ORDINALS[word];
}

/** Like positionOf, for a list of `count` items, reading "the last one" ("el último", "l'últim") too. */
export function positionIn(text: string | undefined, count: number): number | undefined {
  const word = positionWord(text);
  if (word !== undefined && LAST_WORDS.has(word)) return count > 0 ? count : undefined;
  return positionOf(text);
}

/** The word of a bare position ("la opción 2" → "2", "the second one" → "second"), if the text is one. */
function positionWord(text: string | undefined): string | undefined {
  const words = (text ?? '').toLowerCase().replace(/[’]/g, "'").replace(/[.,:;!¡?¿)(#]/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 6) return undefined;
  // The position is the first word that is not a lead word; only filler may follow it.
  const at = words.findIndex((w) => !LEAD_WORDS.has(w));
  if (at === -1 || at > 2 || !words.slice(at + 1).every((w) => TRAIL_WORDS.has(w))) return undefined;
  return words[at]!.replace(/^l'/, '');
}
