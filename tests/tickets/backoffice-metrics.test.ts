import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/*
 * citybot_backoffice_submits_total and citybot_backoffice_review_tickets through the whole app and a
 * city's webhook (issue 14 part 7): an accepted ticket, a try the city answered 503 (retried), and a
 * ticket the city refused (sent to the review list), read from the process's metrics port.
 */

const SECRET = 'city-shared-secret-0123456789';
let city: WebhookReceiver;
let bot: RunningApp;

beforeAll(async () => {
  city = await startWebhookReceiver(SECRET);
  bot = await startTestApp({
    TICKET_CONNECTOR: 'webhook', WEBHOOK_URL: city.url, WEBHOOK_SECRET: SECRET,
    TICKET_RETRY_BASE_MS: '2', TICKET_RETRY_MAX_MS: '300', TICKET_POLL_SECONDS: '0', BACK_OFFICE_TIMEOUT_MS: '500',
  });
});
afterAll(async () => {
  await bot?.stop();
  await city?.close();
});

async function fileComplaint(street: string): Promise<string> {
  const citizen = await DlConversation.open(bot.url);
  try {
    await citizen.botSays(/Hola/);
    await citizen.ask(`Hay una farola apagada en la ${street} desde hace una semana`);
    const { reply } = await citizen.ask('sí');
    return /ALU-\d{4}-\d{6}/.exec(reply.text ?? '')![0];
  } finally {
    citizen.end();
  }
}

const scrape = async () => (await fetch(`${bot.app.metricsUrl}/metrics`)).text();
const series = (text: string, line: RegExp): number => Number(line.exec(text)?.[1] ?? 0);
const submits = (text: string, outcome: string) => series(text, new RegExp(`^citybot_backoffice_submits_total\\{kind="webhook",outcome="${outcome}"\\} (\\d+)$`, 'm'));

describe('back-office metrics', () => {
  it('counts accepted, retried and rejected deliveries, and the review list', async () => {
    city.fail5xx(1);
    await fileComplaint('calle Colón 12');
    await waitFor(async () => (submits(await scrape(), 'accepted') === 1 ? true : undefined), 'the first ticket accepted', 20_000);
    expect(submits(await scrape(), 'retry')).toBe(1);

    city.reject400(1, 'unknown service');
    await fileComplaint('calle Mayor 7');
    const text = await waitFor(async () => {
      const t = await scrape();
      return submits(t, 'rejected') === 1 ? t : undefined;
    }, 'the second ticket refused', 20_000);
    expect(series(text, /^citybot_backoffice_review_tickets (\d+)$/m)).toBe(1);
    expect(submits(text, 'accepted')).toBe(1);
  });
});
