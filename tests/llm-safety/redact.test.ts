import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PLACEHOLDER, redactForModel, redactWithReport } from '../../dialogs/llm-safety/index';
import { lead, ordinaryText, personalData, tail } from './pii-arbitraries';

const RUNS = Number(process.env.FC_RUNS ?? 2_000);
const digitsOf = (s: string) => s.replace(/\D/g, '');

describe('redactForModel', () => {
  it('leaves no digit of generated personal data in the text, in any format and context', () => {
    fc.assert(
      fc.property(lead, personalData, tail, (before, pii, after) => {
        const out = redactForModel(`${before} ${pii.value} ${after}`);
        expect(out).not.toContain(pii.value);
        // The words around carry no digits: any digit left is a piece of the data.
        expect(digitsOf(out)).toBe('');
        if (pii.kind === 'email') expect(out).not.toContain('@');
      }),
      { numRuns: RUNS },
    );
  });

  it('replaces each kind with its typed placeholder', () => {
    expect(redactForModel('llámame al 612 34 56 78')).toBe(`llámame al ${PLACEHOLDER.phone}`);
    expect(redactForModel('escribe a ana.garcia@example.es')).toBe(`escribe a ${PLACEHOLDER.email}`);
    expect(redactForModel('DNI 12345678Z, NIE X1234567L')).toBe(`DNI ${PLACEHOLDER.dni}, NIE ${PLACEHOLDER.nie}`);
    expect(redactForModel('mi DNI 30.123.456 y CUIL 20-30123456-3')).toBe(`mi DNI ${PLACEHOLDER.dni} y CUIL ${PLACEHOLDER.cuil}`);
    expect(redactForModel('IBAN ES91 2100 0418 4502 0005 1332')).toBe(`IBAN ${PLACEHOLDER.iban}`);
    expect(redactForModel('tarjeta 4111 1111 1111 1111')).toBe(`tarjeta ${PLACEHOLDER.card}`);
    expect(redactForModel('el coche 1234 BCD y el AB 123 CD')).toBe(`el coche ${PLACEHOLDER.plate} y el ${PLACEHOLDER.plate}`);
    expect(redactForModel('ana punto garcia arroba gmail punto com')).toBe(PLACEHOLDER.email);
  });

  it('keeps ordinary text untouched: street numbers, dates, times, postcodes, references, amounts', () => {
    fc.assert(
      fc.property(ordinaryText, (text) => {
        expect(redactForModel(text)).toBe(text);
      }),
      { numRuns: RUNS },
    );
  });

  it('removes the data and keeps the ordinary numbers when both are in one message', () => {
    fc.assert(
      fc.property(ordinaryText, lead, personalData, ordinaryText, (a, before, pii, b) => {
        const out = redactForModel(`${a}. ${before} ${pii.value}. ${b}`);
        expect(out).not.toContain(pii.value);
        expect(out.startsWith(`${a}. `)).toBe(true);
        expect(out.endsWith(`. ${b}`)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('sees through zero-width characters, full-width digits and other scripts\' digits', () => {
    expect(redactForModel('tel 612\u200b345\u200b678')).toBe(`tel ${PLACEHOLDER.phone}`);
    expect(redactForModel('tel ６１２３４５６７８')).toBe(`tel ${PLACEHOLDER.phone}`);
    expect(redactForModel('tel ٦١٢٣٤٥٦٧٨')).toBe(`tel ${PLACEHOLDER.phone}`);
    expect(redactForModel('mail ana＠example.com')).toBe(`mail ${PLACEHOLDER.email}`);
    expect(redactForModel('tel 612–345–678')).toBe(`tel ${PLACEHOLDER.phone}`);
  });

  it('is idempotent and never lets a private-use character smuggle a kept value back', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), personalData, (noise, pii) => {
        const once = redactForModel(`${noise} ${pii.value}`);
        expect(redactForModel(once)).toBe(once);
        expect(redactForModel(`\ue000\ue100 ${pii.value}`)).not.toContain(pii.value);
      }),
      { numRuns: 500 },
    );
  });

  it('removes an e-mail address glued to the one before it (found by the property above)', () => {
    expect(redactForModel('a@a.a_a0@a-a.com')).toBe('[EMAIL][EMAIL]');
    expect(redactForModel('escribid a x@b.co_ana@example.org')).toBe('escribid a [EMAIL][EMAIL]');
  });

  it('reports counts by kind, never the values', () => {
    const { report } = redactWithReport('612 345 678 y 699 111 222, a@b.es');
    expect(report).toEqual({ phone: 2, email: 1 });
  });
});
