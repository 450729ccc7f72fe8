import type { RequestHandler } from 'express';

/**
 * The origin of this server's WebSockets as browsers reach it: `wss://host` for an https public URL,
 * `ws://host` otherwise. A Content-Security-Policy names it in `connect-src` beside 'self'.
 *
 * @example
 * webSocketOrigin('https://bot.vilanova.cat/'); // "wss://bot.vilanova.cat"
 */
export function webSocketOrigin(publicUrl: string): string {
  const url = new URL(publicUrl);
  return `${url.protocol === 'https:' ? 'wss:' : 'ws:'}//${url.host}`;
}

/**
 * A page's policy: scripts only from our origin (no inline script), inline styles (the pages ship
 * their stylesheet), images from our origin and public URL (and `data:`/`blob:` where given: a
 * favicon, a photo's local preview), requests and WebSockets only to our origin, never inside a
 * frame, no plugins, no `<base>` that would move relative URLs. No host or scheme wildcard.
 */
export function pagePolicy(opts: { publicUrl?: string; imageSchemes?: readonly string[] } = {}): string {
  const sockets = opts.publicUrl ? ` ${webSocketOrigin(opts.publicUrl)}` : '';
  // Our media links are absolute, built from the public URL, which may name this server otherwise than the page's address does.
  const ours = opts.publicUrl && new URL(opts.publicUrl).origin;
  const images = [...(ours ? [ours] : []), ...(opts.imageSchemes ?? [])].map((s) => ` ${s}`).join('');
  return (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
    `img-src 'self'${images}; connect-src 'self'${sockets}; ` +
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
  );
}

/** The headers of every HTML page of ours: its policy, no framing (old browsers too), no sniffing. */
export function pageHeaders(policy: string): Record<string, string> {
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': policy,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'same-origin',
  };
}

const CONSOLE_API = '/console/api';

/**
 * First middleware of the HTTP app. Every answer gets `X-Content-Type-Options: nosniff` (a JSON body
 * echoing a citizen's text must never be read as HTML or script). Every console API answer gets
 * `Cache-Control: no-store`: they carry citizens' names, phones, addresses and transcripts, which
 * no browser cache or proxy may keep once the agent logs out.
 */
export const securityHeaders: RequestHandler = (req, res, next) => {
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const path = req.path.toLowerCase(); // express matches routes case-insensitively: so must this
  if (path === CONSOLE_API || path.startsWith(`${CONSOLE_API}/`)) res.setHeader('Cache-Control', 'no-store');
  next();
};
