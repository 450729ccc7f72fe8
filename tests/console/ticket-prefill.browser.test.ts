import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';
import { REFERENCE, waitFor } from '../e2e/support';

/*
 * The ticket form pre-filled with what the bot collected (issue 15 part 1), in real Chromium: a citizen on
 * the web chat widget describes a street light, shares their location and a photo, then asks for a person;
 * the agent who claims the conversation finds the service, type, description, place and photo in the
 * ticket form, changes the address, and the ticket is created with the agent's address, the shared
 * coordinates and the citizen's photo.
 */

const DESK = 'atencion-ciudadana';
const tag = randomUUID().slice(0, 6);
const ana = `ana-${tag}@ajuntament.cat`;
const rig = useConsoleBrowser([{ email: ana, name: 'Ana', teams: [DESK, 'mantenimiento-urbano'] }]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });

const HERE = { latitude: 41.38879, longitude: 2.15899 };
const COMPLAINT = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
/** A 1×1 PNG, the "photo" of the street light. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

const botBubble = (page: Page, text: string | RegExp) => page.locator('.cw-log .cw-bot', { hasText: text });

async function say(page: Page, text: string): Promise<void> {
  await page.getByLabel('Escribe tu mensaje').fill(text);
  await page.getByLabel('Escribe tu mensaje').press('Enter');
}

describe('the ticket form of a handed-off conversation', () => {
  it("shows the bot's service, type, description, place and photo; the agent's changes are what the ticket gets", async () => {
    // Signed in first: with nobody of the team online the bot would offer to wait rather than queue.
    const page = await rig.logIn(ana);
    const seen = watchForInjection(page);
    const citizen = await newPage(rig.browser, { geolocation: HERE });
    await citizen.goto(rig.bot.url);
    await citizen.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await poll(() => botBubble(citizen, '¡Hola!').count()).toBe(1);
    await say(citizen, COMPLAINT);
    await poll(() => botBubble(citizen, '— ¿lo envío?').count()).toBe(1);
    await citizen.getByRole('button', { name: 'Compartir ubicación' }).click();
    await poll(() => botBubble(citizen, '— ¿lo envío?').count()).toBe(2);
    await citizen.locator('input[type=file]').setInputFiles({ name: 'farola.png', mimeType: 'image/png', buffer: PNG });
    await poll(() => botBubble(citizen, 'Fotos: 1').count()).toBe(1);
    await say(citizen, 'quiero hablar con una persona');
    await poll(() => botBubble(citizen, /persona|equipo/).count()).toBeGreaterThan(0);
    if (await citizen.getByRole('button', { name: 'Esperar' }).count()) await citizen.getByRole('button', { name: 'Esperar' }).click();
    const handoff = await waitFor(() => rig.db.kysely.selectFrom('handoffs').select('id').where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL', 60_000);

    const item = page.locator(`[data-testid="queue-item"][data-handoff-id="${handoff.id}"]`);
    await poll(() => item.count()).toBe(1);
    await item.click();
    await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('conversation-title');
    await page.keyboard.press('a');
    await poll(() => page.getByTestId('handoff-status').getAttribute('data-status')).toBe('assigned');

    // The form holds what the bot collected.
    expect(await page.getByTestId('ticket-service').inputValue()).toBe('alumbrado');
    expect(await page.getByTestId('ticket-type').inputValue()).toBe('reclamo');
    expect(await page.getByTestId('ticket-description').inputValue()).toContain('farola apagada');
    // The shared pin replaced the words: the bot's address is the pin's coordinates.
    expect(await page.getByTestId('ticket-address').inputValue()).toContain('41.38879, 2.15899');
    expect(Number(await page.getByTestId('ticket-lat').inputValue())).toBeCloseTo(HERE.latitude, 5);
    expect(Number(await page.getByTestId('ticket-lon').inputValue())).toBeCloseTo(HERE.longitude, 5);
    const photo = page.getByTestId('ticket-photos').getByRole('checkbox', { name: 'Foto 1' });
    expect(await photo.isChecked()).toBe(true);
    await poll(() => page.getByTestId('ticket-photos').locator('img').evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);

    // The agent corrects the place before creating it.
    await page.getByLabel('Dirección').fill('Carrer de Colom, 12');
    await page.getByTestId('ticket-create').click();
    await poll(() => page.locator('.ticket-panel [role="status"]').textContent()).toMatch(REFERENCE);
    const reference = REFERENCE.exec((await page.locator('.ticket-panel [role="status"]').textContent()) ?? '')![0];
    const ticket = await rig.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(ticket).toMatchObject({ service: 'alumbrado', type: 'reclamo', address: 'Carrer de Colom, 12' });
    expect(ticket.lat).toBeCloseTo(HERE.latitude, 5);
    expect(ticket.lon).toBeCloseTo(HERE.longitude, 5);
    const attachments = await rig.db.kysely.selectFrom('ticket_attachments').selectAll().where('ticket_id', '=', ticket.id).execute();
    expect(attachments).toHaveLength(1);
    expect(seen.errors).toEqual([]);
  }, 180_000);
});
