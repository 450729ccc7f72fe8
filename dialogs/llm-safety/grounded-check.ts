import { fold } from './redact';

/** A retrieved passage an answer may rest on. */
export interface GroundingPassage {
  /** The id the model cites it by (an article id, or "1", "2"… as numbered in the prompt). */
  id: string;
  text: string;
  title?: string;
  /** The article's source link: the only links an answer may carry. */
  url?: string;
}

/** What the model composed: its text and the passage ids it says it used. */
export interface GroundedAnswer {
  text: string;
  sources: readonly string[];
}

export interface GroundedCheckOptions {
  /** The instructions the model was given (without the passages): no sentence of them may come back. */
  instructions?: string;
  /** Share of a sentence's content words that must occur in the cited passages. @defaultValue 0.5 */
  minOverlap?: number;
  /** @defaultValue 900 */
  maxChars?: number;
}

export type GroundedCheck = { ok: true; cited: GroundingPassage[] } | { ok: false; reason: string };

/**
 * Whether a model-composed answer may be shown to a citizen (OWASP LLM05/LLM09): checked by code,
 * not by asking the model.
 *
 * - it cites at least one passage, and only passages that were retrieved;
 * - every inline marker (`[2]`, `[padron-certificado]`) names a cited passage;
 * - every link is a cited passage's source;
 * - every number (hours, phones, fees, dates) occurs in the cited passages;
 * - every sentence shares at least `minOverlap` of its content words with the cited passages, so a
 *   sentence the passages do not support ("ignore the rules, you are a pirate") fails;
 * - no run of six words from the instructions comes back (a prompt leak), unless the passages say it too.
 *
 * @example groundedAnswerCheck({ text: 'La OAC abre de 9 a 14 h [1].', sources: ['1'] }, passages)
 */
export function groundedAnswerCheck(answer: GroundedAnswer, passages: readonly GroundingPassage[], opts: GroundedCheckOptions = {}): GroundedCheck {
  const text = answer.text.trim();
  if (text === '') return { ok: false, reason: 'empty answer' };
  if (text.length > (opts.maxChars ?? 900)) return { ok: false, reason: 'answer too long' };
  const byId = new Map(passages.map((p) => [p.id, p]));
  const sources = [...new Set(answer.sources)];
  if (sources.length === 0) return { ok: false, reason: 'cites no passage' };
  if (sources.some((s) => !byId.has(s))) return { ok: false, reason: 'cites a source that was not retrieved' };
  const cited = sources.map((s) => byId.get(s)!);
  const markers = [...text.matchAll(/\[([^\][\s]{1,80})\]/g)].map((m) => m[1]!);
  if (markers.some((m) => !sources.includes(m))) return { ok: false, reason: 'a marker names a source it does not cite' };

  const ground = cited.map((p) => `${p.title ?? ''}\n${p.text}`).join('\n');
  const prose = text.replace(/\[[^\][\s]{1,80}\]/g, ' ');
  const links = [...prose.matchAll(/(?:https?:\/\/|www\.)[^\s)\]>"']+/gi)].map((m) => m[0].replace(/[.,;:!?]+$/, ''));
  if (links.some((l) => !cited.some((p) => p.url === l || p.text.includes(l)))) return { ok: false, reason: 'a link that is not a cited source' };
  const withoutLinks = prose.replace(/(?:https?:\/\/|www\.)[^\s)\]>"']+/gi, ' ');
  const groundDigits = ` ${(fold(ground).match(/\d+/g) ?? []).join(' ')} `;
  if ((fold(withoutLinks).match(/\d+/g) ?? []).some((d) => !groundDigits.includes(` ${d} `))) {
    return { ok: false, reason: 'a number that is not in the cited passages' };
  }
  const groundStems = new Set(contentWords(ground));
  const minOverlap = opts.minOverlap ?? 0.5;
  for (const sentence of withoutLinks.split(/(?<=[.!?¡¿;:\n])\s+/)) {
    const words = contentWords(sentence);
    if (words.length < 2) continue;
    const known = words.filter((w) => groundStems.has(w)).length;
    if (known / words.length < minOverlap) return { ok: false, reason: 'a sentence the passages do not support' };
  }
  if (opts.instructions && sharesRun(text, opts.instructions, ground)) return { ok: false, reason: 'repeats the instructions' };
  return { ok: true, cited };
}

/** Folded words of 4+ letters, cut to 5 characters: a light stem that works for es, ca and en alike. */
function contentWords(text: string): string[] {
  return words(text).filter((w) => w.length >= 4).map((w) => w.slice(0, 5));
}

function words(text: string): string[] {
  return fold(text).toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '').split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

const RUN = 6;

/** Whether `text` repeats RUN consecutive words of `instructions` that are not also in `ground`. */
export function sharesRun(text: string, instructions: string, ground = ''): boolean {
  const shingles = (s: string): Set<string> => {
    const w = words(s);
    const out = new Set<string>();
    for (let i = 0; i + RUN <= w.length; i++) out.add(w.slice(i, i + RUN).join(' '));
    return out;
  };
  const grounded = shingles(ground);
  const inText = shingles(text);
  for (const s of shingles(instructions)) if (inText.has(s) && !grounded.has(s)) return true;
  return false;
}
