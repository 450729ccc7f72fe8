import type { CallLimiter } from './call-limiter';
import { CircuitBreaker } from './circuit-breaker';
import { LlmGuard } from './llm-guard';
import { processLimiter, processLog } from './process-safety';

export { installLlmSafety } from './process-safety';

/** The parts of `Config` the shared guard reads. */
export interface LlmSafetyConfig {
  LLM_PROVIDER?: string | undefined;
  LLM_BASE_URL?: string | undefined;
  LLM_MODEL?: string | undefined;
  LLM_TIMEOUT_MS: number;
  LLM_CALLS_PER_HOUR: number;
  LLM_BREAKER_FAILURES: number;
  LLM_BREAKER_COOLDOWN_MS: number;
}

// One breaker per provider endpoint: the classifier, the extractor and the knowledge composer each build
// their own model, but they share the provider (and, through process-safety.ts, the citizen's allowance).
const breakers = new Map<string, CircuitBreaker>();

/** The guard for models built from `config`: shared breaker for its endpoint, shared limiter. */
export function sharedLlmGuard(config: LlmSafetyConfig): LlmGuard {
  const key = `${config.LLM_PROVIDER ?? ''}|${config.LLM_BASE_URL ?? ''}|${config.LLM_MODEL ?? ''}`;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker({ failures: config.LLM_BREAKER_FAILURES, cooldownMs: config.LLM_BREAKER_COOLDOWN_MS });
    breakers.set(key, breaker);
  }
  const limiter = (): CallLimiter => processLimiter(config.LLM_CALLS_PER_HOUR);
  const log = processLog();
  return new LlmGuard({ timeoutMs: config.LLM_TIMEOUT_MS, breaker, limiter, ...(log ? { log } : {}) });
}
