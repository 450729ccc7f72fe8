import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/sql/database';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { eventually } from '../support/redis';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver';

/*
 * The bot stops while tickets wait for a back office that is down, and starts again (same Redis, same
 * database): every ticket still arrives, once, and each citizen is told.
 */

const SECRET = 'city-shared-secret-0123456789';
let city: WebhookReceiver;
let first: RunningApp;
let second: RunningApp | undefined;

beforeAll(async () => {
  city = await startWebhookReceiver(SECRET);
});
afterAll(async () => {
  await second?.stop();
  await city?.close();
  if (first) rmSync(first.dataDir, { recursive: true, force: true });
});

describe('ticket deliveries across a restart', () => {
  it('delivers every pending ticket exactly once after the bot restarts', async () => {
    const env = { TICKET_CONNECTOR: 'webhook', WEBHOOK_URL: city.url, WEBHOOK_SECRET: SECRET, TICKET_RETRY_BASE_MS: '5', TICKET_RETRY_MAX_MS: '200', BACK_OFFICE_TIMEOUT_MS: '500' };
    first = await startTestApp(env);
    city.down('refuse');
    const references: string[] = [];
    for (const street of ['calle Colón 12', 'calle Mayor 3']) {
      const citizen = await DlConversation.open(first.url);
      await citizen.botSays(/Hola/);
      // What and where in one message: the one confirmation, then the ticket.
      expect((await citizen.ask(`Hay una farola apagada en la ${street} desde hace una semana`)).reply.text).toMatch(/— ¿lo envío\?/);
      const { reply } = await citizen.ask('sí');
      references.push(/ALU-\d{4}-\d{6}/.exec(reply.text ?? '')![0]);
      citizen.end();
    }
    // Stop the whole bot (not the test wrapper: Redis keys and the SQLite file stay), then start it again.
    await first.app.stop();
    second = await startTestApp({ ...env, REDIS_PREFIX: first.config.REDIS_PREFIX, SQLITE_PATH: first.sqlitePath, DATA_DIR: first.dataDir });
    city.up();
    await eventually(() => references.every((r) => city.tickets.some((t) => t.ticket.reference === r)), 20_000, 'both tickets at the city');
    await new Promise((r) => setTimeout(r, 500));
    for (const r of references) expect(city.tickets.filter((t) => t.ticket.reference === r)).toHaveLength(1);
    const db = await openDatabase({ sqlitePath: first.sqlitePath });
    try {
      await eventually(async () => {
        const told = await db.kysely.selectFrom('messages').select('text').where('direction', '=', 'out').where('text', 'like', '%ya recibió tu trámite%').execute();
        return references.every((r) => told.filter((m) => m.text?.includes(r)).length === 1);
      }, 10_000, 'each citizen told once');
    } finally {
      await db.close();
    }
  });
});
