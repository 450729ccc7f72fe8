import { FakeListChatModel } from '@langchain/core/utils/testing';
import { ChatOpenAI } from '@langchain/openai';
import { afterEach, describe, expect, it } from 'vitest';
import { ClassifierError } from '../../../bot/errors';
import { RetentionSchema, type Catalog, type Locale } from '../../../catalog/schema';
import { LlmClassifier } from '../../../dialogs/classify/llm-classifier';
import { startOpenAiStub, type OpenAiStub, type StubHandler } from '../../support/openai-stub-server';

const names = (es: string, ca: string, en: string) => ({ es, ca, en });
const none = { es: [], ca: [], en: [] };
const service = (code: string, prefix: string, n: ReturnType<typeof names>): Catalog['services'][number] => ({
  code,
  prefix,
  names: n,
  team: 'via',
  requires: ['location'],
  optional: [],
  hazard: false,
  connector: { kind: 'builtin', code },
  examples: none,
});

/** A tiny hand-written catalog: these tests are about the LLM path, not about training data. */
const catalog: Catalog = {
  city: { name: 'Villatest', defaultLocale: 'es', timezone: 'Europe/Madrid', emergencyNumber: '112' },
  confidenceThreshold: 0.55,
  types: {
    solicitud: { names: names('Solicitud', 'Sol·licitud', 'Request'), examples: none },
    reclamo: { names: names('Reclamo', 'Reclamació', 'Complaint'), examples: none },
    consulta: { names: names('Consulta', 'Consulta', 'Inquiry'), examples: none },
  },
  teams: [{ code: 'via', names: names('Vía pública', 'Via pública', 'Public road'), holidays: [], claimWithinMinutes: 10 }],
  handoff: { defaultTeam: 'via', graceSeconds: 60, canned: [] },
  services: [
    service('alumbrado', 'ALU', names('Alumbrado público', 'Enllumenat públic', 'Street lighting')),
    service('baches', 'BAC', names('Baches y aceras', 'Clots i voreres', 'Potholes and pavements')),
    service('limpieza', 'LIM', names('Limpieza viaria', 'Neteja viària', 'Street cleaning')),
  ],
  emergencies: none,
  privacy: { retention: RetentionSchema.parse({}) },
};

/** Fixed locale, so these tests do not depend on the offline language detector. */
const detectLocale = (_text: string, fallback: Locale): Locale => fallback;

let stub: OpenAiStub | undefined;
afterEach(async () => {
  await stub?.close();
  stub = undefined;
});

async function classifierAgainstStub(handler: StubHandler, opts: { model?: string; timeoutMs?: number } = {}) {
  stub = await startOpenAiStub(handler);
  const model = new ChatOpenAI({
    model: opts.model ?? 'test',
    apiKey: 'none',
    configuration: { baseURL: stub.baseURL },
    maxRetries: 0,
    temperature: 0,
  });
  return new LlmClassifier({ model, catalog, timeoutMs: opts.timeoutMs ?? 5_000, detectLocale });
}

