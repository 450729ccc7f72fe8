/**
 * The emergency detector's knowledge, as data: concept lexicons (groups of terms in es/ca/en) and
 * signals (which concepts, seen together in one clause, mean danger now). A city extends both from the
 * catalog (`emergencies.concepts`, `emergencies.signals`); see `mergeLexicon`.
 *
 * Term syntax: words separated by spaces, written as citizens would (accents and case do not matter).
 * A word ending in `*` matches by prefix (`derrumb*`), a lone `?` matches any one word
 * (`hace ? dias`). Words of six letters or more also match with one typo, unless the message's word
 * is a real word the catalog knows (see EmergencyDetector).
 */

import { EMERGENCY_KINDS } from '../../catalog/schema';

export { EMERGENCY_KINDS };
/** What kind of danger a signal reports (for logs and the agent's flag; the reply is the same). */
export type EmergencyKind = (typeof EMERGENCY_KINDS)[number];

/** Concepts with a fixed role in every clause (they modify signals rather than make them). */
export const MODIFIERS = {
  /** Covers words that only look dangerous ("boca de incendio", "me muero de risa"): those words are ignored. */
  exclude: 'exclude',
  /** Just before a danger term, turns it off ("no hay heridos", "sin heridos", "nobody is hurt"). */
  negation: 'negation',
  /** Just before a danger term, makes it a question or a risk, not a fact ("qué hago si huele a gas", "podría caerse"). */
  hypothetical: 'hypothetical',
  /** Anywhere in the clause, puts it in the past or makes it a habit ("hace un mes", "every night"). */
  past: 'past',
  /** Anywhere in the clause, makes it a joke ("jajaja", "lol"), unless `now` is there too. */
  joke: 'joke',
  /** Anywhere in the clause, brings it back to now ("todavía", "right now", "ara mateix"). */
  now: 'now',
  /** Real words one typo away from a danger word ("quemado", "quedando"): never read as typos. */
  known: 'known',
} as const;

export interface EmergencySignal {
  kind: EmergencyKind;
  /** Every one of these concepts must occur in the same clause... */
  all: readonly string[];
  /** ...within this many words from the first to the last (for a one-concept signal: how far `none` reaches, default 4). @defaultValue 6 */
  window?: number;
  /** ...in this order. @defaultValue false */
  ordered?: boolean;
  /** ...with none of these concepts within `window` words around (e.g. `animal` for "el perro no se mueve"). */
  none?: readonly string[];
}

export interface EmergencyLexicon {
  concepts: Readonly<Record<string, readonly string[]>>;
  signals: readonly EmergencySignal[];
  /** Concepts that say who or where, never negated or made hypothetical ("nadie ayuda al señor…"). */
  context: readonly string[];
}

/**
 * Adds a city's concepts (terms appended to a built-in concept, or new concepts) and signals to a
 * lexicon. Nothing is removed: a city can only recognise more, never less.
 */
export function mergeLexicon(base: EmergencyLexicon, extra: { concepts?: Readonly<Record<string, readonly string[]>>; signals?: readonly EmergencySignal[]; context?: readonly string[] }): EmergencyLexicon {
  const concepts: Record<string, readonly string[]> = { ...base.concepts };
  for (const [name, terms] of Object.entries(extra.concepts ?? {})) concepts[name] = [...(concepts[name] ?? []), ...terms];
  return { concepts, signals: [...base.signals, ...(extra.signals ?? [])], context: [...base.context, ...(extra.context ?? [])] };
}
