import { createServer, get, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP, buildConsole, consoleBundleGzipSize, createConsoleAssets } from '../../console/console-assets';
import type { Me, QueueItem } from '../../console/protocol';
import { launchBrowser, newPage, watchForInjection } from '../support/browser';

const PAYLOAD = '<img src=x onerror=alert(1)>';

/** A raw GET (no automatic decompression), so the test sees exactly what went on the wire. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

const me: Me = {
  agent: { id: 'a1', email: 'ana@city.test', name: 'Ana García', role: 'agent', teams: ['vias'], maxConcurrent: 3, disabled: false },
  csrf: 'csrf-1',
  teams: [{ code: 'vias', name: 'Vía pública', firstResponseTargetSeconds: 120 }],
  canned: [],
  services: [],
  appointments: false,
};

const waiting: QueueItem = {
  id: 'h1', conversationKey: 'telegram:1', channel: 'telegram', citizenId: 'c1', citizenName: PAYLOAD, team: 'vias',
  priority: 1, reason: 'asked', status: 'queued', locale: 'es', summary: { hazard: true }, createdAt: '2024-01-01T10:00:00Z',
  queuedAt: '2024-01-01T10:00:00Z', position: 1, waitingSeconds: 42, preview: PAYLOAD,
};

/**
 * The assets router plus a few canned answers standing in for the console API (which is tested
 * on its own): enough for the page to show the login form, its errors, and a signed-in queue.
 */
