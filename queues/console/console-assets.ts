import { fileURLToPath } from 'node:url';
import { escapeHtmlText } from '../../bot/html-text';
import express, { type Router } from 'express';
import { buildBrowserBundle, sendBrowserBundle, type BrowserBundle } from '../../bot/browser-bundle';
import { CSS } from './ui/styles';

/** The built console app. */
export type ConsoleBundle = BrowserBundle;

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

/** Bundles the console app (see buildBrowserBundle). */
export function buildConsole(): Promise<ConsoleBundle> {
  return buildBrowserBundle(ENTRY, 'the agent console');
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
  router.get('/console/app.js', (req, res) => sendBrowserBundle(req, res, bundle, false));
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

/** The page: an empty mount point, the stylesheet, and one external script. */
function consolePage(title: string, version: string): string {
  const safeTitle = escapeHtmlText(title);
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
