import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { widgetGzipSize } from '../../../../channels/webchat/widget-assets';
import { markdown, t } from '../../../../dialogs/i18n';
import { launchBrowser, newPage, watchForInjection } from '../../../support/browser';
import { PNG, startWidgetServer, type WidgetServer } from '../../../support/widget-server';

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
 * The widget server (tests/support/widget-server.ts) with a scripted bot: "hola" gets a markdown reply
 * with suggested actions ["Sí","No"] (values "yes"/"no") and an image; anything else gets "Recibido (n)".
 */
async function startServer(): Promise<WidgetServer & {
  received: Received[];
  /** Sends as the bot to a conversation (e.g. while the citizen is offline). */
  botSays(conversationId: string, text: string): Promise<void>;
}> {
  const received: Received[] = [];
  const server = await startWidgetServer({
    async bot(activity, send, url) {
      if (activity.type !== 'message') return;
      received.push(activity as Received);
      const conversationId = activity.conversation?.id ?? '';
      if (activity.text === 'hola') {
        await send(conversationId, [
          { type: 'typing' },
          {
            type: 'message',
            text: '**Hola!** ¿Quieres _continuar_?\nTrámites en [la sede](https://sede.example/tramites) o [aquí](javascript:alert(1)).',
            suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Sí', value: 'yes' }, { type: 'imBack', title: 'No', value: 'no' }] },
            attachments: [{ contentType: 'image/png', contentUrl: `${url}/logo.png`, name: 'Escudo municipal' }],
          },
        ]);
      } else {
        await send(conversationId, [{ type: 'message', text: `Recibido (${received.length})` }]);
      }
    },
  });
  return { ...server, received, botSays: (conversationId, text) => server.send(conversationId, [{ type: 'message', text }]) };
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
