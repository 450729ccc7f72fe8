import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import { pino } from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../bot/config';
import { ConfigError } from '../../../bot/errors';
import { loadCatalog } from '../../../catalog/load-catalog';
import type { Catalog } from '../../../catalog/schema';
import { createChatModel } from '../../../dialogs/classify/chat-model';
import { NONE } from '../../../dialogs/classify/classifier';
import { createClassifier } from '../../../dialogs/classify/create-classifier';
import { HybridClassifier } from '../../../dialogs/classify/hybrid-classifier';
import { LlmClassifier } from '../../../dialogs/classify/llm-classifier';
import { OfflineClassifier } from '../../../dialogs/classify/offline-classifier';
import { startOpenAiStub, type OpenAiStub, type StubHandler } from '../../support/openai-stub-server';

/** Plainly about a broken street light: the shipped catalog's examples are full of these. */
const CLEAR = 'la farola de mi calle lleva una semana apagada';
/** Says nothing about any service: offline cannot be sure of it. */
const VAGUE = 'hola buenas, les escribo por lo de ayer';

let catalog: Catalog;
let offline: OfflineClassifier;
beforeAll(() => {
  catalog = loadCatalog('config/catalog.yaml');
  offline = OfflineClassifier.train(catalog);
});

let stub: OpenAiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

/** Log lines written by the classifier, parsed; pino writes to this array instead of a file. */
function memoryLogger() {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => { raw.push(s); lines.push(JSON.parse(s) as Record<string, unknown>); } });
  return { log, lines, raw };
}

/** A hybrid classifier whose LLM is a real ChatOpenAI talking HTTP to the stub server. */
async function hybridAgainstStub(
  handler: StubHandler,
  opts: { mode?: 'hybrid' | 'llm'; timeoutMs?: number; down?: boolean } = {},
) {
  stub = await startOpenAiStub(handler);
  const baseURL = stub.baseURL;
  if (opts.down) await stub.close(); // nothing listens on that port any more
  const config = loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: baseURL, LLM_MODEL: 'test' });
  const llm = new LlmClassifier({
    model: createChatModel(config),
    catalog,
    timeoutMs: opts.timeoutMs ?? 5_000,
    detectLocale: (text, fallback) => offline.detectLocale(text, fallback),
  });
  const { log, lines, raw } = memoryLogger();
  const classifier = new HybridClassifier({ offline, llm, mode: opts.mode ?? 'hybrid', log });
  if (opts.down) stub = undefined;
  return { classifier, lines, raw };
}

/** A catalog code that is not `avoid`, so a test can tell the LLM's answer from offline's. */
const otherCode = (avoid: string): string => {
  const code = catalog.services.map((s) => s.code).find((c) => c !== avoid);
  if (!code) throw new Error('the shipped catalog needs at least two services');
  return code;
};