describe('LlmClassifier against an OpenAI-compatible server', () => {
  it('returns the service and type the model answers (json_schema response format)', async () => {
    const c = await classifierAgainstStub(() => ({
      json: { service: 'alumbrado', type: 'reclamo', confidence: 0.9, alternatives: ['baches'] },
    }));
    const r = await c.classify('la farola de mi calle no funciona', 'es');
    expect(r).toMatchObject({ service: 'alumbrado', type: 'reclamo', confidence: 0.9, locale: 'es' });
    expect(r.alternatives).toEqual([{ service: 'baches', type: 'reclamo', confidence: expect.closeTo(0.1, 5) }]);
    expect(stub?.requests[0]?.response_format?.type).toBe('json_schema');
  });

  it('reads the answer from a tool call when the model is asked through function calling', async () => {
    // gpt-4-* models do not support json_schema, so LangChain falls back to a forced tool call.
    const c = await classifierAgainstStub(
      () => ({ json: { service: 'limpieza', type: 'solicitud', confidence: 0.7, alternatives: [] } }),
      { model: 'gpt-4-0613' },
    );
    const r = await c.classify('please sweep the square', 'en');
    expect(r).toMatchObject({ service: 'limpieza', type: 'solicitud', alternatives: [], locale: 'en' });
    expect(stub?.requests[0]?.tools?.length).toBe(1);
  });

  it('sends every catalog code in the system prompt and the citizen text alone in the user message', async () => {
    const c = await classifierAgainstStub(() => ({
      json: { service: 'baches', type: 'reclamo', confidence: 0.8, alternatives: [] },
    }));
    await c.classify('hay un bache enorme', 'ca');
    const req = stub?.requests[0];
    const system = req?.messages.find((m) => m.role === 'system')?.content;
    expect(typeof system).toBe('string');
    for (const code of ['alumbrado', 'baches', 'limpieza']) expect(system).toContain(code);
    expect(system).toContain('Enllumenat públic'); // names in the message's language
    expect(system).not.toContain('hay un bache enorme');
    expect(req?.messages.filter((m) => m.role === 'user').map((m) => m.content)).toEqual(['hay un bache enorme']);
    expect(JSON.stringify(req?.response_format)).toContain('"limpieza"'); // the enum reached the schema
  });

  it('throws ClassifierError when the model answers a code outside the catalog', async () => {
    const c = await classifierAgainstStub(() => ({
      json: { service: 'parques', type: 'reclamo', confidence: 0.9, alternatives: [] },
    }));
    await expect(c.classify('el parque está sucio', 'es')).rejects.toBeInstanceOf(ClassifierError);
  });

  it('throws ClassifierError when the answer is not JSON', async () => {
    const c = await classifierAgainstStub(() => ({ raw: 'I think it is about street lights.' }));
    await expect(c.classify('farola', 'es')).rejects.toBeInstanceOf(ClassifierError);
  });

  it('throws ClassifierError with the HTTP failure as cause when the server answers 500', async () => {
    const c = await classifierAgainstStub(() => ({ status: 500 }));
    const err = await c.classify('farola', 'es').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierError);
    expect((err as ClassifierError).cause).toBeInstanceOf(Error);
    expect(stub?.requests).toHaveLength(1); // no retries: the hybrid fallback is faster
  });

  it('throws ClassifierError when the server answers later than the timeout', async () => {
    const c = await classifierAgainstStub(
      () => ({ delayMs: 3_000, json: { service: 'alumbrado', type: 'reclamo', confidence: 0.9, alternatives: [] } }),
      { timeoutMs: 150 },
    );
    const err = await c.classify('farola', 'es').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClassifierError);
    expect((err as Error).message).toMatch(/did not answer within 150 ms/);
  });
});

describe('LlmClassifier with LangChain fake chat models', () => {
  it('classifies from a FakeListChatModel JSON answer', async () => {
    const model = new FakeListChatModel({
      responses: [JSON.stringify({ service: 'limpieza', type: 'consulta', confidence: 0.6 })],
    });
    const c = new LlmClassifier({ model, catalog, timeoutMs: 1_000, detectLocale });
    const r = await c.classify('¿cuándo pasa el camión de la basura?');
    // No `alternatives` in the answer: tolerated, and the locale falls back to the city default.
    expect(r).toEqual({ service: 'limpieza', type: 'consulta', confidence: 0.6, alternatives: [], locale: 'es' });
  });

  it('rejects a fake model answer outside the catalog, since fakes do not enforce the schema', async () => {
    const model = new FakeListChatModel({
      responses: [JSON.stringify({ service: 'alumbrado', type: 'queja', confidence: 2 })],
    });
    const c = new LlmClassifier({ model, catalog, timeoutMs: 1_000, detectLocale });
    await expect(c.classify('farola rota', 'es')).rejects.toBeInstanceOf(ClassifierError);
  });

  it('drops the top service and duplicates from alternatives and keeps at most three', async () => {
    const model = new FakeListChatModel({
      responses: [
        JSON.stringify({
          service: 'baches',
          type: 'reclamo',
          confidence: 0.5,
          alternatives: ['baches', 'alumbrado', 'alumbrado', 'limpieza'],
        }),
      ],
    });
    const c = new LlmClassifier({ model, catalog, timeoutMs: 1_000, detectLocale });
    const r = await c.classify('acera rota', 'es');
    expect(r.alternatives.map((a) => a.service)).toEqual(['alumbrado', 'limpieza']);
    expect(r.alternatives.every((a) => a.confidence === 0.25)).toBe(true);
  });
});
