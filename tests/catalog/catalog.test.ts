import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { ConfigError } from '../../bot/errors';
import { loadCatalog } from '../../catalog/load-catalog';
import { LOCALES } from '../../catalog/schema';

const SHIPPED = new URL('../../config/catalog.yaml', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'catalog-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a variant of the shipped catalog, changed by `edit`, and returns its path. */
function variant(name: string, edit: (raw: any) => void): string {
  const raw = parse(readFileSync(SHIPPED, 'utf8'));
  edit(raw);
  const path = join(dir, `${name}.yaml`);
  writeFileSync(path, stringify(raw));
  return path;
}

function errorOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('the shipped example catalog', () => {
  const catalog = loadCatalog(SHIPPED);

  it('validates and names the example city', () => {
    expect(catalog.city.name).toBe('Ciudad Ejemplo');
    expect(catalog.city.defaultLocale).toBe('es');
  });

  it('offers exactly the nine services the dialogs and connectors expect, with their prefixes', () => {
    const byCode = Object.fromEntries(catalog.services.map((s) => [s.code, s.prefix]));
    expect(byCode).toEqual({
      calles: 'CAL',
      alumbrado: 'ALU',
      transito: 'TRA',
      agua: 'AGU',
      higiene: 'HIG',
      arbolado: 'ARB',
      parques: 'PAR',
      mascotas: 'MAS',
      electricidad: 'ELE',
    });
  });

  it('gives every service at least 40 training examples, and some in every language', () => {
    for (const s of catalog.services) {
      const counts = LOCALES.map((l) => s.examples[l].length);
      expect(counts.reduce((a, b) => a + b), s.code).toBeGreaterThanOrEqual(40);
      for (const n of counts) expect(n, s.code).toBeGreaterThanOrEqual(10);
    }
  });

  it('routes every service to a builtin connector under its own code', () => {
    for (const s of catalog.services) expect(s.connector).toEqual({ kind: 'builtin', code: s.code });
  });

  it('marks power cuts and trees as hazards and asks for contact on lost pets', () => {
    const get = (code: string) => catalog.services.find((s) => s.code === code)!;
    expect(get('electricidad').hazard).toBe(true);
    expect(get('arbolado').hazard).toBe(true);
    expect(get('mascotas').requires).toEqual(['description', 'contact']);
    expect(get('alumbrado').requires).toEqual(['location', 'description']);
  });

  it('has examples for all three procedure types and emergency phrases in every language', () => {
    for (const type of ['solicitud', 'reclamo', 'consulta'] as const) {
      for (const l of LOCALES) expect(catalog.types[type]!.examples[l].length, `${type}.${l}`).toBeGreaterThanOrEqual(15);
    }
    for (const l of LOCALES) expect(catalog.emergencies[l].length, l).toBeGreaterThanOrEqual(10);
  });

  it('does not repeat a training example within a service', () => {
    for (const s of catalog.services) {
      const all = LOCALES.flatMap((l) => s.examples[l].map((e) => e.toLowerCase()));
      expect(new Set(all).size, s.code).toBe(all.length);
    }
  });
});

describe('loadCatalog on a broken catalog', () => {
  it('rejects a service whose team does not exist, naming the path', () => {
    const path = variant('unknown-team', (raw) => {
      raw.services[2].team = 'bomberos';
    });
    const err = errorOf(() => loadCatalog(path));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('services[2].team');
    expect((err as ConfigError).message).toContain('bomberos');
  });

  it('rejects a service with too few training examples, naming the path', () => {
    const path = variant('few-examples', (raw) => {
      raw.services[0].examples = { es: ['hay un bache'], ca: ['hi ha un clot'], en: ['pothole'] };
    });
    const err = errorOf(() => loadCatalog(path));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('services[0].examples');
  });

  it('rejects a holiday region the holidays library does not know, naming the path and the known ones', () => {
    const path = variant('unknown-region', (raw) => {
      raw.teams[0].holidays = { country: 'ES', region: 'XY' };
    });
    const err = errorOf(() => loadCatalog(path));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain('teams[0].holidays');
    expect((err as ConfigError).message).toMatch(/no region "XY".*VC/);
  });

  it('still reads holidays written as a plain list of days', () => {
    const path = variant('holiday-list', (raw) => {
      raw.teams[0].holidays = ['2026-12-08', '2026-12-25'];
    });
    expect(loadCatalog(path).teams[0]!.holidays).toEqual(['2026-12-08', '2026-12-25']);
  });

  it('rejects a file that is not YAML with a ConfigError naming the file', () => {
    const path = join(dir, 'broken.yaml');
    writeFileSync(path, 'city: [unclosed');
    const err = errorOf(() => loadCatalog(path));
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toContain(path);
  });
});
