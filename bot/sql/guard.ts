import { AppError } from '../errors';

/** Builds the error a store raises for a failed database call (keeping the driver error as `cause`). */
export type GuardError = new (message: string, options?: ErrorOptions) => AppError;

/**
 * One place that turns driver failures into the store's AppError (retryable), so callers branch on
 * `code`, never on a driver's message; AppErrors thrown on purpose pass through unchanged.
 *
 * @example
 * private readonly guard = sqlGuard('history store', DependencyUnavailableError);
 * await this.guard('read the transcript', () => db.selectFrom('messages')…);
 */
export function sqlGuard(store: string, wrap: GuardError) {
  return async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new wrap(`${store} could not ${what}`, { cause: err });
    }
  };
}
