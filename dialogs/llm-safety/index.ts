/**
 * LLM safety (issue 13 part 9, OWASP LLM Top 10): what stands between a citizen's words, a model
 * and the citizen again. Every LLM path builds its model with `createChatModel` (which guards it)
 * or calls {@link invokeModel}; what the model says is checked by code before use.
 */
export { redactForModel, redactWithReport, PLACEHOLDER, type RedactionKind, type RedactionReport } from './redact';
export { LlmGuard, invokeModel, isGuarded, redactInput, retryAfterMs, type LlmGuardOptions, type GuardedCallOptions } from './llm-guard';
export { CircuitBreaker, type BreakerState, type CircuitBreakerOptions } from './circuit-breaker';
export { MemoryCallLimiter, RedisCallLimiter, type CallLimiter, type CallLimiterOptions } from './call-limiter';
export { withCitizen, currentCitizen } from './citizen-scope';
export { installLlmSafety, sharedLlmGuard, type LlmSafetyConfig } from './shared-guard';
export { groundedAnswerCheck, sharesRun, type GroundedAnswer, type GroundedCheck, type GroundedCheckOptions, type GroundingPassage } from './grounded-check';
