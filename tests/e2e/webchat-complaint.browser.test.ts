import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { HistoryStore } from '../../bot/sql/history-store';
import { launchBrowser, newPage, watchForInjection } from '../support/browser';
import { REFERENCE, startTestApp, waitFor, type RunningApp } from './support';

/*
 * The acceptance test: the whole bot (ROLE=all, SQLite in a temp folder) and a citizen in real
 * Chromium using the widget served at `/`, from the first words to the ticket in the database.
 */

/** A 1×1 PNG, the "photo" of the street light. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const HERE = { latitude: 41.38879, longitude: 2.15899 };
const COMPLAINT = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';

let browser: Browser;
let bot: RunningApp;
let db: Db | undefined;

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp()]);
});
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const log = (page: Page) => page.locator('.cw-log');
const botBubble = (page: Page, text: string | RegExp) => log(page).locator('.cw-bot', { hasText: text });

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Escribe tu mensaje').fill(text);
  await page.getByLabel('Escribe tu mensaje').press('Enter');
}

describe('a citizen reports a street light in the web chat widget', () => {
  it('files the complaint with location and photo, gets a reference, follows it, and the ticket and transcript are in SQL', async () => {
    const page = await newPage(browser, { geolocation: HERE });
    const seen = watchForInjection(page);
    await page.goto(bot.url);
    await page.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await poll(() => page.getByRole('dialog', { name: 'Ciudad Ejemplo' }).isVisible()).toBe(true);
    await poll(() => botBubble(page, '¡Hola!').count()).toBe(1);

    // What and where in one message: the one confirmation; the pin and the photo sent there join the report.
    await say(page, COMPLAINT);
    await poll(() => botBubble(page, '— ¿lo envío?').count()).toBe(1);
    expect(await botBubble(page, '— ¿lo envío?').first().textContent()).toContain('Reclamo de Alumbrado público en calle Colón 12');
    await page.getByRole('button', { name: 'Compartir ubicación' }).click();
    await poll(() => botBubble(page, '— ¿lo envío?').count()).toBe(2);

    await page.locator('input[type=file]').setInputFiles({ name: 'farola.png', mimeType: 'image/png', buffer: PNG });
    // The widget shows the stored photo through the signed link of its echo (GET /media/<name> wants a token an <img> cannot send).
    const photoImg = log(page).locator('.cw-user img');
    await poll(() => photoImg.getAttribute('src')).toContain('/media/signed/');
    await poll(() => photoImg.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

    await poll(() => botBubble(page, 'Fotos: 1').count()).toBe(1);
    const summary = (await botBubble(page, 'Fotos: 1').textContent()) ?? '';
    expect(summary).toContain('Alumbrado público');
    expect(summary).toContain('41.38879, 2.15899');
    await page.locator('.cw-actions').getByRole('button', { name: 'Enviar', exact: true }).click();

    await poll(() => botBubble(page, REFERENCE).count()).toBe(1);
    const reference = REFERENCE.exec((await botBubble(page, REFERENCE).textContent()) ?? '')?.[0] ?? '';
    expect(reference).toMatch(REFERENCE);

    await say(page, `¿cómo va mi reclamo ${reference}?`);
    await poll(() => botBubble(page, 'Estado:').count()).toBe(1);
    const status = (await botBubble(page, 'Estado:').textContent()) ?? '';
    expect(status).toContain(reference);
    expect(status).toContain('Recibido');
    expect(seen.dialogs).toEqual([]);

    // The ticket, with the shared location and the photo, is in the bot's SQLite database.
    db = await openDatabase({ sqlitePath: bot.sqlitePath });
    const ticket = await db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ service: 'alumbrado', type: 'reclamo', status: 'open', channel: 'webchat', description: COMPLAINT });
    expect(ticket.lat).toBeCloseTo(HERE.latitude, 5);
    expect(ticket.lon).toBeCloseTo(HERE.longitude, 5);
    const attachments = await db.kysely.selectFrom('ticket_attachments').selectAll().where('ticket_id', '=', ticket.id).execute();
    expect(attachments).toHaveLength(1);
    expect(attachments[0]?.content_type).toBe('image/png');
    const stored = attachments[0]?.url ?? '';
    expect((await fetch(stored)).status).toBe(403);
    const shown = (await photoImg.getAttribute('src')) ?? '';
    expect(new URL(shown).pathname).toBe(`/media/signed/${stored.split('/').pop()}`);
    const photo = await fetch(shown);
    expect(Buffer.from(await photo.arrayBuffer()).equals(PNG)).toBe(true);

    // The transcript agents read holds both directions of this conversation (flushed from the transcript outbox in batches, so poll).
    const history = new HistoryStore(db);
    const transcript = await waitFor(async () => {
      const t = await history.transcript('webchat', ticket.conversation_id);
      return t.some((e) => e.direction === 'out' && (e.text ?? '').includes('Estado:')) ? t : undefined;
    }, 'the transcript up to the status answer');
    const said = transcript.filter((e) => e.direction === 'in');
    expect(said.map((e) => e.text)).toEqual(expect.arrayContaining([COMPLAINT, `¿cómo va mi reclamo ${reference}?`]));
    expect(said.some((e) => (e.entities ?? []).some((x) => (x as { type?: string }).type === 'Place'))).toBe(true);
    expect(said.some((e) => (e.attachments ?? []).some((x) => (x as { contentType?: string }).contentType === 'image/png'))).toBe(true);
    const answered = transcript.filter((e) => e.direction === 'out').map((e) => e.text ?? '');
    expect(answered.some((t) => t.includes(reference) && !t.includes('Estado:'))).toBe(true);
    expect(answered.some((t) => t.includes('Estado:'))).toBe(true);
    await page.context().close();
  });
});
