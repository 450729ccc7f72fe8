import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOCALES } from '../../catalog/schema';
import { voseoIn, VOSEO_FORMS } from './voseo';

/** The locale files as they are on disk (not through i18n.ts, so a file no code imports is checked too). */
const DIR = join(__dirname, '../../dialogs/locales');
const read = (name: string): Record<string, string> => JSON.parse(readFileSync(join(DIR, `${name}.json`), 'utf8')) as Record<string, string>;
const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

const es = read('es');
const esAR = read('es-AR');

describe('locale files', () => {
  it('are the three languages plus regional overlays named language-REGION', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
    expect(files).toEqual(['ca', 'en', 'es', 'es-AR']);
  });

  it('have every key in es, ca and en, with the same placeholders, none empty', () => {
    const keys = Object.keys(es).sort();
    expect(keys.length).toBeGreaterThan(100);
    for (const locale of LOCALES) {
      const texts = read(locale);
      expect({ locale, keys: Object.keys(texts).sort() }).toEqual({ locale, keys });
      for (const key of keys) {
        expect({ locale, key, vars: placeholders(texts[key]!) }).toEqual({ locale, key, vars: placeholders(es[key]!) });
        expect(texts[key]!.trim()).not.toBe('');
      }
    }
  });
});

describe('Spanish of Spain (es.json) and the Rioplatense overlay (es-AR.json)', () => {
  it('es.json speaks in tú: none of the voseo forms appears in any sentence', () => {
    expect(VOSEO_FORMS.length).toBeGreaterThanOrEqual(50);
    const found = Object.entries(es).map(([key, text]) => ({ key, voseo: voseoIn(text) })).filter((f) => f.voseo.length);
    expect(found).toEqual([]);
  });

  it('every es-AR key exists in es, with the same placeholders, and says something different', () => {
    const keys = Object.keys(esAR);
    expect(keys.length).toBeGreaterThan(40);
    for (const key of keys) {
      expect({ key, inEs: key in es }).toEqual({ key, inEs: true });
      expect({ key, vars: placeholders(esAR[key]!) }).toEqual({ key, vars: placeholders(es[key] ?? '') });
      expect({ key, same: esAR[key] === es[key] }).toEqual({ key, same: false });
    }
  });

  it('es-AR is really voseo: most of its sentences use a form the es check forbids', () => {
    const voseo = Object.values(esAR).filter((text) => voseoIn(text).length > 0);
    expect(voseo.length).toBeGreaterThan(Object.keys(esAR).length * 0.7);
  });

  it('the detector tells vos from tú and ignores look-alikes', () => {
    expect(voseoIn('¿Querés adjuntar una foto? Contame qué pasa.')).toEqual(['querés', 'contame']);
    expect(voseoIn('¿Quieres adjuntar una foto? Cuéntame qué pasa. ¿Sabes si sos…')).toEqual(['sos']);
    expect(voseoIn('Sabes, puedes, tienes, eres, escribe, elige, aquí, vale; voslauer, dales, cheque')).toEqual([]);
  });
});
