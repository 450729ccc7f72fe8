import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { loadCatalog } from '../../catalog/load-catalog';
import { REFERENCE, DlConversation, startTestApp, waitFor, type RunningApp } from './support';
import { optionsOf, startGraphApiServer, textOfMessage, type GraphApiServer, type PostedMessage } from '../support/graph-api-server';
import { listReply, location, newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

/*
 * A ticket filed on WhatsApp, asked about by reference on the web chat: before the web chat is linked to
 * that number it is someone else asking (public status only); after the link it is the same citizen
 * (the back office's note too).
 */

const NOTE = 'Brigada asignada para el jueves';

let graph: GraphApiServer;
let bot: RunningApp;
let db: Db;
beforeAll(async () => {
  graph = await startGraphApiServer();
  bot = await startTestApp(whatsappEnv(graph, { WHATSAPP_CLOUD_TEMPLATE: 'verification_code' }));
  // The back office's side: a second handle on the app's SQLite file, to write a status with a note.
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
});
afterAll(async () => {
  await db?.close();
  await bot?.stop();
  await graph?.close();
});

const sentTo = (waId: string): PostedMessage[] => graph.messages.filter((m) => m.to === waId);

async function ask(waId: string, message: ReturnType<typeof text>, expected: RegExp): Promise<PostedMessage> {
  const before = sentTo(waId).length;
  expect((await postWebhook(bot.url, webhook(graph, { messages: [message] }))).status).toBe(200);
  return waitFor(() => sentTo(waId).slice(before).find((m) => expected.test(textOfMessage(m.body))), `a reply matching ${expected}`);
}

async function fileOnWhatsApp(waId: string): Promise<string> {
  // What without where: the only question is where; then the one confirmation.
  await ask(waId, text(waId, 'Hay una farola apagada desde hace una semana'), /¿Dónde está\?/);
  const summary = await ask(waId, location(waId, 41.3874, 2.1686, 'Calle Colón 12'), /— ¿lo envío\?/);
  const send = optionsOf(summary.body).find((o) => o.title === 'Enviar')!;
  const done = await ask(waId, listReply(waId, send.id, send.title), REFERENCE);
  return REFERENCE.exec(textOfMessage(done.body))![0];
}

async function say(c: DlConversation, message: string, expected: RegExp): Promise<string> {
  const { id } = await c.ask(message);
  const reply = await waitFor(() => c.repliesTo(id).find((a) => expected.test(a.text ?? '')), `a web chat reply matching ${expected}`);
  return reply.text ?? '';
}

describe("a ticket's note reaches only its citizen, on whichever linked channel", () => {
  it('another chat asking by reference gets the public status; linked to the number, the same chat gets the note', async () => {
    const waId = newWaId();
    const reference = await fileOnWhatsApp(waId);
    await new BuiltinConnector(db, loadCatalog('config/catalog.yaml')).updateStatus(reference, 'in_progress', NOTE);

    // The owner, on WhatsApp.
    expect(textOfMessage((await ask(waId, text(waId, `¿Cómo va ${reference}?`), new RegExp(reference))).body)).toContain(NOTE);

    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      const stranger = await say(web, `¿Cómo va ${reference}?`, new RegExp(reference));
      expect(stranger).toContain('Alumbrado público');
      expect(stranger).toMatch(/Estado: En curso/);
      expect(stranger).not.toContain(NOTE);
      expect(stranger).not.toContain('Colón');

      await say(web, 'vincular mi whatsapp', /número de WhatsApp/);
      const before = sentTo(waId).length;
      await say(web, `+${waId}`, /terminado en/);
      const codeMessage = await waitFor(() => sentTo(waId).slice(before).find((m) => /\b\d{6}\b/.test(textOfMessage(m.body))), 'the code on WhatsApp');
      await say(web, /\b(\d{6})\b/.exec(textOfMessage(codeMessage.body))![1]!, /vinculado/);

      expect(await say(web, `¿Cómo va ${reference}?`, new RegExp(reference))).toContain(`Nota: ${NOTE}`);
    } finally {
      web.end();
    }
  });
});
