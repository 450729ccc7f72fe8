import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { Request, Response } from 'express';

/** A browser script, loaded at start and kept in memory for the life of the process. */
export interface BrowserBundle {
  js: Buffer;
  gzip: Buffer;
  /** Strong ETag of the JS; the gzip copy gets its own (`-gz` suffix) as HTTP requires. */
  etag: string;
}

/** One of the browser scripts the server hands out. */
export interface BrowserScript {
  /** File name (without `.js`) of its prebuilt copy, e.g. `webchat` for `dist/public/webchat.js`. */
  name: string;
  /** Absolute path of its TypeScript entry point. */
  entry: string;
  /** What it is, for error messages: "the web chat widget". */
  what: string;
}

/**
 * Where `npm run build` writes the browser scripts: `dist/public/`, one level up from the server bundle's
 * files (`dist/bot/`, chunks included: see build.ts). From the sources (tsx, tests) this names a folder
 * that does not exist, so they build the scripts from their TypeScript instead.
 */
const PREBUILT_DIR = new URL('../public/', import.meta.url);

/**
 * The script's prebuilt copy when there is one (a production start loads no bundler), else built now from
 * its entry with esbuild (development and tests: always current). Either way before the server answers, so a
 * syntax error fails the boot rather than a citizen's or agent's page.
 */
export async function loadBrowserBundle(script: BrowserScript): Promise<BrowserBundle> {
  const prebuilt = new URL(`${script.name}.js`, PREBUILT_DIR);
  return browserBundleOf(existsSync(prebuilt) ? await readFile(prebuilt) : await bundleBrowserScript(script));
}

/** The gzip copy and ETag of a script's bytes. */
export function browserBundleOf(js: Buffer): BrowserBundle {
  const etag = `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`;
  return { js, gzip: gzipSync(js, { level: 9 }), etag };
}

/**
 * Bundles the script with esbuild: one minified IIFE, ES2019 so older phones still parse it, no runtime
 * dependency. `npm run build` calls this too. esbuild is a development dependency, imported only here.
 */
export async function bundleBrowserScript(script: BrowserScript): Promise<Buffer> {
  if (!existsSync(script.entry)) {
    throw new Error(`${script.what} is not built (no ${script.name}.js in ${PREBUILT_DIR.pathname}) and its source ${script.entry} is not here: run npm run build`);
  }
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [script.entry],
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
  if (!file) throw new Error(`esbuild produced no output for ${script.what}`);
  return Buffer.from(file.contents);
}

/**
 * Sends the bundle, gzipped when the client accepts it, revalidated with its ETag (304). `crossOrigin`:
 * pages on other origins load it (the widget); otherwise only our own pages may (the console).
 */
export function sendBrowserBundle(req: Request, res: Response, bundle: BrowserBundle, crossOrigin: boolean): void {
  const gzip = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
  const etag = gzip ? `${bundle.etag.slice(0, -1)}-gz"` : bundle.etag;
  res.set({
    'Content-Type': 'text/javascript; charset=utf-8',
    // Browsers may reuse it briefly, then revalidate with the ETag.
    'Cache-Control': 'public, max-age=300, must-revalidate',
    ETag: etag,
    Vary: 'Accept-Encoding',
    // CORP keeps a cross-origin script loadable under COEP, and a same-origin one ours only.
    'Cross-Origin-Resource-Policy': crossOrigin ? 'cross-origin' : 'same-origin',
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
