import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AppError } from '../../bot/errors';
import { markWebhookRefused } from '../../bot/http-metrics';
import { sameSecret } from '../../bot/same-secret';

export interface WebhookRouterOptions {
  /** Path of TELEGRAM_WEBHOOK_URL, e.g. `/telegram/webhook`. */
  path: string;
  secret: string;
  /** Stores one update; throws a retryable error when it could not (see TelegramReceiver.handleOnce). */
  handle: (update: unknown) => Promise<void>;
  log: Logger;
}

const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
const fail = (res: Response, status: number, code: string, message: string): void => void res.status(status).json({ error: { code, message } });

/**
 * `POST <path>`: Telegram's webhook. The secret header is checked (in constant time) before the body
 * is even read, so a caller without it causes no work and no side effect. An update is answered 200
 * once stored (a Redis write, and a download for a photo); 503 asks Telegram to deliver it again.
 * An update no retry will fix is logged and answered 200, or Telegram would resend it for a day.
 */
export function createWebhookRouter(o: WebhookRouterOptions): Router {
  const router = express.Router();
  router.post(
    o.path,
    (req, res, next) => {
      const received = req.get(SECRET_HEADER);
      if (received === undefined || !sameSecret(received, o.secret)) {
        markWebhookRefused(res, { source: 'telegram', reason: received === undefined ? 'missing_secret' : 'bad_secret' });
        return received === undefined ? fail(res, 401, 'Unauthorized', 'missing secret token') : fail(res, 403, 'Forbidden', 'wrong secret token');
      }
      next();
    },
    express.json({ limit: '1mb' }),
    async (req, res) => {
      try {
        await o.handle(req.body);
        res.json({ ok: true });
      } catch (err) {
        if (err instanceof ZodError) return fail(res, 400, 'BadArgument', 'not a Telegram update');
        if (err instanceof AppError && !err.retryable) {
          o.log.error({ err }, 'telegram update dropped: it cannot be stored');
          return void res.json({ ok: true });
        }
        o.log.warn({ err }, 'telegram update not stored: Telegram will deliver it again');
        fail(res, 503, 'ServiceUnavailable', 'try again');
      }
    },
  );
  // Malformed JSON (body-parser's 400) and any other error of this route, as JSON.
  router.use(o.path, (err: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? 500;
    if (status >= 500) o.log.error({ err }, 'telegram webhook failed');
    fail(res, status, status >= 500 ? 'ServiceError' : 'BadArgument', status >= 500 ? 'internal error' : 'malformed request');
  });
  return router;
}
