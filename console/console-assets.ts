import { fileURLToPath } from 'node:url';
import { escapeHtmlText } from '../bot/html-text';
import express, { type Router } from 'express';
import { browserBundleOf, bundleBrowserScript, loadBrowserBundle, sendBrowserBundle, type BrowserBundle, type BrowserScript } from '../bot/browser-bundle';
import { pageHeaders, pagePolicy } from '../bot/security-headers';
import { CSS } from './ui/styles';

/** The built console app. */
export type ConsoleBundle = BrowserBundle;

export interface ConsoleAssetsOptions {
  /** The page title and the top bar's heading, e.g. the council's name. */
  title: string;
  /** The URL browsers reach the bot at: its WebSocket origin is the one the page may connect to besides 'self'. */
  publicUrl?: string;
}

/**
 * The console page's policy (see pagePolicy): everything from the bot's own origin only. Citizens'
 * photos are our own signed /media links, the socket is our /console/ws; `data:` is the page's
 * empty favicon. No host or scheme wildcard: an injected URL cannot load or send anywhere else.
 */
export const consolePolicy = (publicUrl?: string): string => pagePolicy({ ...(publicUrl ? { publicUrl } : {}), imageSchemes: ['data:'] });

/** The policy when the public URL is not known (the page then connects to 'self' only). */
export const CONSOLE_CSP = consolePolicy();

/** The console app. Prebuilt by `npm run build`. */
export const CONSOLE_SCRIPT: BrowserScript = {
  name: 'console',
  entry: fileURLToPath(new URL('./ui/main.ts', import.meta.url)),
  what: 'the agent console',
};

/**
 * The council dashboards' charts (chart.js, only the bar chart's pieces): a script of its own, loaded by the
 * statistics view when a supervisor first opens it, so the app every agent loads stays small (chart.js
 * alone is about 47 KB gzipped). Prebuilt by `npm run build` like the app.
 */
export const CHARTS_SCRIPT: BrowserScript = {
  name: 'console-charts',
  entry: fileURLToPath(new URL('./ui/stats-charts.ts', import.meta.url)),
  what: 'the console charts',
};

/** Bundles the console app from its sources now (see bundleBrowserScript). */
export async function buildConsole(): Promise<ConsoleBundle> {
  return browserBundleOf(await bundleBrowserScript(CONSOLE_SCRIPT));
}

/** Bytes the console app costs on the wire (gzipped). The budget is 40 KB. */
export async function consoleBundleGzipSize(): Promise<number> {
  return (await buildConsole()).gzip.length;
}

/**
 * Serves `GET /console` and `GET /console/stats` (the page: no inline script, strict CSP, never cached,
 * never framed), `GET /console/app.js` (the app) and `GET /console/charts.js` (the dashboards' charts). Loads the app once at start-up (see loadBrowserBundle), so a
 * syntax error in it fails the boot rather than an agent's morning. The REST API and the socket are mounted elsewhere.
 *
 * @example
 * app.use(await createConsoleAssets({ title: 'Ajuntament de Vilanova · Atención ciudadana' }));
 */
export async function createConsoleAssets(opts: ConsoleAssetsOptions): Promise<Router> {
  const [bundle, charts] = await Promise.all([loadBrowserBundle(CONSOLE_SCRIPT), loadBrowserBundle(CHARTS_SCRIPT)]);
  const page = consolePage(opts.title, bundle.etag.slice(1, 13));
  const headers = { ...pageHeaders(consolePolicy(opts.publicUrl)), 'Cache-Control': 'no-store' };
  const router = express.Router();
  router.get('/console/app.js', (req, res) => sendBrowserBundle(req, res, bundle, false));
  router.get('/console/charts.js', (req, res) => sendBrowserBundle(req, res, charts, false));
  // A view's own address (the dashboards) opens the same page; the app shows that view.
  router.get(['/console', '/console/stats'], (_req, res) => {
    res.set(headers).send(page);
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
