import { describe, expect, it } from 'vitest';
import { catalogExampleTexts, findOverlaps, jaccard, normalizeForOverlap, tokenSet } from '../../bench/eval/overlap';
import { loadEvalSet, NONE, parseEvalFile } from '../../bench/eval/load-eval-set';
import { loadCatalog } from '../../catalog/load-catalog';
import { LOCALES, PROCEDURE_TYPES } from '../../catalog/schema';

const catalog = loadCatalog('config/catalog.yaml');
const items = loadEvalSet();
const services = catalog.services.map((s) => s.code);

describe('the labelled evaluation set', () => {
  it('has at least 1,200 messages and at least 250 per language', () => {
    expect(items.length).toBeGreaterThanOrEqual(1200);
    for (const locale of LOCALES) expect(items.filter((i) => i.locale === locale).length).toBeGreaterThanOrEqual(250);
  });

  it('labels only catalog services or "none", and a type exactly when the service is not "none"', () => {
    for (const item of items) {
      expect([...services, NONE]).toContain(item.service);
      expect(item.type === null).toBe(item.service === NONE);
    }
  });

  it('has every service, every procedure type and the "none" outcome in every language', () => {
    for (const locale of LOCALES) {
      const own = items.filter((i) => i.locale === locale);
      for (const service of [...services, NONE]) expect(own.some((i) => i.service === service), `${locale} ${service}`).toBe(true);
      for (const type of PROCEDURE_TYPES) expect(own.some((i) => i.type === type), `${locale} ${type}`).toBe(true);
    }
  });

  it('keeps "none" near a tenth of each language and no service far below its share', () => {
    for (const locale of LOCALES) {
      const own = items.filter((i) => i.locale === locale);
      const none = own.filter((i) => i.service === NONE).length / own.length;
      expect(none).toBeGreaterThanOrEqual(0.07);
      expect(none).toBeLessThanOrEqual(0.15);
      const fair = (own.length * 0.9) / services.length;
      for (const s of services) expect(own.filter((i) => i.service === s).length, `${locale} ${s}`).toBeGreaterThanOrEqual(fair * 0.6);
    }
  });

  it('labels every place exactly as written in its text', () => {
    const placed = items.filter((i) => i.place !== null);
    expect(placed.length).toBeGreaterThan(200);
    for (const item of placed) expect(item.text, item.id).toContain(item.place!);
  });

  it('gives every message a unique id and never repeats a text', () => {
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    expect(new Set(items.map((i) => i.text.trim().toLowerCase())).size).toBe(items.length);
  });

  it('shares no message with any catalog training text (service, type, out-of-scope and emergency examples, keywords), exactly or nearly (word Jaccard >= 0.8)', () => {
    const examples = catalogExampleTexts(catalog);
    expect(examples.length).toBeGreaterThan(500);
    const overlaps = findOverlaps(items.map((i) => i.text), examples, 0.8);
    expect(overlaps).toEqual([]);
  });
});

describe('loadEvalSet', () => {
  it('refuses a place that is not in the text, and a type on a "none" item, naming the line', () => {
    const bad = '{"id":"es-0001","text":"hay un bache","service":"calles","type":"reclamo","place":"calle Mayor"}';
    expect(() => parseEvalFile(bad, 'es')).toThrow(/es\.jsonl:1:.*substring/s);
    const typedNone = '\n{"id":"es-0002","text":"hola","service":"none","type":"consulta","place":null}';
    expect(() => parseEvalFile(typedNone, 'es')).toThrow(/es\.jsonl:2:/);
  });

  it('refuses an id of another language', () => {
    expect(() => parseEvalFile('{"id":"en-0001","text":"hola","service":"none","type":null,"place":null}', 'es')).toThrow(/not of language es/);
  });
});

describe('overlap check', () => {
  it('folds accents, case and punctuation before comparing', () => {
    expect(normalizeForOverlap('¿Qué   HORARIO tiene el Punto Limpio?')).toBe('que horario tiene el punto limpio');
    expect(normalizeForOverlap("l'enllumenat públic")).toBe('l enllumenat public');
  });

  it('catches a near-duplicate with one word changed and lets a rewording through', () => {
    const example = 'hay una farola apagada en la calle Olmos desde hace una semana';
    // 10 shared words of 11 distinct: Jaccard 10/12 ≈ 0.83.
    expect(findOverlaps(['Hay una farola apagada en la calle Pinos desde hace una semana!'], [example])).toHaveLength(1);
    expect(findOverlaps(['la farola de mi portal no da luz desde el lunes'], [example])).toEqual([]);
    expect(jaccard(tokenSet('a b c'), tokenSet('b c d'))).toBe(0.5);
  });
});
