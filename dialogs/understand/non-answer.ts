import { normalize } from '../classify/normalize';

/**
 * Answers that are not answers: "sí" to "¿nos dejas un contacto?", "no sé" to "¿dónde es?", "ya te
 * lo di" or "lo puse arriba" when the citizen thinks they said it already. Such words are never
 * stored as data: the dialog re-asks, or takes the value from what the citizen wrote earlier.
 */
export type NonAnswer = 'yes' | 'dontKnow' | 'alreadyGiven';

// Normalized (lowercase, no accents, punctuation as spaces), whole message.
const YES = /^(?:si|sii|sip|claro|vale|ok|okay|okey|dale|bueno|de acuerdo|d acord|dacord|yes|yeah|yep|sure|of course|affirmative|correcto|perfecto|si claro|claro que si|si por favor|si porfa|yes please|i do|tengo|tinc|por supuesto|es clar|i have one)$/;
const DONT_KNOW = /^(?:no se|nose|ni idea|no lo se|no sabria|no sabria decir|no estoy seguro|no estoy segura|ns|nidea|no ho se|no ho sabria dir|ni idea|no en tinc ni idea|i don t know|dont know|don t know|idk|no idea|not sure|i m not sure|no clue|dunno|no recuerdo|no me acuerdo|no ho recordo|i don t remember|ni puta idea)$/;
const ALREADY = new RegExp(
  [
    // es
    '\\bya (?:te |se |les |os )?(?:lo |la )?(?:di|dije|he dicho|habia dicho|puse|escribi|mande|envie|comente|conte|explique|pase)\\b',
    '\\b(?:te |se |les |os )?(?:lo |la )?(?:di|dije|puse|escribi|mande) (?:antes|arriba|ya|al principio|en el primer mensaje)\\b',
    '\\b(?:lo |la )?(?:puse|escribi|tienes|tenes|tenes|teneis|tienen|esta|está) arriba\\b',
    '\\b(?:como )?(?:te |les |os )?(?:dije|decia|he dicho)\\b(?: antes| arriba)?$',
    '\\bmira (?:arriba|el mensaje anterior|lo que te escribi)\\b',
    '\\b(?:esta|esta) en (?:el|mi) (?:primer )?mensaje\\b',
    // ca
    "\\bja (?:t |us |li )?(?:ho |l |la )?(?:he dit|vaig dir|he posat|he escrit|he enviat|havia dit)\\b",
    "\\b(?:ho |l )?(?:he posat|he escrit|tens|teniu) (?:a dalt|abans)\\b",
    '\\bmira (?:a dalt|el missatge anterior)\\b',
    // en
    '\\bi (?:already )?(?:told|gave|sent|wrote|said|mentioned) (?:you|it|that|this)\\b(?: (?:already|before|above|earlier))?',
    '\\balready (?:told|gave|sent|said|wrote|mentioned)\\b',
    '\\b(?:see|look|check) (?:above|my (?:first |previous |last )?message)\\b',
    '\\b(?:it s|its|it is) (?:above|in my (?:first |previous )?message)\\b',
    '\\bas i said\\b',
  ].join('|'),
);

/** What kind of non-answer `text` is, or undefined when it may well be an answer. */
export function nonAnswer(text: string | undefined): NonAnswer | undefined {
  const n = normalize(text ?? '');
  if (n === '') return undefined;
  if (YES.test(n)) return 'yes';
  if (DONT_KNOW.test(n)) return 'dontKnow';
  // Long messages that mention saying it before may still carry the value ("ya te dije, Colón 12").
  if (ALREADY.test(n)) return 'alreadyGiven';
  return undefined;
}

/** The part of a message after "ya te lo dije," that may be the value itself ("ya te lo dije, calle Mayor 3"). */
export function afterNonAnswer(text: string): string {
  return text.replace(/^[^,:;.]*(?:dij|di\b|dit|told|said|puse|posat|arriba|above|dalt)[^,:;.]*[,:;.]\s*/iu, '').trim();
}
