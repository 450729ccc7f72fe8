/**
 * Personal data out of a citizen's text before it reaches a language model (OWASP LLM02,
 * sensitive information disclosure): the model needs to know *that* a phone or an ID was given,
 * never which one.
 *
 * Read this before changing: the rules are ordered (most specific first) and written to err on
 * the side of privacy. Any run of 7 or more digits (spaces, dots, dashes and brackets between
 * them allowed) leaves the text, whatever it is; what is kept on purpose is ordinary text a model
 * needs: street numbers, dates, times, postcodes, years, amounts with a currency, and ticket
 * references ("ALU-2026-000123", "alu 2026 12").
 */

/** The typed placeholders that replace personal data. */
export const PLACEHOLDER = {
  email: '[EMAIL]',
  iban: '[IBAN]',
  card: '[TARJETA]',
  cuil: '[CUIL]',
  nie: '[NIE]',
  dni: '[DNI]',
  phone: '[TELÉFONO]',
  plate: '[MATRÍCULA]',
  number: '[NÚMERO]',
} as const;

export type RedactionKind = keyof typeof PLACEHOLDER;

/** What {@link redactWithReport} removed, by kind (counts only: the values are never kept). */
export type RedactionReport = Partial<Record<RedactionKind, number>>;

// Zero-width and invisible formatting characters: removed everywhere, so "612\u200b345\u200b678"
// is a phone number and "ig\u200bnore" a word.
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;
// Full-width ASCII ("６１２", "＠") as plain ASCII.
const FULL_WIDTH = /[\uff01-\uff5e]/g;
// Any other script's decimal digits (Arabic-Indic, Devanagari…) as ASCII digits.
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;
// Dashes and the odd spaces people paste from forms, as "-" and " ".
const DASHES = /[\u2010-\u2015\u2212\ufe58\ufe63]/g;

interface Keep {
  re: RegExp;
  accept?: (match: string) => boolean;
}

// A digit, possibly with one or two separators, right before or after: then it is part of a longer number.
const NOT_AFTER_DIGITS = String.raw`(?<!\d[\s.\-\/()]{0,2})`;
const NOT_BEFORE_DIGITS = String.raw`(?![\s.\-\/()]{0,2}\d)`;

/** Text kept as it is: masked before the rules run and put back after. */
const KEEP: readonly Keep[] = [
  // Ticket references: "ALU-2026-000123", "alu 2026 12", "BAC/2025/77" (not "tel 2026 1234").
  {
    re: new RegExp(String.raw`\b(?!(?:tel|tlf|tfn|mov|cel|fax|num|nro|dni|nie|nif)\b)[A-Za-z]{3}[\s\/-]{1,2}(?:19|20)\d\d[\s\/-]{1,2}\d{1,6}\b${NOT_BEFORE_DIGITS}`, 'gi'),
  },
  // Dates that are dates: 12/05/2026, 1-5-26, 2026-05-12.
  {
    re: new RegExp(String.raw`${NOT_AFTER_DIGITS}\b(?:\d{1,2}[\/.-]\d{1,2}[\/.-](?:\d{4}|\d{2})|\d{4}-\d{1,2}-\d{1,2})\b${NOT_BEFORE_DIGITS}`, 'g'),
    accept: plausibleDate,
  },
  // Amounts with a currency: "1.250.000 pesos", "1 200 €", "$ 15.000".
  { re: /(?:[$€]\s?\d{1,3}(?:[.,\s]\d{3})+(?:,\d{1,2})?|\b\d{1,3}(?:[.,\s]\d{3})+(?:,\d{1,2})?\s?(?:€|\$|euros?\b|eur\b|pesos\b|ars\b))/gi },
];

function plausibleDate(m: string): boolean {
  const parts = m.split(/[/.-]/).map(Number);
  const [a = 0, b = 0, c = 0] = parts;
  const [day, month] = a > 31 ? [c, b] : [a, b];
  return day >= 1 && day <= 31 && month >= 1 && month <= 12;
}

interface Rule {
  kind: RedactionKind;
  re: RegExp;
  /** Optional veto: the match stays when this returns false. */
  accept?: (match: string) => boolean;
}

const SEP = String.raw`[\s.\-()\/]{0,2}`;

