import { mkdtempSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../catalog/load-catalog';
import type { Catalog } from '../../../catalog/schema';
import { HistoryFileError } from '../../../dialogs/classify/history';
import { LiveOfflineClassifier } from '../../../dialogs/classify/live-classifier';
import type { TrainingStats } from '../../../dialogs/classify/offline-classifier';

// A word no catalog example uses: only history can teach it.
const NEW_WORD = 'zorblatex';
const rows = (service: string, n: number): string =>
  ['text,service,type', ...Array.from({ length: n }, (_, i) => `"el ${NEW_WORD} número ${i} otra vez ${i % 2 ? 'roto' : 'estropeado'}",${service},reclamo`)].join('\n');

let catalog: Catalog;
const open: LiveOfflineClassifier[] = [];
beforeAll(() => {
  catalog = loadCatalog('config/catalog.yaml');
});
afterEach(() => {
  for (const c of open.splice(0)) c.close();
});

function memoryLog(): { log: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

function nextSwap(c: LiveOfflineClassifier): Promise<TrainingStats> {
  return new Promise((resolve) => {
    const off = c.onSwap((s) => {
      off();
      resolve(s);
    });
  });
}

function tempFile(content: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'live-history-')), 'history.csv');
  writeFileSync(file, content);
  return file;
}

describe('LiveOfflineClassifier', () => {
  it('trains on the history files at start', () => {
    const file = tempFile(rows('mascotas', 30));
    const c = LiveOfflineClassifier.start({ catalog, files: [file], watch: false });
    open.push(c);
    expect(c.stats.historyRows).toBe(30);
    expect(c.classifySync(`hay un ${NEW_WORD} roto`).service).toBe('mascotas');
  });

  it('retrains when a history file changes, without a restart, and swaps the new model in', async () => {
    const file = tempFile(rows('mascotas', 30));
    const c = LiveOfflineClassifier.start({ catalog, files: [file], pollMs: 50 });
    open.push(c);
    expect(c.classifySync(`hay un ${NEW_WORD} roto`).service).toBe('mascotas');
    const swapped = nextSwap(c);
    // Replaced by rename, as deployments and editors do.
    const next = `${file}.new`;
    writeFileSync(next, rows('parques', 40));
    renameSync(next, file);
    expect((await swapped).historyRows).toBe(40);
    expect(c.classifySync(`hay un ${NEW_WORD} roto`).service).toBe('parques');
  });

  it('keeps the previous model when a changed file is not valid CSV, and logs the file and line', async () => {
    const file = tempFile(rows('mascotas', 30));
    const { log, lines } = memoryLog();
    const c = LiveOfflineClassifier.start({ catalog, files: [file], watch: false, log });
    open.push(c);
    const before = c.current;
    writeFileSync(file, 'text,service\n"no se cierra,mascotas\n');
    await c.reloadFile(file);
    expect(c.current).toBe(before);
    const error = lines.find((l) => l.level === 50);
    expect(error?.msg).toMatch(/previous model stays/);
    expect(JSON.stringify(error?.err)).toMatch(/history\.csv, line \d+/);
  });

  it('logs how many rows it skipped, and trains on the rest', () => {
    const file = tempFile('text,service\nbache en la calle,calles\nalgo,policia\n,agua\n');
    const { log, lines } = memoryLog();
    const c = LiveOfflineClassifier.start({ catalog, files: [file], watch: false, log });
    open.push(c);
    expect(c.stats.historyRows).toBe(1);
    expect(lines.find((l) => l.level === 40)).toMatchObject({ skippedUnknownService: 1, skippedEmptyText: 1 });
  });

  it('starts on the catalog alone when a file is broken, unless strict', () => {
    const file = tempFile('text,service\n"roto,calles\n');
    const { log, lines } = memoryLog();
    const c = LiveOfflineClassifier.start({ catalog, files: [file], watch: false, log });
    open.push(c);
    expect(c.stats.historyRows).toBe(0);
    expect(lines.some((l) => l.level === 50)).toBe(true);
    expect(() => LiveOfflineClassifier.start({ catalog, files: [file], watch: false, strict: true })).toThrow(HistoryFileError);
  });

  it('keeps answering turns with the previous model while it retrains', async () => {
    const file = tempFile(rows('mascotas', 30));
    const c = LiveOfflineClassifier.start({ catalog, files: [file], watch: false });
    open.push(c);
    const old = c.current;
    writeFileSync(file, rows('parques', 40));
    let answeredBy: unknown;
    // A turn arriving right after the retraining starts is served before it ends, by the old model.
    setImmediate(() => {
      c.classifySync(`hay un ${NEW_WORD} roto`);
      answeredBy = c.current;
    });
    await c.reloadFile(file);
    expect(answeredBy).toBe(old);
    expect(c.current).not.toBe(old);
  });

  it('takes other sources of labelled texts (agents\' corrections) and retrains with them', async () => {
    const c = LiveOfflineClassifier.start({ catalog, files: [], watch: false });
    open.push(c);
    await c.setSource('corrections', Array.from({ length: 30 }, (_, i) => ({ text: `el ${NEW_WORD} ${i} está mal`, service: 'agua' })));
    expect(c.stats.historyRows).toBe(30);
    expect(c.classifySync(`el ${NEW_WORD} está mal`).service).toBe('agua');
  });

  it('does not retrain for a source that stays empty (start-up with no corrections), and does when one empties', async () => {
    const c = LiveOfflineClassifier.start({ catalog, files: [], watch: false });
    open.push(c);
    const first = c.current;
    await c.setSource('corrections', []);
    expect(c.current).toBe(first);
    await c.setSource('corrections', [{ text: `el ${NEW_WORD} está mal`, service: 'agua' }]);
    expect(c.current).not.toBe(first);
    const withOne = c.current;
    await c.setSource('corrections', []);
    expect(c.current).not.toBe(withOne);
    expect(c.stats.historyRows).toBe(0);
  });
});
