import type { ErrorRequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, BadInputError, UnknownConversationError } from '../../bot/errors';

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

/** Turns any error thrown by a route into the Direct Line shape; never exposes a stack or internal message. */
export function toDirectLineError(err: unknown): Mapped {
  if (err instanceof DirectLineHttpError) return { status: err.status, code: err.code, message: err.message, headers: err.headers };
  if (err instanceof z.ZodError) {
    return { status: 400, code: 'BadArgument', message: `invalid activity: ${z.prettifyError(err).slice(0, 500)}`, headers: {} };
  }
  if (err instanceof BadInputError) return { status: 400, code: 'BadArgument', message: err.message, headers: {} };
  // express 5 decodes path parameters with decodeURIComponent: `%c0` or a lone `%` is the client's mistake.
  if (err instanceof URIError) return { status: 400, code: 'BadArgument', message: 'malformed percent-escape in the path', headers: {} };
  if (err instanceof UnknownConversationError) return { status: 404, code: 'NotFound', message: 'conversation not found', headers: {} };
  if (err instanceof AppError && err.retryable) return { status: 503, code: 'ServiceError', message: 'temporarily unavailable, retry later', headers: { 'Retry-After': '5' } };
  // body-parser (express.json) and send (res.sendFile) errors carry a `type` or `status`; branch on those, not on text.
  const e = err as { type?: unknown; status?: unknown; expose?: unknown };
  if (e?.type === 'entity.too.large') return { status: 413, code: 'MessageSizeTooBig', message: 'request body too large', headers: {} };
  if (e?.type === 'entity.parse.failed') return { status: 400, code: 'BadArgument', message: 'malformed JSON body', headers: {} };
  if (e?.type === 'encoding.unsupported' || e?.type === 'charset.unsupported') {
    return { status: 415, code: 'UnsupportedMediaType', message: 'unsupported body encoding', headers: {} };
  }
  if (e?.status === 404) return { status: 404, code: 'NotFound', message: 'not found', headers: {} };
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500 && e.expose === true) {
    return { status: e.status, code: 'BadArgument', message: 'bad request', headers: {} };
  }
  return { status: 500, code: 'ServiceError', message: 'internal error', headers: {} };
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
