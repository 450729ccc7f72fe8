import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { AppError } from '../../bot/errors';
import type { WebhookHandler } from './webhook-handler';
import { webhookPayloadSchema } from './webhook-payload';
import { sameSecret } from '../../bot/same-secret';
import { isValidSignature } from './webhook-signature';
import { markWebhookRefused } from '../../bot/http-metrics';

export interface WebhookRouterOptions {
  appSecret: string;
  verifyToken: string;
  handler: WebhookHandler;
  log: Logger;
}

/** Where Meta calls us; the URL a city enters in the app dashboard is `<PUBLIC_URL>/whatsapp/webhook`. */
export const WEBHOOK_PATH = '/whatsapp/webhook';

/**
 * The webhook endpoints:
 * - `GET` answers Meta's subscription check: echoes `hub.challenge` when `hub.verify_token` is ours.
 * - `POST` checks `X-Hub-Signature-256` over the raw bytes (401 without one, 403 when wrong, before
 *   anything else happens), parses (400 when malformed), makes the content durable, and answers 200.
 *   Downloads of photos and voice notes happen after the answer (InboundMailbox). A failure answers 5xx, so Meta
 *   delivers the webhook again; what was already done is not done twice.
 */
export function createWebhookRouter(opts: WebhookRouterOptions): Router {
  const router = Router();
  router.get(WEBHOOK_PATH, (req, res) => {
    const q = req.query as Record<string, unknown>;
    const token = typeof q['hub.verify_token'] === 'string' ? q['hub.verify_token'] : '';
    const challenge = typeof q['hub.challenge'] === 'string' ? q['hub.challenge'] : '';
    if (q['hub.mode'] === 'subscribe' && challenge !== '' && sameSecret(token, opts.verifyToken)) {
      res.type('text/plain').send(challenge);
      return;
    }
    res.status(403).json({ error: { code: 'Forbidden', message: 'verification token mismatch' } });
  });
  // Raw bytes for this route only: the signature covers exactly what Meta sent.
  router.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: '3mb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = req.get('x-hub-signature-256');
    if (!signature) {
      markWebhookRefused(res, { source: 'whatsapp_cloud', reason: 'missing_signature' });
      return void res.status(401).json({ error: { code: 'Unauthorized', message: 'missing X-Hub-Signature-256' } });
    }
    if (!isValidSignature(signature, raw, opts.appSecret)) {
      opts.log.warn({ ip: req.ip }, 'whatsapp webhook with a wrong signature rejected');
      markWebhookRefused(res, { source: 'whatsapp_cloud', reason: 'bad_signature' });
      return void res.status(403).json({ error: { code: 'Forbidden', message: 'invalid signature' } });
    }
    const payload = parse(raw);
    if (!payload) return void res.status(400).json({ error: { code: 'BadArgument', message: 'malformed webhook payload' } });
    await opts.handler.handle(payload);
    res.status(200).type('text/plain').send('EVENT_RECEIVED');
  });
  router.use(WEBHOOK_PATH, (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ZodError) return void res.status(400).json({ error: { code: 'BadArgument', message: 'malformed webhook payload' } });
    const status = (err as { status?: number }).status;
    if (status !== undefined && status >= 400 && status < 500) return next(err);
    // 5xx makes Meta deliver the webhook again, which is what we want when Redis or the database hiccups.
    opts.log.error({ err }, 'whatsapp webhook failed; Meta will deliver it again');
    res.status(err instanceof AppError && err.retryable ? 503 : 500).json({ error: { code: 'ServiceError', message: 'try again later' } });
  });
  return router;
}

function parse(raw: Buffer) {
  try {
    const r = webhookPayloadSchema.safeParse(JSON.parse(raw.toString('utf8')));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}
