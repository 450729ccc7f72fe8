import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, DlConversation, startTestApp, waitFor, type RunningApp } from './support';
import { optionsOf, startGraphApiServer, textOfMessage, type GraphApiServer, type PostedMessage } from '../support/graph-api-server';
import { listReply, location, newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

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

const sentTo = (waId: string): PostedMessage[] => graph.messages.filter((m) => m.to === waId);

async function ask(waId: string, message: ReturnType<typeof text>, expected: RegExp): Promise<PostedMessage> {
  const before = sentTo(waId).length;
  expect((await postWebhook(bot.url, webhook(graph, { messages: [message] }))).status).toBe(200);
  return waitFor(() => sentTo(waId).slice(before).find((m) => expected.test(textOfMessage(m.body))), `a reply matching ${expected}`);
}

/** Files a complaint on WhatsApp; returns its reference. */
async function fileOnWhatsApp(waId: string): Promise<string> {
  // What without where: the only question is where; then the one confirmation.
  await ask(waId, text(waId, 'Hay una farola apagada desde hace una semana'), /¿Dónde está\?/);
  const summary = await ask(waId, location(waId, 41.3874, 2.1686, 'Calle Colón 12'), /— ¿lo envío\?/);
  const send = optionsOf(summary.body).find((o) => o.title === 'Enviar')!;
  const done = await ask(waId, listReply(waId, send.id, send.title), REFERENCE);
  return REFERENCE.exec(textOfMessage(done.body))![0];
}

/** Posts on the web chat and waits for the reply that matches. */
async function say(c: DlConversation, message: string, expected: RegExp): Promise<string> {
  const { id } = await c.ask(message);
  const reply = await waitFor(() => c.repliesTo(id).find((a) => expected.test(a.text ?? '')), `a web chat reply matching ${expected}`);
  return reply.text ?? '';
}

describe('one citizen across channels, linked by a code sent to WhatsApp', () => {
  it('links the web chat to a WhatsApp number only with the right code, then lists the WhatsApp tickets there', async () => {
    const waId = newWaId();
    const reference = await fileOnWhatsApp(waId);

    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      // Typing a number proves nothing: before the link the web chat has no tickets.
      expect(await say(web, 'mis reclamos', /todavía|no tienes|ningún|no hay/i)).not.toContain(reference);

      await say(web, 'vincular mi whatsapp', /número de WhatsApp/);
      await say(web, 'mi número es el de siempre', /no parece válido/);
      const before = sentTo(waId).length;
      await say(web, `+${waId.slice(0, 2)} ${waId.slice(2)}`, new RegExp(`terminado en …${waId.slice(-4)}`));
      const codeMessage = await waitFor(() => sentTo(waId).slice(before).find((m) => /\b\d{6}\b/.test(textOfMessage(m.body))), 'the code on WhatsApp');
      const code = /\b(\d{6})\b/.exec(textOfMessage(codeMessage.body))![1]!;

      const wrong = code === '000000' ? '111111' : '000000';
      await say(web, wrong, /no es correcto/);
      expect(await say(web, 'mis reclamos', /no es correcto|todavía|no tienes|ningún|no hay/i)).not.toContain(reference);
      await say(web, code, /vinculado/);

      expect(await say(web, 'mis reclamos', new RegExp(reference))).toContain(reference);
      // And the other way: the WhatsApp chat keeps seeing its ticket.
      expect(textOfMessage((await ask(waId, text(waId, 'mis reclamos'), new RegExp(reference))).body)).toContain(reference);
    } finally {
      web.end();
    }
  });

  it('gives up after three wrong codes and links nothing', async () => {
    const waId = newWaId();
    const reference = await fileOnWhatsApp(waId); // what a wrongful link would reveal
    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      await say(web, 'link my whatsapp', /WhatsApp/);
      const before = sentTo(waId).length;
      await say(web, `+${waId}`, /WhatsApp/);
      const codeMessage = await waitFor(() => sentTo(waId).slice(before).find((m) => /\b\d{6}\b/.test(textOfMessage(m.body))), 'the code on WhatsApp');
      const code = /\b(\d{6})\b/.exec(textOfMessage(codeMessage.body))![1]!;
      const wrong = ['000001', '000002', '000003', '000004'].filter((c) => c !== code).slice(0, 3);
      await say(web, wrong[0]!, /correct|not right/);
      await say(web, wrong[1]!, /correct|not right/);
      await say(web, wrong[2]!, /intentos|tries|intents/);
      // The attempt is over: the right code now is just a message, and nothing was linked.
      expect(await say(web, code, /.+/)).not.toMatch(/vinculado|linked/);
      const ticketsAfter = await say(web, 'my tickets', /.+/);
      expect(ticketsAfter).not.toContain(reference);
    } finally {
      web.end();
    }
  });

  it('sends the code as a template to a number that never wrote (outside the 24-hour window)', async () => {
    const waId = newWaId();
    const web = await DlConversation.open(bot.url);
    try {
      await web.botSays(/Hola/);
      await say(web, 'link my whatsapp', /WhatsApp/);
      await say(web, `+${waId}`, /WhatsApp/);
      const code = await waitFor(() => sentTo(waId)[0], 'the code on WhatsApp');
      expect(code.body.type).toBe('template');
      expect(textOfMessage(code.body)).toMatch(/\b\d{6}\b/);
    } finally {
      web.end();
    }
  });
});
