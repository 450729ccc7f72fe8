import type { Locale, ProcedureType } from '../../catalog/schema';

/**
 * The service code of the explicit "none" outcome: the message names nothing the city handles
 * (greetings, thanks, other administrations' matters, gibberish). Never a catalog code; callers that
 * need a service treat it as "not understood" and offer the list.
 */
export const NONE = 'none';

/** One candidate reading of a citizen's message. */
export interface Candidate {
  service: string;
  type: ProcedureType;
  confidence: number;
}

/**
 * What a classifier makes of one message. `confidence` is the probability of `service`, which is a
 * catalog code or {@link NONE} (then `alternatives` are still the best catalog services).
 */
export interface Classification extends Candidate {
  /** Next-best services (not including the top one), best first, at most 3. */
  alternatives: Candidate[];
  /** Language detected (or the one given). */
  locale: Locale;
}

/**
 * Turns a citizen's words into a procedure type and a municipal service.
 * Implementations: offline (default, trained from the catalog), llm (LangChain), hybrid.
 */
export interface Classifier {
  readonly kind: 'offline' | 'llm' | 'hybrid';
  classify(text: string, locale?: Locale): Promise<Classification>;
}
