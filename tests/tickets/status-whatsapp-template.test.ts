import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { optionsOf, startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { redisClient } from '../support/redis';
import { pushStatus, startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';
import { listReply, newWaId, postWebhook, text, webhook, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';

/*
 * A status change of a ticket filed on WhatsApp, pushed by the city a day later: outside WhatsApp's
 * 24-hour window the citizen gets it as the configured template, on the channel they used.
 */

const SECRET = 'city-shared-secret-0123456789';
let graph: GraphApiServer;
let city: WebhookReceiver;
let bot: RunningApp;

beforeAll(async () => {
  graph = await startGraphApiServer();
  city = await startWebhookReceiver(SECRET);
  bot = await startTestApp(whatsappEnv(graph, {
    WHATSAPP_CLOUD_TEMPLATE: 'aviso_ayuntamiento', TICKET_CONNECTOR: 'webhook', WEBHOOK_URL: city.url, WEBHOOK_SECRET: SECRET,
    TICKET_RETRY_BASE_MS: '5', TICKET_RETRY_MAX_MS: '200', TICKET_POLL_SECONDS: '0',
  }));
});
afterAll(async () => {
  await bot?.stop();
  await city?.close();
  await graph?.close();
});

describe('status updates on WhatsApp', () => {
  it('sends the template with the update when the citizen last wrote more than 24 hours ago', async () => {
    const waId = newWaId();
    const sent = () => graph.messages.filter((m) => m.to === waId);
    const say = async (message: ReturnType<typeof text>) => expect((await postWebhook(bot.url, webhook(graph, { messages: [message] }))).status).toBe(200);
    const next = (re: RegExp) => waitFor(() => sent().find((m) => re.test(textOfMessage(m.body))), `a WhatsApp message ${re}`);
    const pick = async (re: RegExp, title: string) => {
      const option = optionsOf((await next(re)).body).find((o) => o.title === title)!;
      await say(listReply(waId, option.id, option.title));
    };

    await say(text(waId, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'));
    // What and where in one message: one confirmation (a list of five options), then the ticket.
    await pick(/Alumbrado público/, 'Enviar');
    const reference = /ALU-\d{4}-\d{6}/.exec(textOfMessage((await next(/lo estoy enviando/)).body))![0];
    await next(new RegExp(`ya recibió tu trámite ${reference}`));
    expect(sent().every((m) => m.body.type !== 'template')).toBe(true);

    // A day passes: the citizen's last message is now 25 hours old.
    const redis = redisClient();
    await redis.zadd(`${bot.config.REDIS_PREFIX}:wac:last-inbound`, Date.now() - 25 * 3_600_000, waId);
    await redis.quit();
    const id = city.tickets.find((t) => t.ticket.reference === reference)!.id;
    expect((await pushStatus(bot.url, SECRET, { event: 'ticket.status', id, status: 'resolved', note: 'Farola cambiada' })).status).toBe(204);
    const update = await next(new RegExp(`${reference} cambió de estado`));
    expect(update.body.type).toBe('template');
    expect(update.body.template.name).toBe('aviso_ayuntamiento');
    expect(textOfMessage(update.body)).toMatch(/Resuelto.*Farola cambiada/);
  });
});
