import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/**
 * The one way browser tests start Chromium: the system binary (no Playwright download),
 * headless, with everything that phones home switched off so tests stay offline and quiet.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
] as const;

/** Launches Chromium from `CHROMIUM_PATH` (default `/usr/bin/chromium`). Close it in `afterAll`. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS],
  });
}

export interface NewPageOptions {
  /** Grants the geolocation permission and fixes the reported position. */
  geolocation?: { latitude: number; longitude: number };
  locale?: string;
  /** E.g. `{ width: 390, height: 844 }` for a phone. */
  viewport?: { width: number; height: number };
}

/**
 * A page in its own context (own cookies, storage and permissions), so tests never share
 * state. Closing the page's context is left to `page.context().close()` or the browser.
 */
export async function newPage(browser: Browser, opts: NewPageOptions = {}): Promise<Page> {
  const context: BrowserContext = await browser.newContext({
    ...(opts.locale ? { locale: opts.locale } : {}),
    ...(opts.viewport ? { viewport: opts.viewport } : {}),
    ...(opts.geolocation ? { geolocation: opts.geolocation, permissions: ['geolocation'] } : {}),
  });
  const page = await context.newPage();
  // Surface page errors in the test output instead of letting them vanish.
  page.on('pageerror', (err) => console.error('[browser pageerror]', err));
  return page;
}

/** Collects `pageerror`s and `dialog`s (e.g. an injected `alert`) so a test can assert there were none. */
export function watchForInjection(page: Page): { errors: Error[]; dialogs: string[] } {
  const seen = { errors: [] as Error[], dialogs: [] as string[] };
  page.on('pageerror', (err) => seen.errors.push(err));
  page.on('dialog', (dialog) => {
    seen.dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  return seen;
}
