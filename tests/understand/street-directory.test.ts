import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StreetDirectory, Understanding, streetKey } from '../../dialogs/understand/index';

const CSV = ['nombre,distrito', 'Calle Colón,Centro', '"Avenida de la Constitución",Norte', 'Calle Mayor,Centro', 'Carrer de Balmes,Eixample', 'Calle Bravo Murillo,Tetuán', 'Calle Colomer,Sur', ''].join('\r\n');
const dir = mkdtempSync(join(tmpdir(), 'streets-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the street directory', () => {
  const streets = StreetDirectory.fromCsv(CSV);

  it('reads a CSV with a header row, quotes and CRLF, from the named column', () => {
    expect(streets.size).toBe(6);
    expect(streets.match('avenida constitucion')?.name).toBe('Avenida de la Constitución');
  });

  it('reads a plain list without a header, and a file on disk', async () => {
    const file = join(dir, 'calles.csv');
    writeFileSync(file, '\uFEFFCalle Colón\nCalle Mayor\n');
    const loaded = await StreetDirectory.load(file);
    expect(loaded.size).toBe(2);
    expect(loaded.match('colon')?.name).toBe('Calle Colón');
  });

  it('compares streets without their type, articles, accents or case', () => {
    expect(streetKey('av. de la Constitución')).toBe('constitucion');
    expect(streetKey('c/ Colon')).toBe('colon');
    expect(streetKey('Carrer de Balmes')).toBe('balmes');
    expect(streets.match('c/ colon')).toEqual({ name: 'Calle Colón', score: 1 });
    expect(streets.match('calle Balmes')?.name).toBe('Carrer de Balmes');
  });

  it('corrects a typo to the single closest street, and refuses to guess between two or far away', () => {
    expect(streets.match('calle Bravo Muriyo')?.name).toBe('Calle Bravo Murillo');
    expect(streets.match('calle Bravo Muriyo')!.score).toBeLessThan(1);
    // "Colom" is one letter from Colón and from Colomer's root alike? Colón (1 edit) wins over Colomer (2 edits).
    expect(streets.match('Colom')?.name).toBe('Calle Colón');
    expect(streets.match('calle Inventada')).toBeUndefined();
    expect(streets.match('Mayo')).toBeUndefined(); // four letters: no typo allowance
  });

  it('finds a street it knows written without a type ("en colon 12")', () => {
    expect(streets.findIn('hay un bache en colon 12 desde ayer')).toEqual({ written: 'colon 12', name: 'Calle Colón', number: '12' });
    expect(streets.findIn('hay un bache en la puerta')).toBeUndefined();
  });

  it('normalises what intake shows and files to the city spelling', () => {
    const u = new Understanding({ directory: streets });
    expect(u.read('bache en c/ colon 12').place).toMatchObject({ text: 'c/ colon 12', display: 'Calle Colón 12', known: true });
    expect(u.read('farola apagada en la calle Inventada 3').place).toMatchObject({ display: 'calle Inventada 3', known: false });
    expect(u.read('farola fundida en colon 12').place).toMatchObject({ display: 'Calle Colón 12', known: true });
    expect(u.read('cruce de calle Mayor y calle Colón sin semáforo').place?.display).toBe('Calle Mayor / Calle Colón');
  });
});
