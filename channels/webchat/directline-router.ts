import express, { type Request, type Router } from 'express';
import type { Logger } from 'pino';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import type { Config } from '../../bot/config';
import { secondsToWait } from '../../bot/rate-limit-wait';
import { PostedActivitySchema } from './activity-schema';
import { assertMayUse, authenticate, type Principal } from './auth';
import { isConversationId, isWatermark, newConversationId, type ConversationMeta, type ConversationStore } from './conversation-store';
import { directLineCors } from './cors';
import { directLineErrorHandler, DirectLineHttpError } from './http-error';
import type { InboundPipeline } from './inbound';
import type { TokenService } from './tokens';
import type { MediaStore } from '../../bot/media-store';
import { UnsupportedMediaError } from '../../bot/errors';
import { parseUpload } from './uploads';
import { webchatMediaAccess, webchatMediaOwner } from './media-access';

/** Direct Line rejects activities over 256 KB; so do we. */
export const MAX_BODY = '256kb';
/** Most activities one GET returns; directlinejs polls again at once with the new watermark. */
const PAGE_SIZE = 200;

export interface DirectLineRouterDeps {
  config: Config;
  store: ConversationStore;
  tokens: TokenService;
  /** Tokens an anonymous page may ask for, per IP address (shared by every web process through Redis). */
  limiter: RateLimiterAbstract;
  inbound: InboundPipeline;
  media: MediaStore;
  log: Logger;
  /** Base URL clients reach us at, without a trailing slash (http(s)://host[:port]). */
  publicUrl: string;
}

const StartBody = z
  .object({ user: z.object({ id: z.string().min(1).max(256).optional() }).optional(), locale: z.string().max(35).optional() })
  .optional();

/**
 * The Direct Line 3.0 REST API (the subset botframework-directlinejs and Web Chat use), plus `GET /media/:name`.
 * Mount at `/`. Errors always answer `{ error: { code, message } }` JSON.
 */
