import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REMINDERS_QUEUE } from '../../queues/appointment-reminders';
import { newWaId, text, whatsappEnv } from '../channels/whatsapp-cloud/webhooks';
import { CloudCitizen } from '../e2e/cloud-citizen';
import { startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { startGraphApiServer, textOfMessage, type GraphApiServer } from '../support/graph-api-server';
import { redisClient } from '../support/redis';

/*
 * The reminder the day before on WhatsApp Cloud (issue 16 part 1), through the whole app and a local Graph
 * API server, with the clock pinned: a citizen books on Monday 1 March 2027 at 08:00 in Madrid for Tuesday
 * at 10:00; on Tuesday at 08:30 their last message is 24.5 hours old, so WhatsApp allows only a template,
 * and the reminder goes as the configured one, carrying the reminder's sentence.
 */

const MONDAY_8 = Date.parse('2027-03-01T07:00:00.000Z');
const TUESDAY_8_30 = Date.parse('2027-03-02T07:30:00.000Z');
let now = MONDAY_8;
let graph: GraphApiServer;
let bot: RunningApp;

beforeAll(async () => {
  graph = await startGraphApiServer();
  bot = await startTestApp(whatsappEnv(graph, { WHATSAPP_CLOUD_TEMPLATE: 'aviso_ayuntamiento', WHATSAPP_CLOUD_TEMPLATE_LANG: 'es' }), { clock: () => now });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await graph?.close();
});

/** One run of the reminders, as the job scheduler would start it every 15 minutes. */
async function runReminders(): Promise<void> {
  const connection = redisClient();
  const queue = new Queue(REMINDERS_QUEUE, { connection, prefix: bot.config.REDIS_PREFIX });
  try {
    await queue.add('remind', {});
  } finally {
    await queue.close();
    await connection.quit();
  }
}

describe('the appointment reminder on WhatsApp Cloud', () => {
  it('goes as the configured template when the citizen last wrote more than 24 hours ago', async () => {
    const citizen = new CloudCitizen(bot.url, graph, newWaId(), () => now);
    // One office attends the procedure: the days come straight away, then the times.
    const days = await citizen.ask(text(citizen.waId, 'quiero pedir cita para registro de documentos'), /primeros días con hueco para Registro de documentos/);
    const times = await citizen.pick(days, 'martes, 2 de marzo', /¿A qué hora del martes, 2 de marzo\?/);
    const done = await citizen.pick(times, '10:00', /^Hecho: tienes cita/);
    const reference = /CITA-[A-Z0-9]{6}/.exec(textOfMessage(done.body))![0];
    expect(citizen.received().every((m) => m.type !== 'template')).toBe(true);

    now = TUESDAY_8_30;
    const before = citizen.received().length;
    await runReminders();
    const reminder = await waitFor(() => citizen.received().slice(before).find((m) => textOfMessage(m.body).includes(reference)), 'the reminder on WhatsApp');
    expect(reminder.body.type).toBe('template');
    expect(reminder.body.template).toMatchObject({ name: 'aviso_ayuntamiento', language: { code: 'es' } });
    expect(textOfMessage(reminder.body)).toMatch(new RegExp(`^Recordatorio: tienes cita para Registro de documentos el martes, 2 de marzo, 10:00 en Oficina de Atención Ciudadana — Centro \\(Plaza del Ayuntamiento 1\\)\\. Tu número de cita es \\*?\\*?${reference}`));
    // Nothing else went out of the window: no free-form text, no calendar file (it came with the booking).
    expect(citizen.received().slice(before).map((m) => m.type)).toEqual(['template']);
  }, 60_000);
});