async function startServer(): Promise<{ url: string; csrfSeen: string[]; close(): Promise<void> }> {
  const app = express();
  const csrfSeen: string[] = [];
  let signedIn = false;
  let failures = 0;
  app.use(await createConsoleAssets({ title: 'Ajuntament de Prova <b>' }));
  app.use(express.json());
  app.get('/console/api/me', (_req, res) => {
    if (signedIn) return void res.json(me);
    res.status(401).json({ error: { code: 'E_UNAUTHENTICATED', message: 'Inicia sesión.' } });
  });
  app.post('/console/api/login', (req, res) => {
    if ((req.body as { password?: string }).password === 'bien') {
      signedIn = true;
      return void res.json(me);
    }
    failures += 1;
    if (failures > 1) return void res.status(429).set('Retry-After', '30').json({ error: { code: 'E_RATE_LIMITED', message: 'Demasiados intentos.' } });
    res.status(401).json({ error: { code: 'E_LOGIN', message: 'Correo o contraseña incorrectos.' } });
  });
  app.get('/console/api/queue', (_req, res) => void res.json({ items: [waiting] }));
  app.get('/console/api/mine', (_req, res) => void res.json({ items: [] }));
  app.get('/console/api/live', (_req, res) => void res.json({ items: [] }));
  app.post('/console/api/logout', (req, res) => {
    csrfSeen.push(req.get('x-csrf-token') ?? '');
    signedIn = false;
    res.status(204).end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    csrfSeen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let server: Awaited<ReturnType<typeof startServer>>;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startServer(), launchBrowser()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('agent console assets', () => {
  it('bundles the app under the 60 KB gzipped ceiling', async () => {
    const size = await consoleBundleGzipSize();
    expect(size).toBeGreaterThan(1_000);
    expect(size).toBeLessThan(60 * 1024);
  });

  it('serves the page with a strict CSP, no framing, no caching and no inline script', async () => {
    const res = await rawGet(`${server.url}/console`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self';");
    expect(CONSOLE_CSP).toContain("frame-ancestors 'none'");
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-store');

    const html = res.body.toString('utf8');
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)];
    expect(scripts).toHaveLength(1);
    for (const [, attrs, body] of scripts) {
      expect(body?.trim()).toBe('');
      expect(attrs).toMatch(/\bsrc="\/console\/app\.js(\?v=[\w-]+)?"/);
    }
    expect(html).not.toMatch(/\son[a-z]+=/i); // no inline event handlers either
    expect(html).toContain('<title>Ajuntament de Prova &#60;b&#62;</title>');
  });

  it('serves app.js as JavaScript, gzipped on request, with an ETag that revalidates to 304', async () => {
    const plain = await rawGet(`${server.url}/console/app.js`);
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    expect(plain.headers['content-encoding']).toBeUndefined();
    const bundle = await buildConsole();
    expect(plain.body.equals(bundle.js)).toBe(true);

    const zipped = await rawGet(`${server.url}/console/app.js`, { 'accept-encoding': 'gzip' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.equals(bundle.gzip)).toBe(true);
    expect(zipped.headers.etag).not.toBe(plain.headers.etag);

    const again = await rawGet(`${server.url}/console/app.js`, { 'if-none-match': String(plain.headers.etag) });
    expect(again.status).toBe(304);
  });
});

describe('the dashboards\' charts script', () => {
  it('is a script of its own, not in the app every agent loads, served like the app; /console/stats is the page', async () => {
    const charts = await rawGet(`${server.url}/console/charts.js`, { 'accept-encoding': 'gzip' });
    expect(charts.status).toBe(200);
    expect(charts.headers['content-type']).toMatch(/^text\/javascript/);
    expect(charts.headers['cross-origin-resource-policy']).toBe('same-origin');
    const script = (await rawGet(`${server.url}/console/charts.js`)).body.toString('utf8');
    const app = (await buildConsole()).js.toString('utf8');
    // chart.js marks the canvases it owns with `$chartjs`: in the charts script, not in the app.
    for (const mark of ['consoleCharts=', '$chartjs']) {
      expect(script).toContain(mark);
      expect(app).not.toContain(mark);
    }
    const page = await rawGet(`${server.url}/console/stats`);
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(page.body.toString('utf8')).toContain('src="/console/app.js');
  });
});

describe('agent console page in Chromium', () => {
  it('shows the login form, then its own text for the error code on a bad password and the wait on a 429', async () => {
    const page = await newPage(browser);
    const seen = watchForInjection(page);
    const cspViolations: string[] = [];
    page.on('console', (m) => void (m.text().includes('Content Security Policy') && cspViolations.push(m.text())));
    await page.goto(`${server.url}/console`);

    await expect.poll(() => page.getByTestId('login-email').isVisible()).toBe(true);
    expect(await page.getByLabel('Contraseña').isVisible()).toBe(true);
    expect(await page.getByTestId('login-error').isVisible()).toBe(false);

    await page.getByTestId('login-email').fill('ana@city.test');
    await page.getByTestId('login-password').fill('mal');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Correo electrónico o contraseña incorrectos.');

    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toContain('Espera 30 s');
    expect(await page.getByTestId('login-submit').isDisabled()).toBe(true);

    expect(seen.errors).toEqual([]);
    expect(cspViolations).toEqual([]);
    await page.context().close();
  });

  it('after login shows the queue with citizen text as text, and logs out with the CSRF token', async () => {
    const page = await newPage(browser);
    const seen = watchForInjection(page);
    await page.goto(`${server.url}/console`);
    await page.getByTestId('login-email').fill('ana@city.test');
    await page.getByTestId('login-password').fill('bien');
    await page.getByTestId('login-submit').click();

    const item = page.getByTestId('queue-item');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.getAttribute('data-handoff-id')).toBe('h1');
    expect(await item.textContent()).toContain(PAYLOAD);
    expect(await item.textContent()).toContain('Peligro');
    expect(await page.locator('img[src="x"]').count()).toBe(0);

    await page.getByTestId('logout').click();
    await expect.poll(() => page.getByTestId('login-email').isVisible()).toBe(true);
    expect(server.csrfSeen).toEqual(['csrf-1']);
    expect(seen.dialogs).toEqual([]);
    expect(seen.errors).toEqual([]);
    await page.context().close();
  });
});
