import type { ChannelMarkup } from '../../bot/channel';
import type { Run } from './markdown';
import { renderRuns } from './markup';

/**
 * Renders styled runs and splits the result into messages of at most `limit` characters each.
 *
 * Read this before changing: the split is chosen on the literal text and each part is rendered on its
 * own, so a part never ends inside an HTML tag or entity, and a bold stretch cut in two is closed in
 * the first part and opened again in the second (Telegram rejects unbalanced tags). Breaks prefer a
 * paragraph, then a line, then a sentence, then a space, in the last part of the window; only a
 * single "word" longer than the limit is cut hard (never inside a surrogate pair).
 */
export function splitRendered(runs: readonly Run[], markup: ChannelMarkup, limit: number): string[] {
  const text = runs.map((r) => r.text).join('');
  const render = (from: number, to: number): string => renderRuns(slice(runs, from, to), markup);
  const parts: string[] = [];
  let start = skipSpace(text, 0);
  while (start < text.length) {
    const whole = render(start, trimEnd(text, start, text.length));
    if (whole.length <= limit) {
      if (whole !== '') parts.push(whole);
      break;
    }
    const cut = breakBefore(text, start, longestFit(start, text.length, limit, render, text));
    parts.push(render(start, trimEnd(text, start, cut)));
    start = skipSpace(text, cut);
  }
  return parts;
}

/** The runs' stretch between two offsets of their joined text. */
function slice(runs: readonly Run[], from: number, to: number): Run[] {
  const out: Run[] = [];
  let at = 0;
  for (const r of runs) {
    const end = at + r.text.length;
    if (end > from && at < to) out.push({ text: r.text.slice(Math.max(0, from - at), Math.min(r.text.length, to - at)), style: r.style });
    at = end;
  }
  return out;
}

/** The largest end whose rendering fits (rendered length only grows with the end, so binary search works). */
function longestFit(start: number, max: number, limit: number, render: (a: number, b: number) => string, text: string): number {
  let lo = start + 1;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (render(start, mid).length <= limit) lo = mid;
    else hi = mid - 1;
  }
  // Never end between the halves of an emoji; when not even one code point fits (a limit smaller than
  // a tag pair), progress anyway by one.
  if (!isHighSurrogate(text, lo - 1)) return lo;
  return lo - 1 > start ? lo - 1 : lo + 1;
}

// A break in the first third of the window would leave a stub of a message: look only past it.
const MIN_FILL = 1 / 3;

function breakBefore(text: string, start: number, end: number): number {
  const floor = start + Math.floor((end - start) * MIN_FILL);
  const found = (test: (i: number) => boolean): number | undefined => {
    for (let i = end; i > floor; i--) if (test(i)) return i;
    return undefined;
  };
  const space = (i: number): boolean => i >= text.length || /\s/.test(text[i]!);
  return (
    found((i) => text.startsWith('\n\n', i)) ??
    found((i) => text[i] === '\n') ??
    found((i) => /[.!?…]/.test(text[i - 1] ?? '') && space(i)) ??
    found((i) => /\s/.test(text[i] ?? '')) ??
    (isHighSurrogate(text, end - 1) ? end - 1 : end)
  );
}

const isHighSurrogate = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 0xd800 && c <= 0xdbff;
};

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function trimEnd(text: string, start: number, end: number): number {
  while (end > start && /\s/.test(text[end - 1]!)) end--;
  return end;
}
