import { ChatOpenAI } from '@langchain/openai';
import pino, { type Logger } from 'pino';
import { loadCatalog } from '../../catalog/load-catalog';
import type { Catalog } from '../../catalog/schema';
import { HybridClassifier } from '../../dialogs/classify/hybrid-classifier';
import { LlmClassifier } from '../../dialogs/classify/llm-classifier';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import { CircuitBreaker, LlmGuard, type CallLimiter } from '../../dialogs/llm-safety/index';

let trained: { catalog: Catalog; offline: OfflineClassifier } | undefined;

/** The shipped catalog and its offline classifier, trained once per test file. */
export function shipped(): { catalog: Catalog; offline: OfflineClassifier } {
  trained ??= (() => {
    const catalog = loadCatalog('config/catalog.yaml');
    return { catalog, offline: OfflineClassifier.train(catalog) };
  })();
  return trained;
}

export interface GuardedSetup {
  classifier: HybridClassifier;
  guard: LlmGuard;
  breaker: CircuitBreaker;
  /** Moves the breaker's clock. */
  advance(ms: number): void;
}

/**
 * The LangChain path as the bot builds it (ChatOpenAI, guarded, inside LlmClassifier inside
 * HybridClassifier in `llm` mode so every message asks the model), against `baseURL`.
 */
export function guardedClassifier(baseURL: string, opts: { timeoutMs?: number; failures?: number; cooldownMs?: number; limiter?: CallLimiter; maxOutputChars?: number; log?: Logger } = {}): GuardedSetup {
  const { catalog, offline } = shipped();
  let now = 1_000_000;
  const breaker = new CircuitBreaker({ failures: opts.failures ?? 3, cooldownMs: opts.cooldownMs ?? 30_000, now: () => now });
  const guard = new LlmGuard({
    timeoutMs: opts.timeoutMs ?? 5_000,
    breaker,
    ...(opts.limiter ? { limiter: opts.limiter } : {}),
    ...(opts.maxOutputChars ? { maxOutputChars: opts.maxOutputChars } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const model = guard.guardModel(new ChatOpenAI({ model: 'test', apiKey: 'none', configuration: { baseURL }, maxRetries: 0, temperature: 0 }));
  const llm = new LlmClassifier({ model, catalog, timeoutMs: opts.timeoutMs ?? 5_000, detectLocale: (t, f) => offline.detectLocale(t, f) });
  const classifier = new HybridClassifier({ offline, llm, mode: 'llm', log: opts.log ?? pino({ level: 'silent' }) });
  return { classifier, guard, breaker, advance: (ms) => void (now += ms) };
}
