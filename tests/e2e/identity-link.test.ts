import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlConversation, startTestApp, waitFor, type RunningApp } from './support';
import { CloudCitizen } from './cloud-citizen';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { newWaId, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

/*
 * One citizen across channels: a complaint filed on WhatsApp (Cloud API, local Graph server) shows up
 * in "my tickets" on the web chat only after the web chat proved the number with a code sent to it.
 */

let graph: GraphApiServer;
let bot: RunningApp;
beforeAll(async () => {
  graph = await startGraphApiServer();
  // A number that never wrote to the city is outside WhatsApp's 24-hour window: the code goes as a template.
  bot = await startTestApp(whatsappEnv(graph, { WHATSAPP_CLOUD_TEMPLATE: 'verification_code' }));
});
afterAll(async () => {
  await bot?.stop();
  await graph?.close();
});

describe('one citizen across channels, linked by a code sent to WhatsApp', () => {
  it('links the web chat to a WhatsApp number only with the right code, then lists the WhatsApp tickets there', async () => {
    const wa = new CloudCitizen(bot.url, graph, newWaId());
    const waId = wa.waId;
    const reference = await wa.fileComplaint();

    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      // Typing a number proves nothing: before the link the web chat has no tickets.
      expect(await web.says('mis reclamos', /todavía|no tienes|ningún|no hay/i)).not.toContain(reference);

      await web.says('vincular mi whatsapp', /número de WhatsApp/);
      await web.says('mi número es el de siempre', /no parece válido/);
      const before = wa.received().length;
      await web.says(`+${waId.slice(0, 2)} ${waId.slice(2)}`, new RegExp(`terminado en …${waId.slice(-4)}`));
      const code = await wa.codeAfter(before);

      const wrong = code === '000000' ? '111111' : '000000';
      await web.says(wrong, /no es correcto/);
      expect(await web.says('mis reclamos', /no es correcto|todavía|no tienes|ningún|no hay/i)).not.toContain(reference);
      await web.says(code, /vinculado/);

      expect(await web.says('mis reclamos', new RegExp(reference))).toContain(reference);
      // And the other way: the WhatsApp chat keeps seeing its ticket.
      expect(await wa.says('mis reclamos', new RegExp(reference))).toContain(reference);
    } finally {
      web.end();
    }
  });

  it('gives up after three wrong codes and links nothing', async () => {
    const wa = new CloudCitizen(bot.url, graph, newWaId());
    const waId = wa.waId;
    const reference = await wa.fileComplaint(); // what a wrongful link would reveal
    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      await web.says('link my whatsapp', /WhatsApp/);
      const before = wa.received().length;
      await web.says(`+${waId}`, /WhatsApp/);
      const code = await wa.codeAfter(before);
      const wrong = ['000001', '000002', '000003', '000004'].filter((c) => c !== code).slice(0, 3);
      await web.says(wrong[0]!, /correct|not right/);
      await web.says(wrong[1]!, /correct|not right/);
      await web.says(wrong[2]!, /intentos|tries|intents/);
      // The attempt is over: the right code now is just a message, and nothing was linked.
      expect(await web.says(code, /.+/)).not.toMatch(/vinculado|linked/);
      const ticketsAfter = await web.says('my tickets', /.+/);
      expect(ticketsAfter).not.toContain(reference);
    } finally {
      web.end();
    }
  });

  it('sends the code as a template to a number that never wrote (outside the 24-hour window)', async () => {
    const wa = new CloudCitizen(bot.url, graph, newWaId());
    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      await web.says('link my whatsapp', /WhatsApp/);
      await web.says(`+${wa.waId}`, /WhatsApp/);
      const code = await waitFor(() => wa.received()[0], 'the code on WhatsApp');
      expect(code.body.type).toBe('template');
      expect(textOfMessage(code.body)).toMatch(/\b\d{6}\b/);
    } finally {
      web.end();
    }
  });
});
