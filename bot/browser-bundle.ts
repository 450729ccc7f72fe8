import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Request, Response } from 'express';

/** A browser script built at start and kept in memory for the life of the process. */
export interface BrowserBundle {
  js: Buffer;
  gzip: Buffer;
  /** Strong ETag of the JS; the gzip copy gets its own (`-gz` suffix) as HTTP requires. */
  etag: string;
}

/**
 * Bundles `entry` with esbuild: one minified IIFE, ES2019 so older phones still parse it, no runtime
 * dependency. Built at start, so a syntax error fails the boot rather than a citizen's or agent's page.
 */
export async function buildBrowserBundle(entry: string, what: string): Promise<BrowserBundle> {
  const result = await build({
    entryPoints: [entry],
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
  if (!file) throw new Error(`esbuild produced no output for ${what}`);
  const js = Buffer.from(file.contents);
  const etag = `"${createHash('sha256').update(js).digest('base64url').slice(0, 27)}"`;
  return { js, gzip: gzipSync(js, { level: 9 }), etag };
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
