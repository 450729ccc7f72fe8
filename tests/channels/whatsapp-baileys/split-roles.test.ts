import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../../bot/app';
import { loadConfig } from '../../../bot/config';
import { incoming } from '../../support/baileys-socket-double';
import { Chat, startWhatsAppApp, type WhatsAppApp } from './harness';

/*
 * Baileys holds the number's one socket in the process that receives (ROLE=web here). Turns run in a
 * separate ROLE=worker process (here: a second app in this process, sharing Redis and SQLite), which
 * has no socket: the replies must be delivered by the web process, from the channel's outbound queue.
 */

let web: WhatsAppApp;
let worker: App;

beforeAll(async () => {
  web = await startWhatsAppApp({ ROLE: 'web' });
  web.socket().open();
  worker = await startApp(loadConfig({
    NODE_ENV: 'test', ROLE: 'worker', PORT: '0', LOG_LEVEL: 'silent', CATALOG: 'config/catalog.yaml', WHATSAPP_BAILEYS: '1',
    REDIS_PREFIX: web.config.REDIS_PREFIX, DATA_DIR: web.config.DATA_DIR, SQLITE_PATH: web.config.SQLITE_PATH,
  }));
});
afterAll(async () => {
  await worker?.stop();
  await web?.stop();
});

describe('WhatsApp through Baileys with web and worker roles in different processes', () => {
  it('runs the turns in the worker and delivers the replies through the socket of the web process', async () => {
    const chat = new Chat(web, `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`);
    expect(await chat.say(incoming.text(chat.jid, 'Hay una farola apagada en la calle Colón 12 desde hace una semana'), /Alumbrado público/)).toMatch(/1\. Enviar/);
    expect(await chat.say(incoming.text(chat.jid, '1'), /ALU-\d{4}-\d{6}/)).toBeTruthy();
  });
});
