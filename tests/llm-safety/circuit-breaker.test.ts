import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../dialogs/llm-safety/index';

function breaker(failures = 3, cooldownMs = 1_000) {
  let now = 0;
  const b = new CircuitBreaker({ failures, cooldownMs, now: () => now });
  return { b, advance: (ms: number) => void (now += ms) };
}

describe('CircuitBreaker', () => {
  it('stays closed below the failure count and resets on a success', () => {
    const { b } = breaker(3);
    b.failure();
    b.failure();
    b.success();
    b.failure();
    b.failure();
    expect(b.state).toBe('closed');
    expect(b.tryAcquire()).toBe(true);
  });

  it('opens after N consecutive failures and lets exactly one trial through after the cool-down', () => {
    const { b, advance } = breaker(2, 1_000);
    b.failure();
    b.failure();
    expect(b.tryAcquire()).toBe(false);
    advance(1_000);
    expect(b.state).toBe('half-open');
    expect(b.tryAcquire()).toBe(true);
    expect(b.tryAcquire()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
  });

  it('doubles the cool-down after each failed trial, up to 16 times', () => {
    const { b, advance } = breaker(1, 1_000);
    b.failure();
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      let waited = 0;
      while (!b.tryAcquire()) {
        advance(500);
        waited += 500;
      }
      waits.push(waited);
      b.failure();
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 16_000]);
  });

  it('opens at once for a Retry-After, for at least that long', () => {
    const { b, advance } = breaker(5, 1_000);
    b.failure(30_000);
    expect(b.state).toBe('open');
    advance(29_999);
    expect(b.tryAcquire()).toBe(false);
    advance(1);
    expect(b.tryAcquire()).toBe(true);
  });
});