describe('HybridClassifier', () => {
  it('answers a clear message offline without calling the LLM', async () => {
    const expected = offline.classifySync(CLEAR);
    expect(expected.confidence).toBeGreaterThanOrEqual(offline.threshold); // precondition: CLEAR is clear
    let calls = 0;
    const { classifier } = await hybridAgainstStub(() => {
      calls += 1;
      return { status: 500 };
    });
    const r = await classifier.classify(CLEAR);
    expect(calls).toBe(0);
    expect(stub?.requests).toHaveLength(0);
    expect(r).toEqual(expected);
  });

  it('asks the LLM about a vague message and returns its answer', async () => {
    const local = offline.classifySync(VAGUE);
    // precondition: VAGUE is vague (the offline classifier says "none", or is unsure)
    expect(local.service === NONE || local.confidence < offline.threshold).toBe(true);
    const llmService = otherCode(local.service);
    const { classifier } = await hybridAgainstStub((userText) => ({
      json: { service: userText === VAGUE ? llmService : local.service, type: 'consulta', confidence: 0.8, alternatives: [] },
    }));
    const r = await classifier.classify(VAGUE);
    expect(stub?.requests).toHaveLength(1);
    expect(r).toMatchObject({ service: llmService, type: 'consulta', confidence: 0.8, locale: local.locale });
  });

  it('offers the offline candidates as alternatives when the LLM names none', async () => {
    const local = offline.classifySync(VAGUE);
    const llmService = otherCode(local.service === NONE ? local.alternatives[0]!.service : local.service);
    const { classifier } = await hybridAgainstStub(() => ({
      json: { service: llmService, type: 'reclamo', confidence: 0.6, alternatives: [] },
    }));
    const r = await classifier.classify(VAGUE);
    expect(r.alternatives.length).toBeGreaterThan(0);
    expect(r.alternatives.length).toBeLessThanOrEqual(3);
    expect(r.alternatives.map((a) => a.service)).not.toContain(llmService);
    // offline's top catalog service is the first runner-up ("none" is never offered)
    const offlineTop = [local, ...local.alternatives].find((c) => c.service !== NONE && c.service !== llmService);
    expect(r.alternatives[0]?.service).toBe(offlineTop?.service);
  });

  it('asks the LLM even about a clear message in llm mode', async () => {
    const local = offline.classifySync(CLEAR);
    const llmService = otherCode(local.service);
    const { classifier } = await hybridAgainstStub(
      () => ({ json: { service: llmService, type: 'solicitud', confidence: 0.95, alternatives: [] } }),
      { mode: 'llm' },
    );
    const r = await classifier.classify(CLEAR);
    expect(stub?.requests).toHaveLength(1);
    expect(r.service).toBe(llmService);
  });

  it('falls back to the offline answer when the LLM server is down, logging the error but not the text', async () => {
    const { classifier, lines, raw } = await hybridAgainstStub(() => ({ json: {} }), { mode: 'llm', down: true });
    const r = await classifier.classify(VAGUE);
    expect(r).toEqual(offline.classifySync(VAGUE));
    const warning = lines.find((l) => l.level === 40);
    expect(warning?.err).toMatchObject({ type: 'ClassifierError' });
    expect(raw.join('')).not.toContain(VAGUE);
  });

  it('falls back to the offline answer when the LLM times out', async () => {
    const { classifier, lines } = await hybridAgainstStub(
      () => ({ delayMs: 3_000, json: { service: catalog.services[0]?.code, type: 'consulta', confidence: 1, alternatives: [] } }),
      { mode: 'llm', timeoutMs: 150 },
    );
    const r = await classifier.classify(VAGUE);
    expect(r).toEqual(offline.classifySync(VAGUE));
    expect(lines.some((l) => l.level === 40)).toBe(true);
  });

  it('falls back to the offline answer when the LLM answers a code outside the catalog', async () => {
    const { classifier } = await hybridAgainstStub(() => ({
      json: { service: 'no-such-service', type: 'consulta', confidence: 0.99, alternatives: [] },
    }));
    const r = await classifier.classify(VAGUE);
    expect(stub?.requests).toHaveLength(1);
    expect(r).toEqual(offline.classifySync(VAGUE));
  });
});

describe('createClassifier', () => {
  it('returns the offline classifier when no LLM provider is configured', async () => {
    const c = await createClassifier(loadConfig({}), catalog);
    expect(c.kind).toBe('offline');
  });

  it('returns a hybrid classifier that reaches the configured OpenAI-compatible server', async () => {
    stub = await startOpenAiStub(() => ({
      json: { service: catalog.services[0]?.code, type: 'consulta', confidence: 0.9, alternatives: [] },
    }));
    const config = loadConfig({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseURL, LLM_MODEL: 'test', LLM_MODE: 'llm' });
    const c = await createClassifier(config, catalog);
    expect(c.kind).toBe('hybrid');
    const r = await c.classify(CLEAR);
    expect(stub.requests).toHaveLength(1);
    expect(r.service).toBe(catalog.services[0]?.code);
  });
});

describe('createChatModel', () => {
  it('builds ChatOpenAI or ChatOllama from LLM_PROVIDER', () => {
    const base = { LLM_BASE_URL: 'http://127.0.0.1:1/v1', LLM_MODEL: 'm' };
    expect(createChatModel(loadConfig({ ...base, LLM_PROVIDER: 'openai' }))).toBeInstanceOf(ChatOpenAI);
    expect(createChatModel(loadConfig({ ...base, LLM_PROVIDER: 'ollama' }))).toBeInstanceOf(ChatOllama);
  });

  it('refuses to build a model when no provider is configured', () => {
    expect(() => createChatModel(loadConfig({}))).toThrow(ConfigError);
  });
});
