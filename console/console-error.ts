import type { Response } from 'express';
import { z } from 'zod';
import { AppError, BadInputError, InternalError, RateLimitedError } from '../bot/errors';
import { httpStatusOf } from '../bot/http-status';
import type { Logger } from '../bot/logger';
import type { ApiError } from './protocol';

/**
 * Answers a failed console request with `{ error: { code, message } }` (protocol.ts's ApiError) and the
 * status of bot/http-status.ts. The one error answer of console/auth.ts and console/console-api.ts.
 * `message` is for logs and API clients; the console shows its own text per `code` (console/ui/i18n.ts).
 * Unexpected errors are logged and answered as E_INTERNAL, never with their message.
 */
export function sendConsoleError(res: Response, err: unknown, log: Logger): void {
  const known = asAppError(err);
  // Of the original: a body-parser refusal keeps its 413 or 415 under the code of bad input.
  const status = httpStatusOf(err);
  if (known instanceof RateLimitedError) res.set('Retry-After', String(known.retryAfterSeconds));
  if (status >= 500) log.error({ err }, 'console request failed');
  const body: ApiError = { error: { code: known.code, message: known.message } };
  res.status(status).json(body);
}

/** The error as one of the registry's: parsing and body-parser refusals are bad input, the unexpected is internal. */
function asAppError(err: unknown): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof z.ZodError) return new BadInputError(err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
  if (err instanceof URIError) return new BadInputError('malformed percent-escape in the path');
  const parser = err as { status?: unknown; type?: unknown; limit?: unknown };
  if (typeof parser.status === 'number' && parser.status >= 400 && parser.status < 500) {
    // express.json's own errors: a body over the route's limit, malformed JSON, an unknown charset.
    const tooLarge = parser.type === 'entity.too.large';
    const limit = typeof parser.limit === 'number' ? ` than ${Math.round(parser.limit / 1024)} kB` : '';
    return new BadInputError(tooLarge ? `the body is larger${limit}` : 'the body is not valid JSON');
  }
  return new InternalError('internal error');
}

