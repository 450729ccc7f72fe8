import { z } from 'zod';
import { AppError } from './errors';

/**
 * The HTTP status of an answer to a request that failed with `err`: the one error-to-status mapping of
 * every router (console, web chat, webhooks, the app's last handler). Each router keeps its own body
 * (Direct Line codes for the web chat, `E_*` codes for the console) but takes its status from here.
 *
 * - an AppError: its class's `httpStatus` (the table in docs/errors.md);
 * - a ZodError (a route parsed a body and it did not fit): 400;
 * - a URIError: express 5 failed to decode a `%` escape in a path parameter, the client's mistake: 400;
 * - body-parser's and express's own errors (http-errors: `status` 4xx or 5xx): their status;
 * - anything else: 500.
 *
 * @example
 * res.status(httpStatusOf(err)).json({ error: { code: asAppError(err).code, message } });
 */
export function httpStatusOf(err: unknown): number {
  if (err instanceof AppError) return err.httpStatus;
  if (err instanceof z.ZodError || err instanceof URIError) return 400;
  const status = (err as { status?: unknown } | undefined)?.status;
  return typeof status === 'number' && Number.isInteger(status) && status >= 400 && status < 600 ? status : 500;
}
