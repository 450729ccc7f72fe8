import express, { Router, type NextFunction, type Request, type Response } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../../bot/errors';
import { httpStatusOf } from '../../bot/http-status';
import { markWebhookRefused } from '../../bot/http-metrics';
import { TICKET_STATES, type TicketState } from '../connector';
import { REPLAY_WINDOW_SECONDS, verify, type SignatureFailure } from './webhook-signature';

/** Where a city POSTs status updates: `<PUBLIC_URL>/connectors/webhook/status`. */
export const STATUS_PATH = '/connectors/webhook/status';

/** One status change a city pushed, validated. At least one of `id` and `reference` is present. */
export interface WebhookStatusUpdate {
  /** The city's id (what `WebhookClient.submit` got back). */
  id?: string;
  /** Our citizen-facing reference (ALU-2026-000123). */
  reference?: string;
  status: TicketState;
  note?: string;
  /** ISO-8601 with an offset or `Z`. */
  updatedAt?: string;
}

export interface WebhookStatusRouterOptions {
  /** WEBHOOK_SECRET, the same one the client signs with. */
  secret: string;
  /** Remembers accepted signatures, so a replay inside the window is refused. */
  redis: Redis;
  /** Key prefix for those markers, e.g. `citybot:webhook-seen`. */
  prefix: string;
  log: Logger;
  /**
   * Applies one accepted update; called once per accepted request. Throw a retryable AppError when it
   * could not be applied now: the city gets 503 and its retry of the same request is accepted.
   */
  onStatus(update: WebhookStatusUpdate): Promise<void>;
}

const updateSchema = z
  .object({
    event: z.literal('ticket.status'),
    id: z.string().trim().min(1).max(200).optional(),
    reference: z.string().trim().min(1).max(64).optional(),
    status: z.enum(TICKET_STATES),
    note: z.string().max(4_000).optional(),
    updatedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((u) => u.id !== undefined || u.reference !== undefined, { message: 'id or reference is required' });

// A timestamp may be up to the window ahead of our clock and accepted until the window behind it, so a
// signature stays valid for twice the window: the marker must outlive that.
const MARKER_TTL_SECONDS = 2 * REPLAY_WINDOW_SECONDS;

const REFUSALS: Record<SignatureFailure, string> = {
  missing_headers: 'X-Timestamp and X-Signature are required',
  malformed_timestamp: 'X-Timestamp must be unix seconds',
  stale_timestamp: `X-Timestamp is more than ${REPLAY_WINDOW_SECONDS} s away from our clock`,
  bad_signature: 'X-Signature does not match the body',
};

const fail = (res: Response, status: number, code: string, message: string): void => void res.status(status).json({ error: { code, message } });

/**
 * `POST /connectors/webhook/status`: a city's status updates (the protocol is in webhook-client.ts).
 * Checks run in an order that leaves nothing behind on a refusal: signature and timestamp (401), then
 * the body (400), then the replay marker (`SET NX EX`, 409), then `onStatus`. The marker is dropped
 * again whenever `onStatus` fails, so "marker present" always means "update applied".
 * Answers 204 when applied, 503 (retryable error) or 500 so the city retries, 422 for a non-retryable
 * AppError (an update no retry will fix, e.g. an unknown ticket). Bodies over 64 kb get 413.
 */
export function createWebhookStatusRouter(o: WebhookStatusRouterOptions): Router {
  const router = Router();
  // Raw bytes: the signature covers exactly what the city sent.
  router.post(STATUS_PATH, express.raw({ type: () => true, limit: '64kb' }), async (req, res) => {
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const checked = verify(o.secret, req.headers, raw, Date.now());
    if (!checked.ok) {
      o.log.warn({ ip: req.ip, reason: checked.reason }, 'webhook status update refused: signature');
      markWebhookRefused(res, { source: 'backoffice', reason: checked.reason });
      return fail(res, 401, 'Unauthorized', REFUSALS[checked.reason]);
    }
    const update = parse(raw);
    if (typeof update === 'string') return fail(res, 400, 'BadArgument', update);
    const marker = `${o.prefix}:${checked.digest}`;
    if ((await o.redis.set(marker, '1', 'EX', MARKER_TTL_SECONDS, 'NX')) !== 'OK') {
      o.log.warn({ ip: req.ip }, 'webhook status update refused: replay');
      return fail(res, 409, 'Conflict', 'this request was already accepted');
    }
    await apply(o, update, marker, res);
  });
  // Body-parser refusals (413 too large, 400 bad encoding) and anything else thrown here, as JSON.
  router.use(STATUS_PATH, (err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const status = httpStatusOf(err);
    if (status >= 500) o.log.error({ err }, 'webhook status receiver failed');
    if (status === 413) return fail(res, 413, 'PayloadTooLarge', 'body over 64 kb');
    fail(res, status, status >= 500 ? 'ServiceError' : 'BadArgument', status >= 500 ? 'try again later' : 'malformed request');
  });
  return router;
}

async function apply(o: WebhookStatusRouterOptions, update: WebhookStatusUpdate, marker: string, res: Response): Promise<void> {
  try {
    await o.onStatus(update);
  } catch (err) {
    await o.redis.del(marker); // not applied: the city's retry of this very request must get through
    // An AppError is a known outcome: the city's update names no ticket of ours (422) or a dependency is down
    // (503, it retries). Only something unexpected is ours to fix, at error level.
    o.log[err instanceof AppError ? 'warn' : 'error']({ err, id: update.id, reference: update.reference }, 'webhook status update not applied');
    // The city's protocol has two answers for a failed update: 422 (the registry's status is a 4xx: no retry
    // will fix it) and 503 (a retryable error: try again); anything else is ours, a 500.
    if (err instanceof AppError && !err.retryable && httpStatusOf(err) < 500) return fail(res, 422, err.code, err.message);
    return fail(res, err instanceof AppError && err.retryable ? 503 : 500, 'ServiceUnavailable', 'try again later');
  }
  o.log.info({ id: update.id, reference: update.reference, status: update.status }, 'webhook status update applied');
  res.status(204).end();
}

/** The validated update, or why it is not one (a message for the city). */
function parse(raw: Buffer): WebhookStatusUpdate | string {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  const r = updateSchema.safeParse(json);
  if (!r.success) return `invalid status update: ${r.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ')}`;
  const { event: _event, ...update } = r.data;
  return update;
}
