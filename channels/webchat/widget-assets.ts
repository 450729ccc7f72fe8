import { fileURLToPath } from 'node:url';
import { escapeHtmlText } from '../../bot/html-text';
import express, { type Router } from 'express';
import { browserBundleOf, bundleBrowserScript, loadBrowserBundle, sendBrowserBundle, type BrowserBundle, type BrowserScript } from '../../bot/browser-bundle';
import { pageHeaders, pagePolicy } from '../../bot/security-headers';

/** The built widget. */
export type WidgetBundle = BrowserBundle;

export interface WidgetAssetsOptions {
  /** Shown as the panel title and the demo page's council name. @defaultValue the translated "Citizen services" */
  title?: string;
  /** Locale of the demo page's embed tag. @defaultValue 'es' */
  locale?: 'es' | 'ca' | 'en';
  /** The URL browsers reach the bot at: the Direct Line stream's WebSocket origin, allowed besides 'self'. */
  publicUrl?: string;
}

/**
 * The demo page's policy (see pagePolicy): the widget's script, its Direct Line requests and stream,
 * and images from the bot's own origin; `blob:` for the local preview of a photo being sent, `data:`
 * for inline images.
 */
export const demoPagePolicy = (publicUrl?: string): string => pagePolicy({ ...(publicUrl ? { publicUrl } : {}), imageSchemes: ['data:', 'blob:'] });

/** The browser widget; its styles are a TS string injected into the shadow root. Prebuilt by `npm run build`. */
export const WIDGET_SCRIPT: BrowserScript = {
  name: 'webchat',
  entry: fileURLToPath(new URL('./widget/main.ts', import.meta.url)),
  what: 'the web chat widget',
};

/** Bundles the widget from its sources now (see bundleBrowserScript). */
export async function buildWidget(): Promise<WidgetBundle> {
  return browserBundleOf(await bundleBrowserScript(WIDGET_SCRIPT));
}

/** Bytes the widget costs a citizen on the wire (gzipped). The budget is 50 KB. */
export async function widgetGzipSize(): Promise<number> {
  return (await buildWidget()).gzip.length;
}

/**
 * Serves `GET /webchat.js` (the widget) and `GET /` (a demo council page embedding it with
 * one script tag, under a strict CSP, never framed). Loads the widget once at startup (see
 * loadBrowserBundle), so a syntax error in it fails the boot.
 *
 * @example
 * app.use(await createWidgetAssets({ title: 'Ajuntament de Vilanova' }));
 */
export async function createWidgetAssets(opts: WidgetAssetsOptions = {}): Promise<Router> {
  const bundle = await loadBrowserBundle(WIDGET_SCRIPT);
  const page = demoPage(opts);
  const headers = { ...pageHeaders(demoPagePolicy(opts.publicUrl)), 'Cache-Control': 'no-cache' };
  const router = express.Router();
  router.get('/webchat.js', (req, res) => sendBrowserBundle(req, res, bundle, true));
  router.get('/', (_req, res) => {
    res.set(headers).send(page);
  });
  return router;
}

const PAGE_TEXT = {
  es: { lead: 'Sede electrónica', intro: '¿Has visto un bache, una farola fundida o un contenedor lleno? Avísanos por el chat, a cualquier hora.', news: 'Noticias', item: 'Nuevo horario de la biblioteca municipal a partir del lunes.' },
  ca: { lead: 'Seu electrònica', intro: "Has vist un clot, un fanal fos o un contenidor ple? Avisa'ns pel xat, a qualsevol hora.", news: 'Notícies', item: 'Nou horari de la biblioteca municipal a partir de dilluns.' },
  en: { lead: 'Online services', intro: 'Seen a pothole, a broken street light or an overflowing bin? Tell us in the chat, any time.', news: 'News', item: 'New opening hours for the municipal library from Monday.' },
} as const;

function demoPage(opts: WidgetAssetsOptions): string {
  const locale = opts.locale ?? 'es';
  const council = escapeHtmlText(opts.title ?? 'Ajuntament de Vilanova del Riu');
  const t = PAGE_TEXT[locale];
  const titleAttr = opts.title ? ` data-title="${escapeHtmlText(opts.title)}"` : '';
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
