/**
 * The city's labelled history: CSV files of past tickets the offline classifier trains on together
 * with the catalog (`CLASSIFIER_HISTORY`, `npm run -s classify -- --history FILE`).
 *
 * Format: RFC 4180 (quoted fields, doubled quotes, new lines inside quotes), UTF-8 with or without a
 * byte-order mark, CRLF or LF, a header row naming at least `text` and `service` (any order, any
 * case, other columns ignored), optionally `type` (solicitud | reclamo | consulta) and `locale`
 * (es | ca | en). `service` is a catalog code, or `none` for text the city does not handle.
 *
 *   text,service,type,locale
 *   "La farola de la calle Mayor 3 no se enciende",alumbrado,reclamo,es
 *   "Contenidor ple, ""urgent""",higiene,,ca
 *
 * A row with an unknown service or an empty text is skipped and counted, never an error; a type or
 * locale that is not one of the above is ignored (the row still trains the service). A file that is
 * not valid CSV, or lacks a required column, is a {@link HistoryFileError} naming the file and line.
 */
import { readFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { ConfigError } from '../../bot/errors';
import { LOCALES, PROCEDURE_TYPES, type Catalog, type Locale, type ProcedureType } from '../../catalog/schema';
import { NONE } from './classifier';
import type { LabelledText } from './offline-classifier';

/** A history file that cannot be read as CSV of labelled texts. The message names the file and line. */
export class HistoryFileError extends ConfigError {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`history file ${file}${line !== undefined ? `, line ${line}` : ''}: ${message}`, options);
  }
}

/** What one file gave. */
export interface HistoryFile {
  file: string;
  rows: LabelledText[];
  /** Data rows in the file (header excluded). */
  read: number;
  skipped: { unknownService: number; emptyText: number };
  /** Rows kept whose `type` or `locale` value was not understood (ignored, the row still counts). */
  ignoredLabels: number;
}

/** Reads and checks one history file against the catalog's service codes. */
export async function readHistoryFile(file: string, catalog: Catalog): Promise<HistoryFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new HistoryFileError(file, undefined, `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return parseHistory(file, text, catalog);
}

/** Same as {@link readHistoryFile}, synchronously (start-up, the CLI). */
export function readHistoryFileSync(file: string, catalog: Catalog): HistoryFile {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new HistoryFileError(file, undefined, `cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
  return parseHistory(file, text, catalog);
}

const TYPES = new Set<string>(PROCEDURE_TYPES);
const LOCALE_SET = new Set<string>(LOCALES);

/** Parses the CSV text of `file` (exposed for tests). */
export function parseHistory(file: string, text: string, catalog: Catalog): HistoryFile {
  let records: string[][];
  try {
    records = parse(text, {
      bom: true,
      relax_column_count: false,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n', '\r'],
    }) as string[][];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    const reason = err instanceof Error ? err.message.replace(/\s*(?:at|on) line \d+\.?$/, '') : String(err);
    throw new HistoryFileError(file, line, reason, { cause: err });
  }
  const header = records[0]?.map((h) => h.trim().toLowerCase()) ?? [];
  const col = (name: string): number => header.indexOf(name);
  const [textAt, serviceAt, typeAt, localeAt] = [col('text'), col('service'), col('type'), col('locale')];
  const missing = [textAt < 0 ? 'text' : '', serviceAt < 0 ? 'service' : ''].filter(Boolean);
  if (missing.length > 0) {
    throw new HistoryFileError(file, 1, `the header row must name the columns text and service (missing: ${missing.join(', ')}; found: ${header.join(', ') || 'nothing'})`);
  }
  const known = new Set(catalog.services.map((s) => s.code));
  known.add(NONE);
  const out: HistoryFile = { file, rows: [], read: records.length - 1, skipped: { unknownService: 0, emptyText: 0 }, ignoredLabels: 0 };
  for (let r = 1; r < records.length; r++) {
    const rec = records[r]!;
    const value = rec[textAt]!.trim();
    const service = rec[serviceAt]!.trim().toLowerCase();
    if (value === '') {
      out.skipped.emptyText++;
      continue;
    }
    if (!known.has(service)) {
      out.skipped.unknownService++;
      continue;
    }
    const row: LabelledText = { text: value, service };
    const type = typeAt >= 0 ? rec[typeAt]!.trim().toLowerCase() : '';
    const locale = localeAt >= 0 ? rec[localeAt]!.trim().toLowerCase() : '';
    if (type !== '') {
      if (TYPES.has(type)) row.type = type as ProcedureType;
      else out.ignoredLabels++;
    }
    if (locale !== '') {
      if (LOCALE_SET.has(locale)) row.locale = locale as Locale;
      else out.ignoredLabels++;
    }
    out.rows.push(row);
  }
  return out;
}
