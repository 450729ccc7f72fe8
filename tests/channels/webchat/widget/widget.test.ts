import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import express from 'express';
import { Redis } from 'ioredis';
import pino from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../../bot/config';
import { createWebchatChannel } from '../../../../channels/webchat';
import { MediaStore } from '../../../../bot/media-store';
import { createWidgetAssets, widgetGzipSize } from '../../../../channels/webchat/widget-assets';
import { markdown, t } from '../../../../dialogs/i18n';
import { launchBrowser, newPage, watchForInjection } from '../../../support/browser';

/** A 1×1 transparent PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** What the test bot sees of a citizen activity (botbuilder's Activity, the fields we assert on). */
interface Received {
  type?: string;
  id?: string;
  text?: string;
  conversation?: { id: string };
  from?: { id: string };
  attachments?: Array<{ contentType: string; contentUrl?: string; name?: string }>;
  entities?: Array<{ type: string; geo?: unknown }>;
}

/**
 * The real web chat channel (Direct Line 3.0 over real Redis, random key prefix) plus the widget
 * assets, on port 0, with a scripted bot as `ingest`: "hola" gets a markdown reply with suggested
 * actions ["Sí","No"] (values "yes"/"no") and an image; anything else gets "Recibido (n)".
 */
async function startServer(): Promise<{
  url: string;
  received: Received[];
  /** Cuts every open WebSocket at the TCP level, as a flaky mobile network would. */
  dropSockets(): void;
  /** Sends as the bot to a conversation (e.g. while the citizen is offline). */
  botSays(conversationId: string, text: string): Promise<void>;
  close(): Promise<void>;
}> {
  const received: Received[] = [];
  const dataDir = await mkdtemp(path.join(tmpdir(), 'widget-test-'));
  const prefix = `t-${randomUUID()}`;
  const config = loadConfig({ NODE_ENV: 'test', REDIS_PREFIX: prefix, DATA_DIR: dataDir, TOKEN_RATE_LIMIT: '1000', LOG_LEVEL: 'silent' });
  const redis = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: false });
  const app = express();
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const channel = createWebchatChannel({ redis, config, log: pino({ level: 'silent' }), publicUrl: url, media: new MediaStore(path.resolve(config.DATA_DIR, 'uploads'), url) });
  app.use(channel.router);
  app.use(await createWidgetAssets({ title: 'Ajuntament de Prova' }));
  // The logo the bot shows, from the same server the widget already trusts.
  app.get('/logo.png', (_req, res) => void res.type('png').send(PNG));
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (_req, socket: Duplex) => {
    upgraded.add(socket);
    socket.on('close', () => upgraded.delete(socket));
  });
  channel.attach(server);

  await channel.adapter.start(async (activity) => {
    const id = activity.id ?? '';
    if (activity.type !== 'message') return { id, duplicate: false };
    received.push(activity as Received);
    const ref = { channel: 'webchat' as const, conversationId: activity.conversation?.id ?? '' };
    if (activity.text === 'hola') {
      await channel.adapter.send(ref, [
        { type: 'typing' },
        {
          type: 'message',
          text: '**Hola!** ¿Quieres _continuar_?\nTrámites en [la sede](https://sede.example/tramites) o [aquí](javascript:alert(1)).',
          suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Sí', value: 'yes' }, { type: 'imBack', title: 'No', value: 'no' }] },
          attachments: [{ contentType: 'image/png', contentUrl: `${url}/logo.png`, name: 'Escudo municipal' }],
        },
      ]);
    } else {
      await channel.adapter.send(ref, [{ type: 'message', text: `Recibido (${received.length})` }]);
    }
    return { id, duplicate: false };
  });

  return {
    url,
    received,
    dropSockets: () => {
      for (const socket of upgraded) socket.destroy();
    },
    botSays: (conversationId, text) => channel.adapter.send({ channel: 'webchat', conversationId }, [{ type: 'message', text }]),
    close: async () => {
      await channel.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
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

/** Waits (up to 10 s, never asserting on duration) until the value matches. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 10_000 });

/** Opens the demo page and the widget; the conversation starts on open. */
async function openWidget(page: Page): Promise<void> {
  await page.goto(server.url);
  await page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
  await poll(() => page.getByRole('dialog', { name: 'Ajuntament de Prova' }).isVisible()).toBe(true);
}

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Escribe tu mensaje').fill(text);
  await page.getByLabel('Escribe tu mensaje').press('Enter');
}

/** The bot-side copy of the last citizen message matching `pred`. */
function botGot(pred: (a: Received) => boolean): () => Received | undefined {
  return () => server.received.filter(pred).at(-1);
}

const log = (page: Page) => page.locator('.cw-log');

describe('web chat widget', () => {
  it('sends text on Enter, shows it once, and shows the bot reply with its image in the log', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await say(page, 'hola');

    await poll(() => log(page).locator('.cw-bot strong').first().textContent()).toBe('Hola!');
    await poll(() => log(page).locator('.cw-bot em').first().textContent()).toBe('continuar');
    expect(await log(page).locator('.cw-bot a[href="https://sede.example/tramites"]').textContent()).toBe('la sede');
    expect(await log(page).locator('.cw-bot a').count()).toBe(1); // the javascript: link stays plain text
    expect(await log(page).locator('.cw-bot br').count()).toBe(1);
    await poll(() => log(page).locator('img[alt="Escudo municipal"]').count()).toBe(1);
    // The echo of "hola" is reconciled with the message drawn on send, not shown twice.
    await poll(() => log(page).locator('.cw-user:not(.cw-pending)').count()).toBe(1);
    expect(await log(page).locator('.cw-user').textContent()).toContain('hola');
    await page.context().close();
  });

  it('sends the value of a suggested action, shows its title, and removes the buttons', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await say(page, 'hola');
    const yes = page.getByRole('button', { name: 'Sí', exact: true });
    await yes.click();

    await poll(() => botGot((a) => a.text === 'yes')()?.text).toBe('yes');
    expect(await log(page).locator('.cw-user').last().textContent()).toContain('Sí');
    expect(await page.getByRole('group', { name: 'Respuestas sugeridas' }).isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'No', exact: true }).count()).toBe(0);
    await page.context().close();
  });

  it('shares the location as a Place entity with GeoCoordinates', async () => {
    const page = await newPage(browser, { geolocation: { latitude: 41.38879, longitude: 2.15899 } });
    await openWidget(page);
    await page.getByRole('button', { name: 'Compartir ubicación' }).click();

    const got = botGot((a) => (a.entities ?? []).some((e) => e.type === 'Place'));
    await poll(() => got()?.entities?.[0]).toEqual({
      type: 'Place', geo: { type: 'GeoCoordinates', latitude: 41.38879, longitude: 2.15899 },
    });
    expect(got()?.text).toBe('📍 41.38879, 2.15899');
    await page.context().close();
  });

  it('uploads a photo: the bot receives an image attachment, and the widget shows the stored file through a signed link', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await page.locator('input[type=file]').setInputFiles({ name: 'bache.png', mimeType: 'image/png', buffer: PNG });

    const got = botGot((a) => (a.attachments ?? []).some((x) => x.contentType.startsWith('image/')));
    await poll(() => got()?.attachments?.[0]?.contentUrl).toBeTruthy();
    const url = got()?.attachments?.[0]?.contentUrl ?? '';
    // The bot's URL needs the conversation's token or a signature (issue 12); an <img> can send neither header.
    expect((await fetch(url)).status).toBe(403);
    // The preview is swapped for the server's copy once the echo arrives: a signed link to the same file.
    const img = log(page).locator('.cw-user img');
    await poll(() => img.getAttribute('src')).toContain(`/media/signed/${url.split('/').pop()}?`);
    const res = await fetch((await img.getAttribute('src'))!);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    await poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    await page.context().close();
  });

  it('shows the history again after a reload and keeps the same conversation', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await say(page, 'hola');
    await poll(() => log(page).locator('.cw-bot strong').count()).toBe(1);

    await page.reload();
    await page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await poll(() => log(page).locator('.cw-bot strong').textContent()).toBe('Hola!');
    expect(await log(page).locator('.cw-user').count()).toBe(1);
    await say(page, 'sigo aquí');
    await poll(() => log(page).locator('.cw-bot', { hasText: 'Recibido' }).count()).toBe(1);
    expect(await log(page).locator('.cw-user').count()).toBe(2);
    await page.context().close();
  });

  it('renders markup in citizen text as inert text', async () => {
    const page = await newPage(browser);
    const seen = watchForInjection(page);
    await openWidget(page);
    const evil = '<img src=x onerror=alert(1)>';
    await say(page, evil);

    await poll(() => botGot((a) => a.text === evil)()?.text).toBe(evil);
    await poll(() => log(page).locator('.cw-user:not(.cw-pending)').count()).toBe(1);
    expect(await log(page).locator('.cw-user .cw-text').textContent()).toBe(evil);
    expect(await log(page).locator('.cw-user img').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    await page.context().close();
  });

  it('shows a multi-line bot message as separate lines, and citizen text inside it literally', async () => {
    const page = await newPage(browser);
    const seen = watchForInjection(page);
    await openWidget(page);
    await say(page, 'hola');
    await poll(() => log(page).locator('.cw-bot strong').count()).toBe(1);
    const conversationId = server.received.at(-1)?.conversation?.id ?? '';
    const typed = '*urgente* <b>farola</b> [mira](javascript:alert(1)) _ya_';
    // A summary as the dialogs build it: sentences with new lines, the citizen's words placed by t().
    const lines = [t('es', 'summary.service', { service: 'Alumbrado' }), t('es', 'summary.description', { description: typed })].join('\n');
    await server.botSays(conversationId, t('es', 'intake.summary', { lines: markdown(lines) }));

    const summary = log(page).locator('.cw-bot', { hasText: 'Repasemos' }).locator('.cw-text');
    await poll(() => summary.count()).toBe(1);
    expect(await summary.evaluate((el) => (el as HTMLElement).innerText)).toBe(`Repasemos:\n• Servicio: Alumbrado\n• Descripción: ${typed}\n¿Lo envío?`);
    expect(await summary.locator('br').count()).toBe(3);
    expect(await summary.locator('strong, em, b, a, img').count()).toBe(0);
    expect(seen.dialogs).toEqual([]);
    await page.context().close();
  });

  it('labels every control, announces the log politely, and closes on Escape', async () => {
    const page = await newPage(browser);
    await openWidget(page);

    const logEl = page.getByRole('log');
    expect(await logEl.getAttribute('aria-live')).toBe('polite');
    for (const name of ['Compartir ubicación', 'Adjuntar foto', 'Enviar', 'Cerrar el chat']) {
      expect(await page.getByRole('button', { name, exact: true }).count()).toBe(1);
    }
    expect(await page.getByLabel('Escribe tu mensaje').evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);

    await page.keyboard.press('Escape');
    const launcher = page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' });
    expect(await launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await launcher.evaluate((el) => el === (el.getRootNode() as ShadowRoot).activeElement)).toBe(true);
    await page.context().close();
  });

  it('reconnects after the socket drops and shows what the bot sent meanwhile', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await say(page, 'hola');
    await poll(() => log(page).locator('.cw-bot strong').count()).toBe(1);
    const conversationId = server.received.at(-1)?.conversation?.id ?? '';

    server.dropSockets();
    await server.botSays(conversationId, 'Tu incidencia ha sido registrada');
    await poll(() => log(page).locator('.cw-bot', { hasText: 'Tu incidencia ha sido registrada' }).count()).toBe(1);
    await say(page, 'gracias');
    await poll(() => log(page).locator('.cw-bot', { hasText: 'Recibido' }).count()).toBe(1);
    await page.context().close();
  });

  it('flags the closed launcher when the bot writes while the panel is shut', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    await say(page, 'hola');
    await poll(() => log(page).locator('.cw-bot strong').count()).toBe(1);
    const conversationId = server.received.at(-1)?.conversation?.id ?? '';
    await page.keyboard.press('Escape');

    await server.botSays(conversationId, 'Tu incidencia ha sido resuelta');
    const flagged = page.getByRole('button', { name: 'Abrir el chat de atención ciudadana (mensajes nuevos)' });
    await poll(() => flagged.count()).toBe(1);
    await flagged.click();
    await poll(() => page.getByRole('button', { name: 'Abrir el chat de atención ciudadana', exact: true }).count()).toBe(1);
    await page.context().close();
  });

  it('starts open and in Catalan when the script tag says data-open="true" data-locale="ca"', async () => {
    const page = await newPage(browser);
    await page.route(`${server.url}/ca`, (route) =>
      route.fulfill({
        contentType: 'text/html',
        body: '<!doctype html><title>Ajuntament</title><p>Benvinguts</p><script src="/webchat.js" data-directline="/v3/directline" data-locale="ca" data-open="true" defer></script>',
      }),
    );
    await page.goto(`${server.url}/ca`);
    await poll(() => page.getByRole('dialog', { name: 'Atenció ciutadana' }).isVisible()).toBe(true);
    expect(await page.getByRole('button', { name: 'Compartir la ubicació', exact: true }).count()).toBe(1);
    await page.getByLabel('Escriu el teu missatge').fill('bon dia');
    await page.getByLabel('Escriu el teu missatge').press('Enter');
    await poll(() => botGot((a) => a.text === 'bon dia')()?.text).toBe('bon dia');
    await page.context().close();
  });

  it('fills a phone screen with the open panel', async () => {
    const page = await newPage(browser, { viewport: { width: 390, height: 844 } });
    await openWidget(page);
    const box = await page.getByRole('dialog').boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 390, height: 844 });
    await page.context().close();
  });

  it('leaves the host page styles and DOM untouched outside its shadow root', async () => {
    const page = await newPage(browser);
    await openWidget(page);
    expect(await page.locator('body > *').evaluateAll((els) => els.map((e) => e.id || e.tagName))).toEqual(['HEADER', 'MAIN', 'SCRIPT', 'cab-webchat']);
    expect(await page.evaluate(() => document.querySelectorAll('.cw-log').length)).toBe(0);
    await page.context().close();
  });
});

describe('widget assets', () => {
  // 10 KB before markdown-it (issue 14 part 3): reading CommonMark as Web Chat does, with its parser, costs ~43 KB.
  it('keeps the bundle under 60 KB gzipped', async () => {
    expect(await widgetGzipSize()).toBeLessThan(60 * 1024);
  });

  it('serves webchat.js as JavaScript with an ETag that revalidates to 304', async () => {
    const first = await fetch(`${server.url}/webchat.js`);
    expect(first.headers.get('content-type')).toMatch(/^text\/javascript/);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).not.toBe('');
    expect((await first.text()).length).toBeGreaterThan(1000);
    const again = await fetch(`${server.url}/webchat.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('embeds the widget in the demo page with one script tag', async () => {
    const html = await (await fetch(server.url)).text();
    expect(html).toContain('<script src="/webchat.js" data-directline="/v3/directline" data-locale="es"');
  });
});
