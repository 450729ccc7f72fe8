/**
 * Rioplatense forms a Spanish (Spain) text must not use: voseo verbs (present "querés", imperatives
 * "contame", "escribí") and the regional words that go with them ("acá", "dale", "vos"). The list is
 * also the proof that es-AR really is voseo (its test expects many matches there).
 */
export const VOSEO_FORMS = [
  // second person present (vos)
  'sos', 'querés', 'podés', 'tenés', 'sabés', 'necesitás', 'preferís', 'valorás', 'dejás', 'volvés', 'contás',
  'decís', 'atendés', 'sentís', 'elegís',
  // imperatives (vos), with and without clitics
  'contame', 'contámelo', 'contanos', 'decime', 'decinos', 'decí', 'escribí', 'escribime', 'escribilo', 'escribímelo',
  'mandá', 'mandame', 'mandala', 'mandalo', 'elegí', 'elegilo', 'llamá', 'llamanos', 'probá', 'respondé', 'compartí',
  'compartila', 'preguntame', 'agregá', 'fijate', 'avisame', 'avisanos', 'mirá', 'vení', 'hacé', 'poné', 'ingresá',
  'enviá', 'intentá', 'revisá', 'revisalo', 'esperá', 'buscá', 'tocá', 'hablá', 'usá', 'indicá', 'completá',
  'explicame', 'confirmá', 'cancelá', 'cerrá', 'liberá', 'empezá', 'volvé', 'ignorá', 'disculpá', 'aclarame',
  // pronoun and regional words
  'vos', 'acá', 'dale', 'che',
] as const;

const LETTER = '[\\p{L}\\p{M}]';
const PATTERNS = VOSEO_FORMS.map((form) => ({ form, re: new RegExp(`(?<!${LETTER})${form}(?!${LETTER})`, 'iu') }));

/** The voseo forms found in `text` (case-insensitive, whole words; accents matter: "sabes" is tú). */
export function voseoIn(text: string): string[] {
  return PATTERNS.filter(({ re }) => re.test(text)).map(({ form }) => form);
}
