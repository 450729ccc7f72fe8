/** What a {@link CircuitBreaker} needs. */
export interface CircuitBreakerOptions {
  /** Consecutive failures that open the breaker. @defaultValue 5 */
  failures?: number;
  /** How long it stays open before one trial call is let through. @defaultValue 30_000 */
  cooldownMs?: number;
  /** Injected clock (ms since epoch). @defaultValue Date.now */
  now?: () => number;
}

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Keeps a failing model provider from being hammered (OWASP LLM10, unbounded consumption; and
 * plain politeness towards a provider that answers 429).
 *
 * Closed: every call goes through; `failures` transport failures in a row open it. Open: calls are
 * refused until the cool-down (or a 429's Retry-After, when longer) has passed. Half-open: exactly
 * one trial call goes through; its success closes the breaker, its failure opens it again for a
 * cool-down twice as long (capped at 16×), so a provider that stays down is asked less and less.
 *
 * In-process on purpose: each worker learns of a failing provider from its own calls, which costs
 * at most `failures` calls per process, and needs no shared state on the hot path.
 */
export class CircuitBreaker {
  readonly #failures: number;
  readonly #cooldownMs: number;
  readonly #now: () => number;
  #consecutive = 0;
  #openUntil = 0;
  #state: BreakerState = 'closed';
  #trialInFlight = false;
  #backoff = 1;

  constructor(opts: CircuitBreakerOptions = {}) {
    this.#failures = opts.failures ?? 5;
    this.#cooldownMs = opts.cooldownMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#now() >= this.#openUntil) return 'half-open';
    return this.#state;
  }

  /** Whether a call may go out now; in half-open state only the first caller gets `true`. */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.#trialInFlight) return false;
    this.#state = 'half-open';
    this.#trialInFlight = true;
    return true;
  }

  /** The call went through and the provider answered. */
  success(): void {
    this.#consecutive = 0;
    this.#state = 'closed';
    this.#trialInFlight = false;
    this.#backoff = 1;
  }

  /**
   * The provider failed (timeout, 429, 5xx, refused connection).
   * @param retryAfterMs what a 429 or 503 asked for; the breaker opens at once for at least that long.
   */
  failure(retryAfterMs?: number): void {
    this.#consecutive++;
    const trialFailed = this.#trialInFlight;
    this.#trialInFlight = false;
    if (trialFailed) this.#backoff = Math.min(this.#backoff * 2, 16);
    if (!trialFailed && retryAfterMs === undefined && this.#consecutive < this.#failures) return;
    const wait = Math.max(this.#cooldownMs * this.#backoff, retryAfterMs ?? 0);
    this.#state = 'open';
    this.#openUntil = this.#now() + wait;
  }

  /** The trial call ended without telling anything about the provider (e.g. refused before sending). */
  release(): void {
    this.#trialInFlight = false;
  }
}
