import { AsyncLocalStorage } from 'node:async_hooks';

const scope = new AsyncLocalStorage<string>();

/**
 * Runs `fn` on behalf of one citizen: every model call made inside it, however deep (classifier,
 * extraction, knowledge answer), counts against that citizen's hourly allowance.
 *
 * The Classifier and extractor interfaces take no citizen id, and should not: who is asking is a
 * concern of the turn, not of understanding text. The engine sets it once per turn.
 *
 * @example await withCitizen('webchat:u-42', () => bot.run(ctx));
 */
export function withCitizen<T>(citizenId: string, fn: () => T): T {
  return scope.run(citizenId, fn);
}

/** The citizen of the current turn, when one is set. */
export function currentCitizen(): string | undefined {
  return scope.getStore();
}
