import express, { type NextFunction, type Request, type RequestHandler, type Response, type Router } from 'express';
import { NotFoundError } from '../bot/errors';
import type { Logger } from '../bot/logger';
import { SHARED_MEDIA_TTL_S, type MediaStore } from '../bot/media-store';
import type { HandoffService } from '../handoff/handoff-service';
import { parseAgentUpload } from './agent-upload';
import { agentOf } from './auth';
import { maySee } from './console-api';
import { sendConsoleError } from './console-error';

export interface FileRoutesDeps {
  service: Pick<HandoffService, 'require' | 'replyWithFile'>;
  media: Pick<MediaStore, 'save' | 'signedUrl'>;
  requireAgent: RequestHandler;
  log: Logger;
}

const FILES_PATH = /^\/handoffs\/[^/]+\/files$/;

/**
 * `POST /console/api/handoffs/:id/files` (issue 15 part 1): the agent who holds a conversation sends the
 * citizen a file or photo (multipart: `file`, optional `text`), on the citizen's own channel. Who may not
 * see the conversation gets 404; who may see it but does not hold it, 409 E_NOT_HOLDER, before anything is
 * read or stored. The file is checked by its bytes (MediaStore: images, voice notes and PDF), at most 5 MB.
 */
export function createFileRoutes(deps: FileRoutesDeps): Router {
  const router = express.Router();
  const api = express.Router();
  router.use('/console/api', (req, _res, next) => next(FILES_PATH.test(req.path) ? undefined : 'router'), deps.requireAgent, api);

  api.post('/handoffs/:id/files', async (req, res) => {
    const id = String(req.params.id);
    const h = await deps.service.require(id);
    if (!maySee(agentOf(res), h)) throw new NotFoundError('Esa conversación no existe.');
    const message = await deps.service.replyWithFile(agentOf(res), id, async () => {
      const { file, caption } = await parseAgentUpload(req);
      const stored = await deps.media.save(file, { documents: true });
      // The web chat widget shows it in an <img>, which cannot send the conversation's token: a signed
      // link, like the citizen's own photos. Telegram and WhatsApp sign what they send themselves.
      const contentUrl = h.channel === 'webchat' ? deps.media.signedUrl(stored.contentUrl, SHARED_MEDIA_TTL_S) : stored.contentUrl;
      return { file: { ...stored, contentUrl }, caption };
    });
    res.status(201).json(message);
  });

  api.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    // A refusal before the body was read (not the holder): drain it, so the browser reads the answer.
    req.resume();
    sendConsoleError(res, err, deps.log);
  });
  return router;
}
