import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import express, { type Request, type Response, type Router } from 'express';

/** The built widget, kept in memory for the life of the process. */
export interface WidgetBundle {
  js: Buffer;
  gzip: Buffer;
  /** Strong ETag of the JS; the gzip copy gets its own (`-gz` suffix) as HTTP requires. */
  etag: string;
}

export interface WidgetAssetsOptions {
  /** Shown as the panel title and the demo page's council name. @defaultValue the translated "Citizen services" */
  title?: string;
  /** Locale of the demo page's embed tag. @defaultValue 'es' */
  locale?: 'es' | 'ca' | 'en';
}

const ENTRY = fileURLToPath(new URL('./widget/main.ts', import.meta.url));

/**
 * Bundles the browser widget with esbuild: one minified IIFE, ES2019 so older phones still
 * parse it, styles inlined (they are a TS string injected into the shadow root).
 */
export async function buildWidget(): Promise<WidgetBundle> {
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
  if (!file) throw new Error('esbuild produced no output for the web chat widget');
  const js = Buffer.from(file.contents);
  const etag = `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`;
  return { js, gzip: gzipSync(js, { level: 9 }), etag };
}

/** Bytes the widget costs a citizen on the wire (gzipped). The budget is 50 KB. */
export async function widgetGzipSize(): Promise<number> {
  return (await buildWidget()).gzip.length;
}

/**
 * Serves `GET /webchat.js` (the widget) and `GET /` (a demo council page embedding it with
 * one script tag). Builds once at startup, so a syntax error in the widget fails the boot.
 *
 * @example
 * app.use(await createWidgetAssets({ title: 'Ajuntament de Vilanova' }));
 */
export async function createWidgetAssets(opts: WidgetAssetsOptions = {}): Promise<Router> {
  const bundle = await buildWidget();
  const page = demoPage(opts);
  const router = express.Router();
  router.get('/webchat.js', (req, res) => serveBundle(req, res, bundle));
  router.get('/', (_req, res) => {
    res.type('html').set('Cache-Control', 'no-cache').send(page);
  });
  return router;
}

function serveBundle(req: Request, res: Response, bundle: WidgetBundle): void {
  const gzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
  const etag = gzip ? `${bundle.etag.slice(0, -1)}-gz"` : bundle.etag;
  res.set({
    'Content-Type': 'text/javascript; charset=utf-8',
    // The URL is not versioned: browsers may reuse it briefly, then revalidate with the ETag.
    'Cache-Control': 'public, max-age=300, must-revalidate',
    ETag: etag,
    Vary: 'Accept-Encoding',
    // Host pages on other origins load this file; CORP keeps it loadable under COEP.
    'Cross-Origin-Resource-Policy': 'cross-origin',
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

const PAGE_TEXT = {
  es: { lead: 'Sede electrónica', intro: '¿Has visto un bache, una farola fundida o un contenedor lleno? Avísanos por el chat, a cualquier hora.', news: 'Noticias', item: 'Nuevo horario de la biblioteca municipal a partir del lunes.' },
  ca: { lead: 'Seu electrònica', intro: "Has vist un clot, un fanal fos o un contenidor ple? Avisa'ns pel xat, a qualsevol hora.", news: 'Notícies', item: 'Nou horari de la biblioteca municipal a partir de dilluns.' },
  en: { lead: 'Online services', intro: 'Seen a pothole, a broken street light or an overflowing bin? Tell us in the chat, any time.', news: 'News', item: 'New opening hours for the municipal library from Monday.' },
} as const;

function demoPage(opts: WidgetAssetsOptions): string {
  const locale = opts.locale ?? 'es';
  const council = escapeHtml(opts.title ?? 'Ajuntament de Vilanova del Riu');
  const t = PAGE_TEXT[locale];
  const titleAttr = opts.title ? ` data-title="${escapeHtml(opts.title)}"` : '';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${council}</title>
<style>
body{margin:0;font-family:Georgia,serif;color:#222;background:#f6f4ef}
header{background:#7a1f1f;color:#fff;padding:24px 32px}
header p{margin:0;opacity:.8}
main{max-width:720px;margin:0 auto;padding:24px 32px}
button{font-family:inherit}
</style>
</head>
<body>
<header><p>${t.lead}</p><h1>${council}</h1></header>
<main>
<p>${t.intro}</p>
<h2>${t.news}</h2>
<p>${t.item}</p>
</main>
<script src="/webchat.js" data-directline="/v3/directline" data-locale="${locale}"${titleAttr} defer></script>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
