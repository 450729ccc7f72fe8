import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../catalog/load-catalog';
import type { Locale } from '../../../catalog/schema';
import { createLocaleDetector, detectLocale } from '../../../dialogs/classify/detect-locale';

const catalog = loadCatalog(new URL('../../../config/catalog.yaml', import.meta.url).pathname);
const fromCatalog = createLocaleDetector(catalog);

/** Sentences not in the catalog, each clearly in one language. */
const CLEAR: [string, Locale][] = [
  ["la farola del meu carrer no s'encén", 'ca'],
  ['la farola del meu carrer no sencen', 'ca'],
  ['hi ha un forat a la vorera', 'ca'],
  ['aquí hi ha molta brutícia i ningú la recull', 'ca'],
  ['quin dia passa el camió de les escombraries?', 'ca'],
  ['el contenidor està ple des de dilluns', 'ca'],
  ['se perdió mi perro', 'es'],
  ['che, la luz de mi cuadra no anda', 'es'],
  ['¿qué días pasa el camión de la basura?', 'es'],
  ['el contenedor está lleno desde el lunes', 'es'],
  ['aqui hay mucha suciedad y nadie la recoge', 'es'],
  ['porque no pasan a limpiar?', 'es'],
  ["there's a huge pothole on Main Street", 'en'],
  ['my dog is lost', 'en'],
  ['the street light is broken', 'en'],
  ['when do they collect the recycling?', 'en'],
];

describe('createLocaleDetector (trained with the catalog)', () => {
  it.each(CLEAR)('reads %j as %s whatever the fallback', (text, locale) => {
    for (const fallback of ['es', 'ca', 'en'] as const) expect(fromCatalog(text, fallback)).toBe(locale);
  });

  it.each(['hola', 'ok', 'gracias', 'vale', '', '   ', '👍👍', '???'])('keeps the fallback for %j', (text) => {
    expect(fromCatalog(text, 'es')).toBe('es');
    expect(fromCatalog(text, 'ca')).toBe('ca');
    expect(fromCatalog(text, 'en')).toBe('en');
  });

  it.each(['no funciona', 'esta roto', 'el contenidor'])('keeps the fallback for %j, which Spanish and Catalan share', (text) => {
    expect(fromCatalog(text, 'ca')).toBe('ca');
    expect(fromCatalog(text, 'es')).toBe('es');
  });
});

describe('detectLocale (built-in corpus only)', () => {
  it.each([
    ["la farola del meu carrer no s'encén", 'ca'],
    ['hi ha un forat a la vorera', 'ca'],
    ['el vecino de abajo dejó las bolsas en la puerta', 'es'],
    ['che, la luz de mi cuadra no anda', 'es'],
    ["there's a huge pothole on Main Street", 'en'],
    ['the street light is broken', 'en'],
  ] as [string, Locale][])('reads %j as %s', (text, locale) => {
    expect(detectLocale(text, locale === 'en' ? 'es' : 'en')).toBe(locale);
  });

  it('keeps the fallback for a greeting', () => {
    expect(detectLocale('hola', 'ca')).toBe('ca');
  });
});
