import { fold } from './text';

// How citizens start a question in es, ca and en (folded: no accents, lowercase).
const OPENERS = new RegExp(
  '^(?:' +
    [
      // es
      'como', 'cuando', 'donde', 'adonde', 'que', 'cual', 'cuales', 'cuanto', 'cuanta', 'cuantos', 'cuantas', 'quien', 'puedo', 'se puede', 'hay que', 'tengo que',
      'necesito saber', 'quisiera saber', 'queria saber', 'quiero saber', 'me podeis decir', 'me puedes decir', 'sabeis', 'sabes', 'es obligatorio', 'es necesario', 'horario', 'informacion',
      // ca
      'com', 'quan', 'on', 'quin', 'quina', 'quins', 'quines', 'quant', 'quanta', 'quants', 'quantes', 'qui', 'puc', 'es pot', 'cal', 'he de', 'voldria saber', 'horari', 'informacio',
      // en
      'how', 'when', 'where', 'what', 'which', 'who', 'whats', 'wheres', 'can i', 'can you', 'do i', 'do you', 'does', 'is there', 'are there', 'is it', 'should i', 'i need to know', 'opening hours',
    ].join('|') +
    ')\\b',
);

/**
 * Whether a message reads as a question rather than a report: a question mark, or an opening such
 * as "cómo", "on", "how", "¿se puede…". "Hay una farola apagada en la calle Colón" is not one;
 * "¿dónde tiro un sofá?" and "horario oac" are.
 */
export function looksLikeQuestion(text: string): boolean {
  if (/[?¿]/.test(text)) return true;
  const n = fold(text).replace(/^(?:hola|buenas|buenos dias|bon dia|hello|hi|hey|perdon|perdona|disculpa|una pregunta|pregunta)\s+/, '');
  return OPENERS.test(n);
}
