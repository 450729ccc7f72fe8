import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { ChatOllama } from '@langchain/ollama';
import { ChatOpenAI } from '@langchain/openai';
import type { Config } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { sharedLlmGuard } from '../llm-safety/index';

/**
 * Most tokens a model may answer with: the longest legitimate answer (a grounded reply of ~900
 * characters, an extraction with a 2,000-character description) fits; a runaway one is cut by the
 * provider instead of billed and waited for (OWASP LLM10).
 */
const MAX_ANSWER_TOKENS = 1_024;

/**
 * Builds the LangChain chat model named by `LLM_PROVIDER`.
 *
 * - `openai`: any OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp, LM Studio…) at `LLM_BASE_URL`.
 * - `ollama`: a local Ollama server at `LLM_BASE_URL` (Ollama's own default when unset).
 *
 * Retries are off and temperature is 0: a classifier that answers late is worse than the offline
 * fallback, and the same message should get the same reading twice.
 *
 * The model comes guarded (dialogs/llm-safety): every call, structured or not, has the citizen's
 * messages redacted, counts against the citizen's hourly allowance (`LLM_CALLS_PER_HOUR`), passes
 * the provider's circuit breaker (`LLM_BREAKER_*`) and `LLM_TIMEOUT_MS`, and has its answer size capped.
 *
 * @throws ConfigError when no provider or model is configured.
 */
export function createChatModel(config: Config): BaseChatModel {
  return sharedLlmGuard(config).guardModel(createProviderModel(config));
}

function createProviderModel(config: Config): BaseChatModel {
  const model = config.LLM_MODEL;
  if (!config.LLM_PROVIDER || !model) {
    throw new ConfigError('LLM_PROVIDER and LLM_MODEL are required to build a chat model');
  }
  switch (config.LLM_PROVIDER) {
    case 'openai':
      return new ChatOpenAI({
        model,
        // Local OpenAI-compatible servers accept any key, but the SDK refuses to start without one.
        apiKey: config.LLM_API_KEY ?? 'none',
        configuration: { baseURL: config.LLM_BASE_URL },
        maxRetries: 0,
        temperature: 0,
        maxTokens: MAX_ANSWER_TOKENS,
      });
    case 'ollama':
      return new ChatOllama({ baseUrl: config.LLM_BASE_URL, model, temperature: 0, maxRetries: 0, numPredict: MAX_ANSWER_TOKENS });
  }
}
