/** Delays between reconnection attempts. */
export interface BackoffOptions {
  /** First delay. @defaultValue 1 000 ms */
  baseMs?: number;
  /** Longest delay. @defaultValue 60 000 ms */
  maxMs?: number;
}

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * min(max, base·2ⁿ). The jitter spreads reconnects of many bots after a WhatsApp outage; keeping half
 * fixed avoids the near-zero waits of full jitter that would hammer a server that just failed.
 *
 * @example reconnectDelay(0) → 500–1 000 ms; reconnectDelay(10) → 30–60 s
 */
export function reconnectDelay(attempt: number, { baseMs = 1_000, maxMs = 60_000 }: BackoffOptions = {}, random: () => number = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 30));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
