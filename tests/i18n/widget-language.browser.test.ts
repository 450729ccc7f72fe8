import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_UPLOAD_BYTES } from '../../channels/webchat/uploads';
import { MAX_PHOTO_BYTES } from '../../channels/webchat/widget/chat';
import { textsFor } from '../../channels/webchat/widget/i18n';
import { launchBrowser, newPage } from '../support/browser';
import { PNG, startWidgetServer, type WidgetServer } from '../support/widget-server';

interface Received {
  type?: string;
  text?: string;
  locale?: string;
}

/**
 * The widget server (tests/support/widget-server.ts) with a scripted bot that answers in the language of
 * what it is told, saying it in `locale` as the dialogs do: "bon dia" → Catalan (with an image that has
 * no description), "hello" → English, "hola" → Spanish, anything else → "ok" in the language of the last answer.
 */
async function startServer(): Promise<WidgetServer & { received: Received[] }> {
  const received: Received[] = [];
  const languageOf = new Map<string, string>();
  const server = await startWidgetServer({
    // A Catalan council page that only says its language in <html lang> (served here, not by page.route:
    // Chromium's local-network checks refuse the stream socket of a page that came from a route).
    routes: (app) => app.get('/ca', (_req, res) => void res.type('html').send('<!doctype html><html lang="ca"><title>Ajuntament</title><script src="/webchat.js" data-directline="/v3/directline" data-open="true" defer></script></html>')),
    async bot(activity, send, url) {
      received.push({ type: activity.type, ...(activity.text ? { text: activity.text } : {}), ...(activity.locale ? { locale: activity.locale } : {}) });
      if (activity.type !== 'message') return;
      const conversationId = activity.conversation?.id ?? '';
      const text = activity.text ?? '';
      if (text === 'bon dia') {
        languageOf.set(conversationId, 'ca-ES');
        await send(conversationId, [{
          type: 'message', locale: 'ca-ES', text: "Bon dia! Explica'm què passa.",
          attachments: [{ contentType: 'image/png', contentUrl: `${url}/logo.png` }],
        }]);
      } else if (text === 'hello') {
        languageOf.set(conversationId, 'en-GB');
        await send(conversationId, [{ type: 'message', locale: 'en-GB', text: 'Hello! Tell me what happened.' }]);
      } else if (text === 'hola') {
        languageOf.set(conversationId, 'es-ES');
        await send(conversationId, [{ type: 'message', locale: 'es-ES', text: '¡Hola! Cuéntame qué pasa.' }]);
      } else {
        await send(conversationId, [{ type: 'message', locale: languageOf.get(conversationId) ?? 'es-ES', text: 'ok' }]);
      }
    },
  });
  return { ...server, received };
}

let browser: Browser;
let server: Awaited<ReturnType<typeof startServer>>;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startServer()]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });
const ca = textsFor('ca');
const en = textsFor('en');
const es = textsFor('es');

async function say(page: Page, label: string, text: string): Promise<void> {
  await page.getByLabel(label, { exact: true }).fill(text);
  await page.getByLabel(label, { exact: true }).press('Enter');
}

/** Every name a screen reader hears for the widget's own controls, plus the placeholder. */
async function chrome(page: Page) {
  const input = page.locator('#cw-input');
  return {
    lang: await page.locator('#cab-webchat').getAttribute('lang'),
    placeholder: await input.getAttribute('placeholder'),
    inputLabel: await page.locator('label[for=cw-input]').textContent(),
    log: await page.getByRole('log').getAttribute('aria-label'),
    buttons: await page.locator('.cw-composer button, .cw-close').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label'))),
    fileInput: await page.locator('input[type=file]').getAttribute('aria-label'),
  };
}

const expectedChrome = (lang: string, t: typeof es) => ({
  lang, placeholder: t.placeholder, inputLabel: t.inputLabel, log: t.log,
  buttons: [t.close, t.location, t.photo, t.send], fileInput: t.photo,
});

