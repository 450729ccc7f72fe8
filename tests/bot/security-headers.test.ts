import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { startTestApp, type RunningApp } from '../e2e/support';
import { launchBrowser, newPage } from '../support/browser';
import { ConsoleClient, createAgent, TEST_PASSWORD } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * Security headers on the real app's answers, and the pages still working under them in Chromium:
 * the demo page (the web chat widget) and the agent console, each with a CSP that allows nothing but
 * the bot's own origin; `nosniff` on every JSON answer; `no-store` on every console API answer.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'security-headers-'));
let bot: RunningApp;
let db: Db;
let browser: Browser;
let wsOrigin: string;

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp({ CATALOG: writeTestCatalog(dir) })]);
  wsOrigin = bot.url.replace(/^http/, 'ws');
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
  await createAgent(db, 'sofia@ajuntament.cat', 'Sofía', ['atencion-ciudadana'], { role: 'admin' });
});
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** A CSP header as directive → sources. */
function directives(csp: string | null): Map<string, string[]> {
  expect(csp).toBeTruthy();
  return new Map(csp!.split(';').map((d) => d.trim().split(/\s+/)).filter((d) => d[0]).map(([name, ...sources]) => [name!, sources]));
}

/** Sources that would let a page load from or talk to any host: `*`, `*.x`, or a bare scheme like `https:` or `wss:`. */
const wildcards = (sources: string[]): string[] => sources.filter((s) => s.includes('*') || /^(https?|wss?):$/.test(s));

function expectOwnOriginOnly(csp: string | null, extraImageSchemes: string[]): void {
  const d = directives(csp);
  expect(d.get('script-src')).toEqual(["'self'"]);
  expect(d.get('connect-src')).toEqual(["'self'", wsOrigin]);
  expect(d.get('img-src')).toEqual(["'self'", bot.url, ...extraImageSchemes]);
  expect(d.get('frame-ancestors')).toEqual(["'none'"]);
  expect(d.get('object-src')).toEqual(["'none'"]);
  for (const [name, sources] of d) expect(wildcards(sources), name).toEqual([]);
}

/** Records every CSP violation the page reports, from before its first script runs. */
async function recordViolations(page: Page): Promise<() => Promise<string[]>> {
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  return () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
}

describe('the demo page', () => {
  it('is served with a CSP of its own origin only, nosniff, and no framing', async () => {
    const res = await fetch(`${bot.url}/`);
    expect(res.status).toBe(200);
    expectOwnOriginOnly(res.headers.get('content-security-policy'), ['data:', 'blob:']);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('still runs the widget in Chromium (script, Direct Line and its WebSocket), and the policy blocks other hosts', async () => {
    const page = await newPage(browser);
    const violations = await recordViolations(page);
    await page.goto(bot.url);
    await page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await expect.poll(() => page.locator('.cw-log .cw-bot', { hasText: '¡Hola!' }).count(), { timeout: 15_000 }).toBe(1);
    await page.getByLabel('Escribe tu mensaje').fill('ayuda');
    await page.getByLabel('Escribe tu mensaje').press('Enter');
    await expect.poll(() => page.locator('.cw-log .cw-bot').count(), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await violations()).toEqual([]);

    // The listener works: another host is refused, for images and for sockets.
    await page.evaluate(() => {
      new Image().src = 'http://127.0.0.2:9/x.png';
      try { new WebSocket('ws://127.0.0.2:9/'); } catch { /* some browsers throw instead of reporting */ }
    });
    await expect.poll(violations).toEqual(expect.arrayContaining([expect.stringMatching(/^img-src http:\/\/127\.0\.0\.2:9/), expect.stringMatching(/^connect-src ws:\/\/127\.0\.0\.2:9/)]));
    await page.context().close();
  }, 60_000);
});

describe('the agent console', () => {
  it('is served with a CSP whose connect-src and img-src are the bot itself, no caching, no framing', async () => {
    const res = await fetch(`${bot.url}/console`);
    expect(res.status).toBe(200);
    expectOwnOriginOnly(res.headers.get('content-security-policy'), ['data:']);
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('still loads, logs in and opens its live socket in Chromium with no CSP violation', async () => {
    const page = await newPage(browser);
    const violations = await recordViolations(page);
    const socketFrames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => socketFrames.push(String(f.payload))));
    await page.goto(`${bot.url}/console`);
    await page.getByTestId('login-email').fill('ana@ajuntament.cat');
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('logout').isVisible(), { timeout: 15_000 }).toBe(true);
    await expect.poll(() => socketFrames.length, { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    await page.context().close();
  }, 60_000);

  it('answers every console API request with no-store and nosniff, signed in or not, found or not', async () => {
    const ana = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
    const admin = await ConsoleClient.login(bot.url, 'sofia@ajuntament.cat');
    const as = (c: ConsoleClient | undefined, method = 'GET', body?: unknown): RequestInit => ({
      method,
      headers: { origin: bot.url, ...(c ? { cookie: c.cookie, 'x-csrf-token': c.me.csrf } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const requests: Array<[string, RequestInit]> = [
      ['/me', as(ana)], ['/queue', as(ana)], ['/mine', as(ana)], ['/live', as(ana)], ['/agents', as(ana)], ['/reviews', as(ana)],
      ['/supervisor', as(admin)], ['/admin/agents', as(admin)], ['/supervisor', as(ana)],
      ['/handoffs/00000000-0000-4000-8000-000000000000', as(ana)], ['/handoffs/00000000-0000-4000-8000-000000000000/messages', as(ana)],
      ['/me', as(undefined)], ['/queue', as(undefined)], ['/no-such-route', as(ana)],
      ['/login', as(undefined, 'POST', { email: 'ana@ajuntament.cat', password: 'wrong' })],
      ['/login', as(undefined, 'POST', { email: 'ana@ajuntament.cat', password: TEST_PASSWORD })],
    ];
    const answers = await Promise.all(requests.map(async ([p, init]) => {
      const res = await fetch(`${bot.url}/console/api${p}`, init);
      await res.arrayBuffer();
      return { request: `${init.method} ${p} → ${res.status}`, cacheControl: res.headers.get('cache-control'), nosniff: res.headers.get('x-content-type-options') };
    }));
    expect(new Set(answers.map((a) => a.request.split(' → ')[1])).size).toBeGreaterThan(2); // 200s, 401s, 403s, 404s
    for (const a of answers) expect(a, a.request).toMatchObject({ cacheControl: 'no-store', nosniff: 'nosniff' });
    // Routes match case-insensitively, and so does the header.
    const shouted = await fetch(`${bot.url}/CONSOLE/API/me`, as(ana));
    expect(shouted.status).toBe(200);
    expect(shouted.headers.get('cache-control')).toBe('no-store');
  });
});

describe('JSON answers', () => {
  it('carry nosniff, from the ops endpoints, Direct Line, 404s and bad requests alike', async () => {
    const answers = await Promise.all([
      fetch(`${bot.url}/healthz`),
      fetch(`${bot.url}/readyz`),
      fetch(`${bot.url}/no-such-page`),
      fetch(`${bot.url}/v3/directline/conversations`, { method: 'POST' }),
      fetch(`${bot.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":' }),
    ]);
    for (const res of answers) {
      expect(res.headers.get('content-type'), res.url).toMatch(/^application\/json/);
      expect(res.headers.get('x-content-type-options'), res.url).toBe('nosniff');
    }
  });
});
