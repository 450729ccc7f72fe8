import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { openDatabase } from '../../bot/sql/database';
import { startOpenAiStub, type ChatCompletionRequest, type OpenAiStub } from '../support/openai-stub-server';
import { REFERENCE } from './first-messages';

/*
 * The whole app with an LLM configured (an OpenAI-compatible server started here): a first message
 * the offline rules find no place in is read by the model through LangChain, the place it names is
 * checked against the message, and a model answering garbage falls back to asking where.
 */

let stub: OpenAiStub;
let bot: RunningApp;
let extraction: unknown = {};

/** Which structured output the request asks for (LangChain sends it as a tool or a json_schema). */
const askedFor = (r: ChatCompletionRequest): string | undefined => r.tools?.[0]?.function.name ?? r.response_format?.json_schema?.name;

beforeAll(async () => {
  stub = await startOpenAiStub((_text, request) => {
    if (askedFor(request) === 'extract_place') return { json: extraction };
    // Anything else (the classifier, when unsure): a plausible reading.
    return { json: { service: 'higiene', type: 'reclamo', confidence: 0.9, alternatives: [] } };
  });
  bot = await startTestApp({ LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseURL, LLM_MODEL: 'test', LLM_MODE: 'hybrid', LLM_TIMEOUT_MS: '3000', KNOWLEDGE_DIR: '' });
});
afterAll(async () => {
  await bot?.stop();
  await stub?.close();
});

const TEXT = 'han quemado el contenedor otra vez, el que está donde el quiosco de la esquina';

describe('intake with a model for places', () => {
  it('confirms and files the place the model read in the message', async () => {
    extraction = { place: 'donde el quiosco de la esquina', kind: 'near', street: null, number: null, description: null };
    const c = await DlConversation.open(bot.url);
    await c.botSays(/Hola/);
    const confirm = (await c.ask(TEXT)).reply.text ?? '';
    expect(confirm).toMatch(/ en donde el quiosco de la esquina — ¿lo envío\?/);
    expect(stub.requests.some((r) => askedFor(r) === 'extract_place')).toBe(true);
    const done = (await c.ask('Enviar')).reply.text ?? '';
    const reference = REFERENCE.exec(done)?.[0];
    expect(reference, done).toBeDefined();
    const db = await openDatabase({ sqlitePath: bot.sqlitePath });
    try {
      const row = await db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference!).executeTakeFirstOrThrow();
      expect(row.address).toBe('donde el quiosco de la esquina');
    } finally {
      await db.close();
    }
    c.end();
  });

  it('asks where when the model names a place the message does not contain', async () => {
    extraction = { place: 'Calle Inventada 99', kind: 'address', street: 'Calle Inventada', number: '99', description: null };
    const c = await DlConversation.open(bot.url);
    await c.botSays(/Hola/);
    expect((await c.ask(TEXT)).reply.text).toMatch(/^¿Dónde (está|es)\?/);
    c.end();
  });
});
