import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../bot/errors';
import type { KnowledgeBase } from '../../dialogs/knowledge/knowledge-base';
import { LiveKnowledge } from '../../dialogs/knowledge/live-knowledge';

const NEW_ARTICLE = `---
title: Huerto urbano municipal
keywords: [huerto urbano, parcela, cultivar]
source: https://www.ciudadejemplo.es/es/medio-ambiente/huertos
---
Los huertos urbanos de Ciudad Ejemplo se adjudican por sorteo cada marzo, en parcelas de 50 m² junto al río.
`;

/** Records what a test logger was given, to check what a failed reload says. */
function recordingLog() {
  const lines: Array<Record<string, unknown>> = [];
  const log = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) });
  return { log, lines };
}

/** Resolves with the next reloaded base (fs.watch is asynchronous; the debounce is short here). */
function nextReload(live: LiveKnowledge): Promise<KnowledgeBase> {
  return new Promise((resolve) => {
    const off = live.onReload((base) => {
      off();
      resolve(base);
    });
  });
}

/** Waits until `check` holds (the watcher reports errors by logging, not by an event). */
async function eventually(check: () => boolean, ms = 5_000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('a knowledge base that follows its folder', () => {
  let dir: string;
  let live: LiveKnowledge | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-live-'));
    cpSync('config/knowledge', dir, { recursive: true });
  });
  afterEach(() => {
    live?.close();
    live = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers from a new article after it is saved, without a restart', async () => {
    live = new LiveKnowledge(dir, { log: pino({ level: 'silent' }), debounceMs: 50 });
    expect(live.base.search('como consigo una parcela en el huerto urbano', 'es').answer).toBeUndefined();
    const reloaded = nextReload(live);
    writeFileSync(join(dir, 'es', 'huertos-urbanos.md'), NEW_ARTICLE);
    const base = await reloaded;
    expect(live.base).toBe(base);
    expect(live.version).toBe(2);
    const hit = base.search('como consigo una parcela en el huerto urbano', 'es').answer;
    expect(hit?.slug).toBe('huertos-urbanos');
    expect(hit?.source).toBe('https://www.ciudadejemplo.es/es/medio-ambiente/huertos');
  });

  it('sees an edited passage and forgets a deleted article', async () => {
    live = new LiveKnowledge(dir, { log: pino({ level: 'silent' }), debounceMs: 50 });
    const file = join(dir, 'es', 'punto-limpio.md');
    let reloaded = nextReload(live);
    writeFileSync(file, readFileSync(file, 'utf8').replace('de lunes a sábado de 9:00 a 20:00', 'de lunes a sábado de 7:00 a 22:00'));
    await reloaded;
    expect(live.base.search('horario del punto limpio', 'es').answer?.passage.text).toContain('de 7:00 a 22:00');

    reloaded = nextReload(live);
    unlinkSync(join(dir, 'es', 'cementerio.md'));
    await reloaded;
    expect(live.base.article('es', 'cementerio')).toBeUndefined();
    expect(live.base.search('horario del cementerio', 'es').hits.map((h) => h.slug)).not.toContain('cementerio');
  });

  it('keeps answering from the last valid version when a saved file is invalid, and logs which file and field', async () => {
    const { log, lines } = recordingLog();
    live = new LiveKnowledge(dir, { log, debounceMs: 50 });
    const before = live.base;
    const file = join(dir, 'ca', 'ibi.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/^source: .*$/m, 'source: not a url'));
    await eventually(() => lines.some((l) => l['msg'] === 'knowledge base not reloaded: invalid files (the last valid version keeps answering)'));
    const line = lines.find((l) => typeof l['problems'] === 'string')!;
    expect(line['level']).toBe(50);
    expect(line['problems']).toContain('ca/ibi.md: source: source must be an http(s) URL');
    expect(live.base).toBe(before);
    expect(live.version).toBe(1);
    expect(live.base.search('quan es paga l ibi', 'ca').answer?.slug).toBe('ibi');

    // Fixed: the next save is taken.
    const reloaded = nextReload(live);
    writeFileSync(file, readFileSync(file, 'utf8').replace('source: not a url', 'source: https://www.ciudadejemplo.es/ca/tributs/ibi'));
    await reloaded;
    expect(live.version).toBe(2);
  });

  it('refuses to start on an invalid file', () => {
    writeFileSync(join(dir, 'en', 'broken.md'), 'no front matter here\n');
    expect(() => new LiveKnowledge(dir, { log: pino({ level: 'silent' }), watch: false })).toThrow(ConfigError);
  });
});
