/**
 * The labelled evaluation set: tests/fixtures/eval/{es,ca,en}.jsonl, one message per line, written
 * the way citizens write (never copied from the catalog's examples; tests/eval checks it).
 *
 * @example
 * const items = loadEvalSet('ca');
 * // → [{ id: 'ca-0001', locale: 'ca', text: "…", service: 'alumbrado', type: 'reclamo', place: 'carrer de Balmes 40' }, …]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LOCALES, ProcedureTypeSchema, type Locale } from '../../catalog/schema';

/** Where the set lives, relative to this file. */
export const EVAL_DIR = fileURLToPath(new URL('../../tests/fixtures/eval/', import.meta.url));

/** The service label of a message the city does not handle (greetings, thanks, pizza orders…). */
export const NONE = 'none';

/** One line of a set file, as agreed between helpers (see the format note in tests/fixtures/eval). */
export const EvalLineSchema = z
  .object({
    id: z.string().regex(/^(es|ca|en)-\d{4,}$/, 'id like "es-0001"'),
    text: z.string().min(1),
    /** A catalog service code, or "none". */
    service: z.string().regex(/^[a-z][a-z0-9_-]*$/),
    type: ProcedureTypeSchema.nullable(),
    /** The place exactly as written in the text, or null. */
    place: z.string().min(1).nullable(),
    tags: z.array(z.string().min(1)).optional(),
  })
  .strict()
  .superRefine((item, ctx) => {
    if ((item.service === NONE) !== (item.type === null)) {
      ctx.addIssue({ code: 'custom', path: ['type'], message: 'type is null exactly when service is "none"' });
    }
    if (item.place !== null && !item.text.includes(item.place)) {
      ctx.addIssue({ code: 'custom', path: ['place'], message: `place "${item.place}" is not a substring of the text` });
    }
  });

export type EvalLine = z.infer<typeof EvalLineSchema>;

/** A validated item plus the language of the file it came from. */
export interface EvalItem extends EvalLine {
  locale: Locale;
}

/**
 * Reads and validates one language's set, or all three (es, ca, en, in that order).
 * Throws an Error naming the file and line of the first invalid item, or of an id that does not
 * match its file's language.
 */
export function loadEvalSet(locale?: Locale, dir: string = EVAL_DIR): EvalItem[] {
  const locales = locale ? [locale] : LOCALES;
  return locales.flatMap((l) => parseEvalFile(readFileSync(`${dir}/${l}.jsonl`, 'utf8'), l, `${l}.jsonl`));
}

/** Parses the text of one set file; `name` only labels errors. */
export function parseEvalFile(content: string, locale: Locale, name = `${locale}.jsonl`): EvalItem[] {
  const items: EvalItem[] = [];
  content.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch (err) {
      throw new Error(`${name}:${i + 1}: not JSON`, { cause: err });
    }
    const r = EvalLineSchema.safeParse(raw);
    if (!r.success) throw new Error(`${name}:${i + 1}: ${z.prettifyError(r.error)}`);
    if (!r.data.id.startsWith(`${locale}-`)) throw new Error(`${name}:${i + 1}: id ${r.data.id} is not of language ${locale}`);
    items.push({ ...r.data, locale });
  });
  return items;
}
