import type { Logger } from '../../bot/logger';
import { MemoryCallLimiter, type CallLimiter } from './call-limiter';
import { CircuitBreaker } from './circuit-breaker';
import { LlmGuard } from './llm-guard';

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

// One breaker per provider endpoint and one limiter per process: the classifier, the extractor and
// the knowledge composer each build their own model, but they share the provider and the citizen.
const breakers = new Map<string, CircuitBreaker>();
let installed: CallLimiter | undefined;
let fallback: { limit: number; limiter: MemoryCallLimiter } | undefined;
let log: Logger | undefined;

/**
 * Installs the process's per-citizen limiter (the composition root passes a `RedisCallLimiter`)
 * and logger. Until then, and in the CLI, an in-memory limiter with the configured allowance counts.
 */
export function installLlmSafety(opts: { limiter?: CallLimiter; log?: Logger }): void {
  installed = opts.limiter;
  log = opts.log;
}

/** The guard for models built from `config`: shared breaker for its endpoint, shared limiter. */
export function sharedLlmGuard(config: LlmSafetyConfig): LlmGuard {
  const key = `${config.LLM_PROVIDER ?? ''}|${config.LLM_BASE_URL ?? ''}|${config.LLM_MODEL ?? ''}`;
  let breaker = breakers.get(key);
  if (!breaker) {
    breaker = new CircuitBreaker({ failures: config.LLM_BREAKER_FAILURES, cooldownMs: config.LLM_BREAKER_COOLDOWN_MS });
    breakers.set(key, breaker);
  }
  const limiter = (): CallLimiter => {
    if (installed) return installed;
    if (fallback?.limit !== config.LLM_CALLS_PER_HOUR) {
      fallback = { limit: config.LLM_CALLS_PER_HOUR, limiter: new MemoryCallLimiter({ limit: config.LLM_CALLS_PER_HOUR }) };
    }
    return fallback.limiter;
  };
  return new LlmGuard({ timeoutMs: config.LLM_TIMEOUT_MS, breaker, limiter, ...(log ? { log } : {}) });
}
