import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { MemoryCallLimiter, withCitizen } from '../../dialogs/llm-safety/index';
import { guardedClassifier, shipped } from './harness';
import { startModelServer, type ModelServer } from './model-server';

let server: ModelServer | undefined;
beforeAll(() => void shipped());
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('LLM safety configuration', () => {
  it('has defaults: 30 calls per citizen per hour, breaker after 5 failures for 30 s', () => {
    const c = loadConfig({});
    expect([c.LLM_CALLS_PER_HOUR, c.LLM_BREAKER_FAILURES, c.LLM_BREAKER_COOLDOWN_MS]).toEqual([30, 5, 30_000]);
  });

  it('reads the env as numbers and refuses nonsense at boot', () => {
    const c = loadConfig({ LLM_CALLS_PER_HOUR: '0', LLM_BREAKER_FAILURES: '2', LLM_BREAKER_COOLDOWN_MS: '5000' });
    expect([c.LLM_CALLS_PER_HOUR, c.LLM_BREAKER_FAILURES, c.LLM_BREAKER_COOLDOWN_MS]).toEqual([0, 2, 5_000]);
    expect(() => loadConfig({ LLM_CALLS_PER_HOUR: '-1' })).toThrow(ConfigError);
    expect(() => loadConfig({ LLM_BREAKER_FAILURES: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ LLM_BREAKER_COOLDOWN_MS: 'soon' })).toThrow(ConfigError);
  });
});

describe('what the logs get', () => {
  it('a failed or refused model call is logged without the citizen\'s words or data', async () => {
    server = await startModelServer(() => ({ status: 500 }));
    const lines: string[] = [];
    const log = pino({ level: 'debug' }, { write: (s: string) => void lines.push(s) });
    const { classifier } = guardedClassifier(server.baseURL, { limiter: new MemoryCallLimiter({ limit: 1 }), log });
    const text = 'farola rota en la calle Mayor 12, soy Ana, mi móvil 612 34 56 78';
    await withCitizen('whatsapp:34612345678', () => classifier.classify(text));
    await withCitizen('whatsapp:34612345678', () => classifier.classify(text));
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    expect(all).not.toMatch(/Mayor 12|Ana|612 34 56 78|34612345678/);
  });
});
