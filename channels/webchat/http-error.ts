import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, BadInputError, RateLimitedError, UnknownConversationError } from '../../bot/errors';
import { httpStatusOf } from '../../bot/http-status';

/** Direct Line error codes, as the real service spells them in `{ error: { code, message } }`. */
export type DirectLineErrorCode =
  | 'BadArgument'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'MessageSizeTooBig'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'ServiceError';

/**
 * A refusal of one HTTP request, with its status and Direct Line code.
 * Not an AppError: it describes an answer to a client, not a failure of the bot, and never leaves this folder.
 */
export class DirectLineHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: DirectLineErrorCode,
    message: string,
    options?: ErrorOptions & { headers?: Record<string, string> },
  ) {
    super(message, options);
    this.name = 'DirectLineHttpError';
    this.headers = options?.headers ?? {};
  }
  readonly headers: Record<string, string>;
}

interface Mapped { status: number; code: DirectLineErrorCode; message: string; headers: Record<string, string> }

/** The Direct Line code of a status (the status itself comes from bot/http-status.ts, as for every router). */
function directLineCode(status: number): DirectLineErrorCode {
  if (status >= 500) return 'ServiceError';
  const named: Partial<Record<number, DirectLineErrorCode>> = {
    401: 'Unauthorized', 403: 'Forbidden', 404: 'NotFound', 413: 'MessageSizeTooBig', 415: 'UnsupportedMediaType', 429: 'TooManyRequests',
  };
  return named[status] ?? 'BadArgument';
}

/** Turns any error thrown by a route into the Direct Line shape; never exposes a stack or internal message. */
export function toDirectLineError(err: unknown): Mapped {
  if (err instanceof DirectLineHttpError) return { status: err.status, code: err.code, message: err.message, headers: err.headers };
  const status = httpStatusOf(err);
  const mapped = (message: string, headers: Record<string, string> = {}): Mapped => ({ status, code: directLineCode(status), message, headers });
  if (err instanceof z.ZodError) return mapped(`invalid activity: ${z.prettifyError(err).slice(0, 500)}`);
  if (err instanceof BadInputError) return mapped(err.message);
  // express 5 decodes path parameters with decodeURIComponent: `%c0` or a lone `%` is the client's mistake.
  if (err instanceof URIError) return mapped('malformed percent-escape in the path');
  if (err instanceof UnknownConversationError) return mapped('conversation not found');
  if (err instanceof RateLimitedError) return mapped('too many requests', { 'Retry-After': String(err.retryAfterSeconds) });
  if (err instanceof AppError && err.retryable) return mapped('temporarily unavailable, retry later', { 'Retry-After': '5' });
  if (status >= 500) return mapped('internal error');
  // body-parser (express.json) and send (res.sendFile) errors carry a `type`; branch on that, not on text.
  const type = (err as { type?: unknown } | undefined)?.type;
  if (type === 'entity.too.large') return mapped('request body too large');
  if (type === 'entity.parse.failed') return mapped('malformed JSON body');
  if (type === 'encoding.unsupported' || type === 'charset.unsupported') return mapped('unsupported body encoding');
  return mapped(status === 404 ? 'not found' : 'bad request');
}

/** The router's last middleware: every error becomes `{ error: { code, message } }` JSON. */
export function directLineErrorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const mapped = toDirectLineError(err);
    if (mapped.status >= 500) log.error({ err, method: req.method, path: req.path }, 'webchat request failed');
    else log.debug({ err, status: mapped.status, method: req.method, path: req.path }, 'webchat request refused');
    res.status(mapped.status).set(mapped.headers).json({ error: { code: mapped.code, message: mapped.message } });
  };
}
