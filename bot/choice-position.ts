const POSITION_WORDS: Record<string, number> = {
  uno: 1, una: 1, un: 1, primero: 1, primera: 1, primer: 1, one: 1, first: 1,
  dos: 2, segundo: 2, segunda: 2, two: 2, second: 2, segon: 2, segona: 2,
  tres: 3, tercero: 3, tercera: 3, tercer: 3, three: 3, third: 3,
  cuatro: 4, cuarto: 4, cuarta: 4, quatre: 4, quart: 4, four: 4, fourth: 4,
  cinco: 5, cinc: 5, five: 5, quinto: 5, fifth: 5,
};

/** Words that may precede a position ("la opción 2", "the second", "número 3"); anything else is prose. */
const LEAD_WORDS = new Set(['la', 'el', 'lo', 'the', 'opcion', 'opción', 'opcio', 'opció', 'option', 'numero', 'número', 'number', 'nº', 'no', 'n']);

/**
 * The option a citizen picked by position: "2", "2.", "opción 2", "dos", "the second" → 2; anything
 * else → undefined. Shared by the dialogs' choice prompts and the numbered-text channels. Only a bare
 * position counts: "Calle Mayor 1" is an address, not option 1.
 */
export function positionOf(text: string | undefined): number | undefined {
  const words = (text ?? '').toLowerCase().replace(/[.,:;!¡?¿)(#]/g, ' ').trim().split(/\s+/).filter(Boolean);
  if (words.length === 0 || words.length > 3) return undefined;
  if (!words.slice(0, -1).every((w) => LEAD_WORDS.has(w))) return undefined;
  const last = words[words.length - 1]!;
  if (/^\d{1,2}$/.test(last)) return Number(last);
  return POSITION_WORDS[last];
}
