import type { RequestHandler } from 'express';

const ALLOWED_HEADERS = 'Authorization, Content-Type, x-ms-bot-agent, x-requested-with';

/**
 * CORS for the Direct Line endpoints. `origins` is WEBCHAT_ORIGINS; `*` allows any page.
 * Authorization is allowed because directlinejs sends the token as a Bearer header; no cookies are
 * involved, so credentials are never allowed. A preflight from a page not listed is refused with 403.
 */
export function directLineCors(origins: readonly string[]): RequestHandler {
  const any = origins.includes('*');
  const listed = new Set(origins);
  return (req, res, next) => {
    const origin = req.headers.origin;
    const allowed = origin !== undefined && (any || listed.has(origin));
    if (allowed) {
      res.set('Access-Control-Allow-Origin', any ? '*' : origin);
      res.set('Access-Control-Expose-Headers', 'Retry-After');
    }
    if (!any) res.vary('Origin');
    if (req.method !== 'OPTIONS') {
      next();
      return;
    }
    if (!allowed) {
      res.status(403).json({ error: { code: 'Forbidden', message: 'origin not allowed' } });
      return;
    }
    res
      .set('Access-Control-Allow-Methods', 'GET, POST, OPTIONS')
      .set('Access-Control-Allow-Headers', ALLOWED_HEADERS)
      .set('Access-Control-Max-Age', '600')
      .status(204)
      .end();
  };
}
