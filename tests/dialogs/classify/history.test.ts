import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../catalog/load-catalog';
import type { Catalog } from '../../../catalog/schema';
import { HistoryFileError, parseHistory, readHistoryFile, readHistoryFileSync } from '../../../dialogs/classify/history';

let catalog: Catalog;
beforeAll(() => {
  catalog = loadCatalog('config/catalog.yaml');
});

describe('history CSV files', () => {
  it('reads quoted fields with commas, doubled quotes and new lines inside quotes', () => {
    const csv = 'text,service,type,locale\n"farola apagada, calle Sol 3",alumbrado,reclamo,es\n"dice ""urgente""\ny sigue",agua,,\n';
    const h = parseHistory('h.csv', csv, catalog);
    expect(h.rows).toEqual([
      { text: 'farola apagada, calle Sol 3', service: 'alumbrado', type: 'reclamo', locale: 'es' },
      { text: 'dice "urgente"\ny sigue', service: 'agua' },
    ]);
    expect(h.read).toBe(2);
  });

  it('accepts a byte-order mark, CRLF line ends, header case and order, and extra columns', () => {
    const csv = '\uFEFFId,Service,Locale,TEXT\r\n1,higiene,ca,"el contenidor és ple"\r\n2,parques,en,swings broken\r\n';
    const h = parseHistory('h.csv', csv, catalog);
    expect(h.rows).toEqual([
      { text: 'el contenidor és ple', service: 'higiene', locale: 'ca' },
      { text: 'swings broken', service: 'parques', locale: 'en' },
    ]);
  });

  it('skips and counts rows with an unknown service or no text, and keeps out-of-scope rows labelled none', () => {
    const csv = 'text,service\nbache,calles\nalgo,bomberos\n"",agua\n   ,agua\nquien gano la liga,none\notra,\n';
    const h = parseHistory('h.csv', csv, catalog);
    expect(h.rows.map((r) => r.service)).toEqual(['calles', 'none']);
    expect(h.skipped).toEqual({ unknownService: 2, emptyText: 2 });
  });

  it('ignores a type or locale it does not know but keeps the row', () => {
    const h = parseHistory('h.csv', 'text,service,type,locale\nfarola rota,alumbrado,queja,fr\n', catalog);
    expect(h.rows).toEqual([{ text: 'farola rota', service: 'alumbrado' }]);
    expect(h.ignoredLabels).toBe(2);
  });

  it('reads a file with only a header as no rows', () => {
    expect(parseHistory('h.csv', 'text,service\n', catalog).rows).toEqual([]);
  });

  it('names the file and line of an unclosed quote', () => {
    const csv = 'text,service\nbien,calles\n"sin cerrar,calles\notra,agua\n';
    const err = (() => {
      try {
        parseHistory('tickets.csv', csv, catalog);
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(HistoryFileError);
    expect((err as HistoryFileError).message).toMatch(/^history file tickets\.csv, line \d+: /);
    expect((err as HistoryFileError).code).toBe('E_CONFIG');
  });

  it('names the file and line of a row with too many fields', () => {
    expect(() => parseHistory('t.csv', 'text,service\nuno,calles\ndos,agua,extra\n', catalog)).toThrow(/history file t\.csv, line 3: /);
  });

  it('refuses a header without text or service, saying which is missing', () => {
    expect(() => parseHistory('t.csv', 'texto,servicio\nhola,calles\n', catalog)).toThrow(/t\.csv, line 1: .*missing: text, service/);
  });

  it('reads files from disk, and names a file that does not exist', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'history-'));
    const file = join(dir, 'h.csv');
    writeFileSync(file, 'text,service\nárbol caído,arbolado\n');
    expect((await readHistoryFile(file, catalog)).rows).toEqual([{ text: 'árbol caído', service: 'arbolado' }]);
    expect(readHistoryFileSync(file, catalog).rows).toHaveLength(1);
    await expect(readHistoryFile(join(dir, 'nope.csv'), catalog)).rejects.toThrow(/nope\.csv: cannot read it \(ENOENT\)/);
  });
});
