import { existsSync } from 'node:fs';
import type { Config } from '../../bot/config';
import type { Logger } from '../../bot/logger';
import type { Catalog } from '../../catalog/schema';
import { KnowledgeAnswerer, type KnowledgePort } from './knowledge-answerer';
import { LiveKnowledge } from './live-knowledge';

/** The knowledge base as the app runs it: answers for the dialogs, and a `close` for shutdown. */
export interface RunningKnowledge {
  port: KnowledgePort;
  live: LiveKnowledge;
  close(): void;
}

/**
 * Builds the knowledge base named by `KNOWLEDGE_DIR` (indexed now, reloaded on change), with a
 * LangChain composer when an LLM is configured. Returns undefined when `KNOWLEDGE_DIR` is empty or
 * the folder does not exist: then inquiries go to people, as before.
 *
 * @throws ConfigError when an article is invalid (the message names the file and the field).
 */
export async function createKnowledge(config: Config, catalog: Catalog, log: Logger): Promise<RunningKnowledge | undefined> {
  const dir = config.KNOWLEDGE_DIR;
  if (!dir || !existsSync(dir)) {
    if (dir) log.warn({ dir }, 'knowledge base folder not found: the bot answers no question itself');
    return undefined;
  }
  const live = new LiveKnowledge(dir, { log });
  log.info({ dir, articles: live.base.size() }, 'knowledge base indexed');
  let composer;
  if (config.LLM_PROVIDER) {
    const [{ createChatModel }, { GroundedComposer }] = await Promise.all([import('../classify/chat-model'), import('./grounded-composer')]);
    composer = new GroundedComposer({ model: createChatModel(config), timeoutMs: config.LLM_TIMEOUT_MS, log, city: catalog.city.name });
  }
  const port = new KnowledgeAnswerer({ base: () => live.base, ...(composer ? { composer } : {}) });
  return { port, live, close: () => live.close() };
}
