import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { loadCatalog } from '../../catalog/load-catalog';
import { createKnowledge } from '../../dialogs/knowledge/create-knowledge';
import { startOpenAiStub, type OpenAiStub } from '../support/openai-stub-server';

const catalog = loadCatalog('config/catalog.yaml');
const silent = pino({ level: 'silent' });
const env = (extra: Record<string, string>) => loadConfig({ NODE_ENV: 'test', ...extra });

describe('the knowledge base as the app builds it', () => {
  let stub: OpenAiStub;
  beforeAll(async () => {
    stub = await startOpenAiStub(() => ({ raw: JSON.stringify({ answer: 'La biblioteca central abre de lunes a viernes de 9:00 a 21:00 [1].', sources: [1] }) }));
  });
  afterAll(async () => {
    await stub.close();
  });

  it('indexes KNOWLEDGE_DIR and, with an LLM configured, answers through the model', async () => {
    const running = await createKnowledge(env({ KNOWLEDGE_DIR: 'config/knowledge', LLM_PROVIDER: 'openai', LLM_BASE_URL: stub.baseURL, LLM_MODEL: 'stub' }), catalog, silent);
    try {
      expect(running!.live.base.size('es')).toBeGreaterThanOrEqual(40);
      const reply = await running!.port.answer('horario de la biblioteca central', 'es');
      expect(reply).toMatchObject({ composed: true, slug: 'biblioteca-carnet', text: 'La biblioteca central abre de lunes a viernes de 9:00 a 21:00 [1].' });
      expect(stub.requests).toHaveLength(1);
      expect(String(stub.requests[0]!.messages[0]!.content)).toContain('city council of Ciudad Ejemplo');
    } finally {
      running?.close();
    }
  });

  it('answers with passages when no LLM is configured', async () => {
    const running = await createKnowledge(env({ KNOWLEDGE_DIR: 'config/knowledge' }), catalog, silent);
    try {
      expect(await running!.port.answer('horario de la biblioteca central', 'es')).toMatchObject({ composed: false, slug: 'biblioteca-carnet' });
    } finally {
      running?.close();
    }
  });

  it('is off with an empty KNOWLEDGE_DIR or a folder that does not exist', async () => {
    expect(await createKnowledge(env({ KNOWLEDGE_DIR: '' }), catalog, silent)).toBeUndefined();
    expect(await createKnowledge(env({ KNOWLEDGE_DIR: 'config/no-such-folder' }), catalog, silent)).toBeUndefined();
  });
});