export function createDirectLineRouter(deps: DirectLineRouterDeps): Router {
  const { config, store, tokens, limiter, inbound, media, log } = deps;
  const streamBase = deps.publicUrl.replace(/^http/, 'ws');
  const json = express.json({ limit: MAX_BODY });
  const router = express.Router();

  const streamUrlOf = (conversationId: string, token: string, watermark?: string): string =>
    `${streamBase}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(token)}` +
    (watermark ? `&watermark=${encodeURIComponent(watermark)}` : '');

  const principalOf = (req: Request): Promise<Principal> => authenticate(tokens, req.headers.authorization);

  /** The conversation named in the path, after checking the caller may use it and it exists. */
  const conversationFor = async (req: Request): Promise<{ principal: Principal; meta: ConversationMeta }> => {
    const principal = await principalOf(req);
    const id = String(req.params.id ?? '');
    if (!isConversationId(id)) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    assertMayUse(principal, id);
    const meta = await store.known(id);
    if (!meta) throw new DirectLineHttpError(404, 'NotFound', 'conversation not found');
    return { principal, meta };
  };

  const watermarkOf = (req: Request): string | undefined => {
    const w = req.query.watermark;
    if (w === undefined || w === '') return undefined;
    if (typeof w !== 'string' || !isWatermark(w)) throw new DirectLineHttpError(400, 'BadArgument', 'invalid watermark');
    return w;
  };

  /** A token for the caller: the one it presented stays valid, a secret caller gets a fresh one. */
  const tokenFor = async (principal: Principal, meta: ConversationMeta): Promise<{ token: string; expires_in: number }> => {
    if (principal.kind === 'token') {
      return { token: principal.token, expires_in: Math.max(0, principal.expiresAt - Math.floor(Date.now() / 1000)) };
    }
    return tokens.sign(meta.conversationId, meta.userId);
  };

  router.use('/v3/directline', directLineCors(config.WEBCHAT_ORIGINS));

  router.post('/v3/directline/tokens/generate', json, async (req, res) => {
    let userId: string | undefined;
    if (config.DIRECTLINE_SECRET) {
      const principal = await principalOf(req);
      if (principal.kind !== 'secret') throw new DirectLineHttpError(403, 'Forbidden', 'tokens/generate needs the Direct Line secret');
      // Only the secret holder (the council's own backend) may name the user; anonymous pages get a random one.
      userId = StartBody.parse(req.body)?.user?.id;
    } else {
      const wait = await secondsToWait(limiter, req.ip ?? 'unknown');
      if (wait > 0) {
        throw new DirectLineHttpError(429, 'TooManyRequests', 'too many tokens requested, retry later', {
          headers: { 'Retry-After': String(wait) },
        });
      }
    }
    const conversationId = newConversationId();
    const signed = await tokens.sign(conversationId, userId ?? anonymousUserId());
    res.json({ conversationId, ...signed });
  });

  router.post('/v3/directline/tokens/refresh', async (req, res) => {
    const principal = await principalOf(req);
    if (principal.kind !== 'token') throw new DirectLineHttpError(400, 'BadArgument', 'tokens/refresh needs a token, not the secret');
    const signed = await tokens.sign(principal.conversationId, principal.userId);
    res.json({ conversationId: principal.conversationId, ...signed });
  });

  router.post('/v3/directline/conversations', json, async (req, res) => {
    const principal = await principalOf(req);
    const body = StartBody.parse(req.body ?? undefined);
    const conversationId = principal.kind === 'token' ? principal.conversationId : newConversationId();
    const userId = principal.kind === 'token' ? principal.userId : (body?.user?.id ?? anonymousUserId());
    const created = await store.create(conversationId, userId, body?.locale);
    const meta = await store.get(conversationId);
    if (!meta) throw new DirectLineHttpError(404, 'NotFound', 'conversation expired');
    await inbound.greet(meta);
    const { token, expires_in } = await tokenFor(principal, meta);
    res.status(created ? 201 : 200).json({ conversationId, token, expires_in, streamUrl: streamUrlOf(conversationId, token) });
  });

  router.get('/v3/directline/conversations/:id', async (req, res) => {
    const { principal, meta } = await conversationFor(req);
    const watermark = watermarkOf(req);
    const { token, expires_in } = await tokenFor(principal, meta);
    res.json({ conversationId: meta.conversationId, token, expires_in, streamUrl: streamUrlOf(meta.conversationId, token, watermark) });
  });

  router.get('/v3/directline/conversations/:id/activities', async (req, res) => {
    const { meta } = await conversationFor(req);
    const page = await store.read(meta.conversationId, watermarkOf(req), PAGE_SIZE);
    res.json({ activities: page.activities, ...(page.watermark ? { watermark: page.watermark } : {}) });
  });

  router.post('/v3/directline/conversations/:id/activities', json, async (req, res) => {
    const { principal, meta } = await conversationFor(req);
    if (req.body === undefined) throw new DirectLineHttpError(400, 'BadArgument', 'expected a JSON activity (Content-Type: application/json)');
    const posted = PostedActivitySchema.parse(req.body);
    const userId = userIdOf(principal, posted.from?.id);
    res.json(await inbound.accept(meta, userId, posted));
  });

  router.post('/v3/directline/conversations/:id/upload', async (req, res) => {
    const { principal, meta } = await conversationFor(req);
    const upload = await parseUpload(req);
    if (upload.files.length === 0) throw new DirectLineHttpError(400, 'BadArgument', 'no file in the upload');
    const template = upload.activityJson === undefined ? { type: 'message' } : parseJsonPart(upload.activityJson);
    const posted = PostedActivitySchema.parse({ ...(template as object), attachments: [] });
    if (posted.type !== 'message') throw new DirectLineHttpError(400, 'BadArgument', 'an upload must be a message');
    const stored = await media.saveAll(upload.files, { imagesOnly: true, owner: webchatMediaOwner(meta.conversationId) }).catch((err: unknown) => {
      throw err instanceof UnsupportedMediaError ? new DirectLineHttpError(415, 'UnsupportedMediaType', err.message) : err;
    });
    // Keep the names the client gave its attachments (deduped by directlinejs), in order, and their thumbnails
    // (Web Chat's, for the echo: see InboundPipeline).
    const named = stored.map((m, i) => {
      const thumbnailUrl = templateField(template, i, 'thumbnailUrl');
      return { ...m, name: templateField(template, i, 'name') ?? m.name, ...(thumbnailUrl !== undefined ? { thumbnailUrl } : {}) };
    });
    const query = typeof req.query.userId === 'string' ? req.query.userId : undefined;
    const userId = userIdOf(principal, posted.from?.id ?? query);
    res.json(await inbound.accept(meta, userId, { ...posted, attachments: named }));
  });

  // `use`, not `get('/media/:name')`: the handler decodes the path itself, so a bad escape is a 400 (issue 12).
  router.use('/media', media.handler(webchatMediaAccess(tokens)));
  router.use(directLineErrorHandler(log));
  return router;
}

/** A token's user always wins; only a secret caller (a trusted backend) names the user per activity. */
function userIdOf(principal: Principal, claimed: string | undefined): string {
  if (principal.kind === 'token') return principal.userId;
  if (!claimed) throw new DirectLineHttpError(400, 'BadArgument', 'from.id is required when posting with the secret');
  return claimed;
}

/** `dl_` marks ids the server chose (Direct Line reserves the prefix for ids embedded in tokens). */
function anonymousUserId(): string {
  return `dl_${newConversationId()}`;
}

function parseJsonPart(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new DirectLineHttpError(400, 'BadArgument', 'the activity part is not valid JSON', { cause: err });
  }
}

/** A text field of the upload template's i-th attachment (the template's attachments carry no file). */
function templateField(template: unknown, i: number, field: 'name' | 'thumbnailUrl'): string | undefined {
  const list = (template as { attachments?: unknown }).attachments;
  if (!Array.isArray(list)) return undefined;
  const value = (list[i] as Record<string, unknown> | null | undefined)?.[field];
  return typeof value === 'string' ? value : undefined;
}
