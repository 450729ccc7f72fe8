import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import express, { type Request, type Response, type Router } from 'express';
import { CSS } from './ui/styles';

/** The built console app, kept in memory for the life of the process. */
export interface ConsoleBundle {
  js: Buffer;
  gzip: Buffer;
  /** Strong ETag of the JS; the gzip copy gets its own (`-gz` suffix) as HTTP requires. */
  etag: string;
}

export interface ConsoleAssetsOptions {
  /** The page title and the top bar's heading, e.g. the council's name. */
  title: string;
}

/**
 * The console page's policy: scripts only from our origin (no inline script at all), styles
 * inline (the stylesheet ships in the page), images also from https: (citizens' photos may live
 * on a media host), and never inside a frame.
 */
export const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; " +
  "connect-src 'self' ws: wss:; frame-ancestors 'none'";

const ENTRY = fileURLToPath(new URL('./ui/main.ts', import.meta.url));

/** Bundles the console app with esbuild: one minified IIFE, ES2019, no runtime dependency. */
export async function buildConsole(): Promise<ConsoleBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2019'],
    platform: 'browser',
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no output for the agent console');
  const js = Buffer.from(file.contents);
  const etag = `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`;
  return { js, gzip: gzipSync(js, { level: 9 }), etag };
}

/** Bytes the console app costs on the wire (gzipped). The budget is 40 KB. */
export async function consoleBundleGzipSize(): Promise<number> {
  return (await buildConsole()).gzip.length;
}

/**
 * Serves `GET /console` (the page: no inline script, strict CSP, never cached, never framed) and
 * `GET /console/app.js` (the app). Builds once at start-up, so a syntax error in the app fails
 * the boot rather than an agent's morning. The REST API and the socket are mounted elsewhere.
 *
 * @example
 * app.use(await createConsoleAssets({ title: 'Ajuntament de Vilanova · Atención ciudadana' }));
 */
export async function createConsoleAssets(opts: ConsoleAssetsOptions): Promise<Router> {
  const bundle = await buildConsole();
  const page = consolePage(opts.title, bundle.etag.slice(1, 13));
  const router = express.Router();
  router.get('/console/app.js', (req, res) => serveBundle(req, res, bundle));
  router.get('/console', (_req, res) => {
    res.set({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CONSOLE_CSP,
      'X-Frame-Options': 'DENY',
      'Referrer-Policy': 'same-origin',
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    res.send(page);
  });
  return router;
}

function serveBundle(req: Request, res: Response, bundle: ConsoleBundle): void {
  const gzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
  const etag = gzip ? `${bundle.etag.slice(0, -1)}-gz"` : bundle.etag;
  res.set({
    'Content-Type': 'text/javascript; charset=utf-8',
    // The page asks for `app.js?v=<hash>`, so a deploy is picked up at once; plain requests revalidate.
    'Cache-Control': 'public, max-age=300, must-revalidate',
    ETag: etag,
    Vary: 'Accept-Encoding',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
  });
  if (matches(req.get('if-none-match'), etag)) {
    res.status(304).end();
    return;
  }
  if (gzip) res.set('Content-Encoding', 'gzip');
  res.send(gzip ? bundle.gzip : bundle.js);
}

function matches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((tag) => {
    const t = tag.trim();
    return t === '*' || t === etag || t === `W/${etag}`;
  });
}

/** The page: an empty mount point, the stylesheet, and one external script. */
function consolePage(title: string, version: string): string {
  const safeTitle = escapeHtml(title);
  return `<!doctype html>
<html lang="es">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${safeTitle}</title>
<link rel="icon" href="data:,">
<style>${CSS}</style>
<script src="/console/app.js?v=${version}" defer></script>
</head>
<body>
<div id="app"><noscript>La consola de atención necesita JavaScript.</noscript></div>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
