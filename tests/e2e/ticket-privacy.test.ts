import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { loadCatalog } from '../../catalog/load-catalog';
import { DlConversation, startTestApp, type RunningApp } from './support';
import { CloudCitizen } from './cloud-citizen';
import { startGraphApiServer, type GraphApiServer } from '../support/graph-api-server';
import { newWaId, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

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

describe("a ticket's note reaches only its citizen, on whichever linked channel", () => {
  it('another chat asking by reference gets the public status; linked to the number, the same chat gets the note', async () => {
    const wa = new CloudCitizen(bot.url, graph, newWaId());
    const waId = wa.waId;
    const reference = await wa.fileComplaint();
    await new BuiltinConnector(db, loadCatalog('config/catalog.yaml')).updateStatus(reference, 'in_progress', NOTE);

    // The owner, on WhatsApp.
    expect(await wa.says(`¿Cómo va ${reference}?`, new RegExp(reference))).toContain(NOTE);

    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      const stranger = await web.says(`¿Cómo va ${reference}?`, new RegExp(reference));
      expect(stranger).toContain('Alumbrado público');
      expect(stranger).toMatch(/Estado: En curso/);
      expect(stranger).not.toContain(NOTE);
      expect(stranger).not.toContain('Colón');

      await web.says('vincular mi whatsapp', /número de WhatsApp/);
      const before = wa.received().length;
      await web.says(`+${waId}`, /terminado en/);
      await web.says(await wa.codeAfter(before), /vinculado/);

      expect(await web.says(`¿Cómo va ${reference}?`, new RegExp(reference))).toContain(`Nota: ${NOTE}`);
    } finally {
      web.end();
    }
  });
});