const RULES: readonly Rule[] = [
  // E-mails, also spelled out: "ana punto garcia arroba gmail punto com".
  { kind: 'email', re: /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+\s?(?:@|\(at\)|\[at\])\s?[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu },
  {
    kind: 'email',
    re: /(?<![\p{L}\p{N}._-])[\p{L}\p{N}._-]+(?:\s+punto\s+[\p{L}\p{N}_-]+)*\s+(?:arroba|at|arrova)\s+\p{L}[\p{L}\p{N}-]*(?:\s*(?:\.|punto|dot|punt)\s*(?:com|es|cat|org|net|ar|eu|info|gov|gob|edu|io|co|uk|fr|de|it|pt))+\b/giu,
  },
  // IBAN: two letters, two check digits, 11–30 more characters, grouped or not.
  { kind: 'iban', re: /\b[A-Za-z]{2}\d{2}(?:[\s-]?[A-Za-z0-9]){11,30}\b/g, accept: (m) => /\d{8}/.test(m.replace(/[\s-]/g, '')) },
  // Payment cards: 13–19 digits in groups that pass the Luhn check.
  { kind: 'card', re: /\b\d(?:[\s-]?\d){12,18}\b/g, accept: (m) => luhn(m.replace(/\D/g, '')) },
  // Argentine CUIL/CUIT: 20-12345678-3.
  { kind: 'cuil', re: /\b(?:20|23|24|27|30|33|34)[\s.-]?\d{2}\.?\d{3}\.?\d{3}[\s.-]?\d\b/g },
  // Spanish NIE: X1234567L.
  { kind: 'nie', re: /\b[XYZxyz][\s.-]?\d{7}(?:[.-]?[A-Za-z]|\s[A-HJ-NP-TV-Z])\b/g },
  // Spanish DNI: 12345678Z, 12.345.678-Z, 12345678 Z (a capital letter after a space: "30.123.456 y" is an Argentine DNI and a word).
  { kind: 'dni', re: /\b\d{1,2}\.?\d{3}\.?\d{3}(?:-?[A-Za-z]|\s[A-HJ-NP-TV-Z])\b/g },
  // Argentine DNI written with dots: 30.123.456 (amounts with a currency were kept above).
  { kind: 'dni', re: /\b\d{1,2}\.\d{3}\.\d{3}\b/g },
  // A bare 7–8 digit number after "DNI", "documento", "D.N.I."…
  { kind: 'dni', re: /(?<=\b(?:d\.?\s?n\.?\s?i\.?|documento|document|nie|nif|id)\s*(?:n[º°o.]?\s*|num(?:ero)?\.?\s*|:\s*)?)\d{7,8}\b/giu },
  // Phones, any country: 8–15 digits with the separators people use (+34 612 34 56 78, (011) 4567-8901).
  {
    kind: 'phone',
    re: new RegExp(String.raw`(?:\+|\b00)?\(?\d(?:${SEP}\d){7,16}\b\)?`, 'g'),
    accept: (m) => countDigits(m) >= 8,
  },
  // Whatever run of 7+ digits is left (a bare 7-digit number may be an old DNI or a local phone).
  { kind: 'number', re: /\d(?:[\s.-]?\d){6,}/g },
  // Plates: Spain 1234 BCD (no vowels), old M-1234-AB; Argentina AB 123 CD, ABC 123.
  { kind: 'plate', re: /\b\d{4}[\s-]?[BCDFGHJKLMNPRSTVWXYZbcdfghjklmnprstvwxyz]{3}\b/g },
  { kind: 'plate', re: /\b[A-Z]{1,2}-\d{4}-[A-Z]{1,2}\b/g },
  { kind: 'plate', re: /\b[A-Z]{2}\s?\d{3}\s?[A-Z]{2}\b/g },
  { kind: 'plate', re: /\b[A-Z]{3}\s?\d{3}\b/g },
];

/**
 * The text with phones, e-mails, ID numbers (DNI, NIE, CUIL), IBANs, card numbers and plates
 * replaced by typed placeholders such as `[TELÉFONO]`, `[EMAIL]`, `[DNI]`. Every text bound for a
 * model goes through this (see `LlmGuard`); it is pure, fast and safe to call twice.
 *
 * @example redactForModel('llamadme al 612 34 56 78') // 'llamadme al [TELÉFONO]'
 */
export function redactForModel(text: string): string {
  return redactWithReport(text).text;
}

/** {@link redactForModel}, and how many of each kind were removed (for logs and metrics). */
export function redactWithReport(text: string): { text: string; report: RedactionReport } {
  const report: RedactionReport = {};
  const kept: string[] = [];
  // U+E000.. (private use) cannot come from a citizen: folded text never contains it (see below).
  let out = fold(text).replace(/[\ue000-\uf8ff]/g, '');
  const apply = (rule: Rule) => {
    out = out.replace(rule.re, (m) => {
      if (rule.accept && !rule.accept(m)) return m;
      report[rule.kind] = (report[rule.kind] ?? 0) + 1;
      return PLACEHOLDER[rule.kind];
    });
  };
  // E-mails first: "ana.1.1.00@example.com" holds what looks like a date. Until nothing changes: an
  // address glued to the one before ("a@b.c_d@e.com") starts at no token boundary until that one is gone.
  for (let before = ''; before !== out; ) {
    before = out;
    RULES.filter((r) => r.kind === 'email').forEach(apply);
  }
  for (const { re, accept } of KEEP) {
    out = out.replace(re, (m) => (accept && !accept(m) ? m : `\ue000${String.fromCharCode(0xe100 + kept.push(m) - 1)}`));
  }
  RULES.filter((r) => r.kind !== 'email').forEach(apply);
  out = out.replace(/\ue000([\ue100-\uf8ff])/g, (_m, c: string) => kept[c.charCodeAt(0) - 0xe100] ?? '');
  return { text: out, report };
}

/** Invisible characters out, full-width and other scripts' digits as ASCII, odd dashes as "-". */
export function fold(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(FULL_WIDTH, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(OTHER_DIGIT, (d) => String(digitValue(d)))
    .replace(DASHES, '-');
}

function digitValue(d: string): number {
  const compatible = d.normalize('NFKC');
  if (/^[0-9]$/.test(compatible)) return Number(compatible);
  // Unicode lays every decimal digit block out as ten consecutive code points starting at zero.
  const cp = d.codePointAt(0)!;
  for (let zero = cp; zero > cp - 10; zero--) {
    if (!/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) return cp - zero;
  }
  return 0;
}

function countDigits(s: string): number {
  return s.replace(/\D/g, '').length;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return digits.length >= 13 && sum % 10 === 0;
}
