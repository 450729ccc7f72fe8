import { request } from 'node:http';
import { randomInt, randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { watchForInjection } from '../support/browser';
import { ConsoleClient } from '../support/console-client';
import { useConsoleBrowser } from '../support/console-browser';
import { TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { waitFor } from '../e2e/support';

/*
 * An agent sends the citizen a photo from the console (issue 15 part 1), in real Chromium: the photo
 * reaches the citizen on web chat as an image they can open, and is in the transcript; on Telegram
 * (telegram-test-api) it goes as a photo (sendPhoto) Telegram can fetch; an oversized file
 * is refused with a clear error, and a truncated upload is refused too, with nothing stored either time.
 */

const DESK = 'atencion-ciudadana';
const tag = randomUUID().slice(0, 6);
const ana = `ana-${tag}@ajuntament.cat`;
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator | undefined;
const rig = useConsoleBrowser([{ email: ana, name: 'Ana', teams: [DESK] }], {
  env: async () => {
    emulator = await TelegramEmulator.start();
    return { TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot };
  },
});
afterAll(async () => {
  await emulator?.stop();
});
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** Opens the waiting conversation from the queue and claims it by keyboard. */
async function claim(page: Page, id: string): Promise<void> {
  await page.locator(`[data-testid="queue-item"][data-handoff-id="${id}"]`).click();
  await poll(() => page.evaluate(() => document.activeElement?.id)).toBe('conversation-title');
  await page.keyboard.press('a');
  await poll(() => page.getByTestId('handoff-status').getAttribute('data-status')).toBe('assigned');
}

/** A multipart upload whose body stops halfway (the connection ends before the closing boundary). */
function truncatedUpload(client: ConsoleClient, id: string): Promise<{ status: number; body: string }> {
  const boundary = `b-${randomUUID()}`;
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="x.png"\r\nContent-Type: image/png\r\n\r\n`);
  const url = new URL(`${client.baseUrl}/console/api/handoffs/${id}/files`);
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: 'POST',
      headers: { cookie: client.cookie, origin: client.baseUrl, 'x-csrf-token': client.me.csrf, 'content-type': `multipart/form-data; boundary=${boundary}` },
    }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.write(Buffer.concat([head, PNG]));
    req.end(); // no closing boundary: the form ends inside its file part
  });
}

describe('an agent sends the citizen a photo', () => {
  it('reaches the citizen on web chat as an image and is in the transcript; oversized and truncated uploads are refused and store nothing', async () => {
    const { citizen, id } = await rig.citizenWaiting();
    const page = await rig.logIn(ana);
    const seen = watchForInjection(page);
    await claim(page, id);

    const files = () => rig.db.kysely.selectFrom('messages').select('attachments').where('conversation_id', '=', `webchat:${citizen.conversationId}`).where('direction', '=', 'out').where('attachments', 'is not', null).execute();

    // Over 5 MB: a clear error in the composer, nothing sent.
    await page.getByTestId('composer-input').fill('El plano');
    await page.getByLabel('Enviar una foto').setInputFiles({ name: 'grande.png', mimeType: 'image/png', buffer: Buffer.concat([PNG, Buffer.alloc(5 * 1024 * 1024)]) });
    await poll(() => page.locator('.composer-area [role="alert"]').textContent()).toContain('demasiado grande');
    expect(await page.getByTestId('composer-input').inputValue()).toBe('El plano');

    // Truncated: refused as malformed, nothing sent.
    const client = await ConsoleClient.login(rig.bot.url, ana);
    const cut = await truncatedUpload(client, id);
    expect(cut.status).toBe(400);
    expect(JSON.parse(cut.body).error.code).toBe('E_BAD_INPUT');

    // The photo with the reply box's text as its caption.
    await page.getByTestId('composer-input').fill('Así quedará la calle');
    await page.getByLabel('Enviar una foto').setInputFiles({ name: 'calle.png', mimeType: 'image/png', buffer: PNG });
    const got = await citizen.botSays((a) => (a.attachments ?? []).some((x) => x.contentType === 'image/png'), 30_000);
    expect(got.text).toContain('Así quedará la calle');
    const url = got.attachments!.find((x) => x.contentType === 'image/png')!.contentUrl!;
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    await poll(() => page.getByTestId('composer-input').inputValue()).toBe('');
    expect(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid'])).toBe('composer-input');

    // One file in the transcript: the refused ones left nothing. The agent sees it there too, and it loads.
    await poll(async () => (await files()).length).toBe(1);
    const shown = page.getByTestId('transcript').locator('img');
    await poll(() => shown.count()).toBe(1);
    await poll(() => shown.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1);
    expect(seen.errors).toEqual([]);
    citizen.end();
  }, 180_000);

  it('reaches the citizen on Telegram as a photo with its caption, and a PDF as a document', async () => {
    const page = await rig.logIn(ana);
    const chatId = randomInt(1_000_000, 9_000_000);
    const chat = new TelegramChat(emulator!, token, chatId, 'es');
    const asked = await chat.ask('quiero hablar con una persona');
    if (/no hay nadie del equipo/.test(asked.text ?? '')) await chat.press('Esperar');
    const row = await waitFor(() => rig.db.kysely.selectFrom('handoffs').select('id').where('channel', '=', 'telegram').where('conversation_id', 'like', `%${chatId}%`).where('status', '=', 'queued').executeTakeFirst(), 'the Telegram handoff in SQL', 60_000);
    await claim(page, row.id);
    await page.getByTestId('composer-input').fill('Mire esta foto');
    await page.getByLabel('Enviar una foto').setInputFiles({ name: 'calle.png', mimeType: 'image/png', buffer: PNG });
    let photo = await chat.next(30_000);
    while (!photo.photo) photo = await chat.next(30_000);
    const res = await fetch(photo.photo);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    const caption = photo.caption ?? (await chat.next(30_000)).text;
    expect(caption).toContain('Mire esta foto');

    // A PDF goes as a Telegram document, uploaded with its name and bytes.
    const pdf = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    await page.getByLabel('Enviar una foto').setInputFiles({ name: 'permiso.pdf', mimeType: 'application/pdf', buffer: pdf });
    let doc = await chat.next(30_000);
    while (!doc.document) doc = await chat.next(30_000);
    expect(doc.document.filename).toBe('permiso.pdf');
    expect(doc.document.data.equals(pdf)).toBe(true);
  }, 180_000);
});