describe('the widget speaks the conversation’s language', () => {
  it('switches placeholder, labels, alt texts and errors to Catalan and then English when the bot does', async () => {
    const page = await newPage(browser, { geolocation: { latitude: 41.4, longitude: 2.2 } });
    await page.goto(server.url);
    await page.getByRole('button', { name: es.open }).click();
    expect(await chrome(page)).toEqual(expectedChrome('es', es));

    // The citizen writes in Catalan; the bot answers in Catalan: the widget follows.
    await say(page, es.inputLabel, 'bon dia');
    await poll(() => page.locator('.cw-bot', { hasText: 'Bon dia!' }).count()).toBe(1);
    await poll(async () => (await chrome(page)).placeholder).toBe(ca.placeholder);
    expect(await chrome(page)).toEqual(expectedChrome('ca', ca));
    // The bot's image came without a description: the widget's own alt text, in Catalan.
    expect(await page.locator('.cw-bot img').getAttribute('alt')).toBe(ca.image);
    // What screen readers hear before each message ("Tu:", "Ajuntament:"), the old ones included.
    expect(await page.locator('.cw-user > .cw-sr').first().textContent()).toBe(`${ca.you}: `);
    expect(await page.locator('.cw-bot > .cw-sr').first().textContent()).toBe(`${ca.bot}: `);
    expect(await page.locator('.cw-bot').first().getAttribute('lang')).toBe('ca-ES');

    // A message that cannot be sent: the error and its retry button are in Catalan.
    await page.route('**/v3/directline/conversations/*/activities', (route) => (route.request().method() === 'POST' ? route.abort() : route.continue()));
    await say(page, ca.inputLabel, 'hi ha un fanal apagat');
    const error = page.getByRole('alert').filter({ hasText: ca.sendFailed });
    await poll(() => error.count()).toBe(1);
    expect(await page.getByRole('button', { name: ca.retry, exact: true }).count()).toBe(1);

    // The bot switches to English while that error is on screen: it is said again in English.
    await page.unroute('**/v3/directline/conversations/*/activities');
    await say(page, ca.inputLabel, 'hello');
    await poll(() => page.locator('.cw-bot', { hasText: 'Hello!' }).count()).toBe(1);
    await poll(async () => (await chrome(page)).placeholder).toBe(en.placeholder);
    expect(await chrome(page)).toEqual(expectedChrome('en', en));
    expect(await page.getByRole('alert').filter({ hasText: en.sendFailed }).count()).toBe(1);
    expect(await page.getByRole('button', { name: en.retry, exact: true }).count()).toBe(1);
    expect(await page.locator('.cw-bot img').getAttribute('alt')).toBe(en.image);
    // Retrying sends it (the same activity); what the citizen writes next says the conversation's language.
    await page.getByRole('button', { name: en.retry, exact: true }).click();
    await poll(() => server.received.some((a) => a.text === 'hi ha un fanal apagat')).toBe(true);
    await say(page, en.inputLabel, 'thanks');
    await poll(() => server.received.find((a) => a.text === 'thanks')?.locale).toBe('en');

    // A photo over the server's limit is refused before upload, in English, without a pointless retry.
    await page.locator('input[type=file]').setInputFiles({ name: 'big.png', mimeType: 'image/png', buffer: Buffer.alloc(MAX_PHOTO_BYTES + 1) });
    await poll(() => page.getByRole('alert').filter({ hasText: 'The photo is too large: the maximum is 5 MB.' }).count()).toBe(1);
    // A failed upload: its error in English.
    await page.route('**/v3/directline/conversations/*/upload*', (route) => route.abort());
    await page.locator('input[type=file]').setInputFiles({ name: 'bache.png', mimeType: 'image/png', buffer: PNG });
    await poll(() => page.getByRole('alert').filter({ hasText: en.uploadFailed }).count()).toBe(1);

    // The launcher, once the panel is closed, speaks English too.
    await page.keyboard.press('Escape');
    expect(await page.getByRole('button', { name: en.open, exact: true }).count()).toBe(1);

    // A reload keeps the conversation's language, not the page's.
    await page.reload();
    await page.getByRole('button', { name: en.open, exact: true }).click();
    await poll(() => page.locator('.cw-bot', { hasText: 'Hello!' }).count()).toBe(1);
    expect(await chrome(page)).toEqual(expectedChrome('en', en));
    await page.context().close();
  });

  it('starts the conversation in the page’s language, so the greeting comes in it', async () => {
    const page = await newPage(browser);
    const before = server.received.length;
    await page.goto(`${server.url}/ca`);
    await poll(() => server.received.slice(before).find((a) => a.type === 'conversationUpdate')?.locale).toBe('ca');
    expect(await chrome(page)).toEqual(expectedChrome('ca', ca));
    // A Spanish answer switches a Catalan page's widget to Spanish.
    await say(page, ca.inputLabel, 'hola');
    await poll(() => page.locator('.cw-bot', { hasText: '¡Hola!' }).count()).toBe(1);
    await poll(async () => (await chrome(page)).placeholder).toBe(es.placeholder);
    await page.context().close();
  });

  it('has every widget text in es, ca and en, and the same photo limit as the server', () => {
    const keys = Object.keys(es).sort();
    expect(Object.keys(ca).sort()).toEqual(keys);
    expect(Object.keys(en).sort()).toEqual(keys);
    const vars = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
    for (const key of keys as Array<keyof typeof es>) {
      for (const t of [ca, en]) {
        expect(t[key]).not.toBe('');
        expect(vars(t[key])).toEqual(vars(es[key]));
        // A text left in Spanish would be the bug this file is about.
        if (!(t === ca && key === 'send')) expect({ key, same: t[key] === es[key] }).toEqual({ key, same: false });
      }
    }
    expect(MAX_PHOTO_BYTES).toBe(MAX_UPLOAD_BYTES);
  });
});
