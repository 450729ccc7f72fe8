import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { ConsoleMessage, QueueItem, ServerEvent } from '../../console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * Issue 12, part 6: `GET /media/<name>` opens only with a signature or the web chat conversation's
 * token, so the console (behind the agent's cookie) gets the citizen's photos as signed links, minted
 * only into the views the console's checks let the agent see: live messages and the handoff's transcript.
 */

const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-media-'));
let bot: RunningApp;
let db: Db;
let ana: ConsoleClient;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana.media@ajuntament.cat', 'Ana', ['atencion-ciudadana']);
  ana = await ConsoleClient.login(bot.url, 'ana.media@ajuntament.cat');
  await ana.connect();
});
afterAll(async () => {
  ana?.disconnect();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const queued = (key: string): QueueItem | undefined =>
  ana.events.flatMap((e) => (e.type === 'queue' && e.team === 'atencion-ciudadana' ? e.items : [])).find((i) => i.conversationKey === key);
const live = (): ConsoleMessage[] => ana.events.flatMap((e: ServerEvent) => (e.type === 'message' ? [e.message] : []));

async function expectSignedPhoto(url: string | undefined): Promise<void> {
  expect(url).toMatch(/\/media\/signed\/[A-Za-z0-9_-]{24}\.png\?expires=\d+&sig=/);
  const res = await fetch(url!);
  expect(res.status).toBe(200);
  expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
}

describe("a citizen's photo in the console", () => {
  it('reaches the agent as a signed link that loads, live and in the transcript, while the plain URL stays closed', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    await citizen.ask('quiero hablar con una persona');
    const key = `webchat:${citizen.conversationId}`;
    const item = await waitFor(() => queued(key), 'the conversation in the queue');
    expect((await ana.post(`/handoffs/${item.id}/claim`)).status).toBe(200);

    const token = (citizen.dl as unknown as { token: string }).token; // directlinejs keeps the current token here
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'bache.png');
    const upload = await fetch(`${bot.url}/v3/directline/conversations/${citizen.conversationId}/upload?userId=citizen`, {
      method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form,
    });
    expect(upload.status).toBe(200);

    const message = await waitFor(() => live().find((m) => m.conversationKey === key && m.images?.length), 'the photo on the console socket');
    await expectSignedPhoto(message.images?.[0]);
    const plain = message.images![0]!.replace('/media/signed/', '/media/').replace(/\?.*$/, '');
    expect((await fetch(plain)).status).toBe(403);

    const detail = await ana.get(`/handoffs/${item.id}`);
    const line = (detail.body.transcript as ConsoleMessage[]).find((m) => m.images?.length);
    await expectSignedPhoto(line?.images?.[0]);
    citizen.end();
  });
});
