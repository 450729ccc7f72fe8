import type { TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChannelAdapter } from '../../../bot/channel';
import { ChannelRegistry } from '../../../bot/channel-registry';
import { CitizenDirectory } from '../../../turns/citizen-directory';
import { LinkAttemptLimits } from '../../../bot/link-attempt-limits';
import { createPhoneLinks } from '../../../bot/phone-links';
import { HistoryStore } from '../../../bot/sql/history-store';
import type { PhoneLinks } from '../../../dialogs/engine-deps';
import { conversationKey } from '../../../bot/conversation-key';
import { OutboundQueues, type OutboundItem } from '../../../queues/outbound';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';
import { startEngine, type Engine } from './harness';

/*
 * Linking a chat to a WhatsApp number, through the dialog engine with the real PhoneLinks on real Redis:
 * codes leave through the real outbound queue (nobody drains it here, so the number's mailbox holds
 * every WhatsApp message sent to it) and the limits read a pinned clock.
 */

const MINUTE = 60_000;
const redis = redisClient();
let engine: Engine;
let prefix: string;
let outbound: OutboundQueues;
let phones: PhoneLinks;
let now: number;
let conversations = 0;

/** Enough of a WhatsApp Cloud channel for PhoneLinks to pick it (nothing is sent through it here). */
const whatsappCloud: ChannelAdapter = {
  id: 'whatsapp-cloud',
  capabilities: { maxButtons: 3, maxListRows: 10, choices: 'buttons', maxButtonTitle: 20, markup: 'whatsapp', maxTextLength: 4096, typing: false, images: true, location: true },
  start: async () => {},
  send: async () => {},
  stop: async () => {},
} as ChannelAdapter;

beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.close();
  redis.disconnect();
});
beforeEach(async (context) => {
  prefix = testPrefix();
  now = Date.UTC(2026, 2, 2, 9, 0);
  const history = new HistoryStore(engine.db);
  outbound = new OutboundQueues(redis, prefix);
  phones = createPhoneLinks({
    channels: new ChannelRegistry().add(whatsappCloud), outbound, history, transcriptOutbox: { flush: async () => {} },
    citizens: new CitizenDirectory(redis, prefix, history), limits: new LinkAttemptLimits(redis, prefix, () => now),
  })!;
  context.onTestFinished(async () => {
    await outbound.close();
    await dropPrefix(redis, prefix);
  });
});

/** A random Spanish mobile number (digits with country code). */
const newNumber = (): string => `346${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;

/** Every WhatsApp message queued for the number so far. */
async function sentTo(phone: string): Promise<string[]> {
  const items = await redis.lrange(outbound.mailboxOf('whatsapp-cloud', conversationKey('whatsapp-cloud', phone)), 0, -1);
  return items.map((raw) => (JSON.parse(raw) as OutboundItem).activities[0]!.text ?? '');
}

/** The code in the latest WhatsApp message to the number. */
async function latestCode(phone: string): Promise<string> {
  const code = /\b(\d{6})\b/.exec((await sentTo(phone)).at(-1) ?? '')?.[1];
  if (!code) throw new Error('no code was sent');
  return code;
}

/** A web chat conversation of its own. */
const chat = (): TestAdapter => engine.adapter({ phones, channelId: 'webchat', conversationId: `link-${++conversations}` });

/** Sends `text` and returns everything the bot answered to it. */
async function turn(adapter: TestAdapter, text: string): Promise<string> {
  await adapter.receiveActivity(text);
  return adapter.activeQueue.splice(0).map((a) => a.text ?? '').join('\n');
}

/** "vincular mi whatsapp" and the number: the bot's answer to the number. */
async function askCode(adapter: TestAdapter, phone: string): Promise<string> {
  expect(await turn(adapter, 'vincular mi whatsapp')).toMatch(/número de WhatsApp/);
  return turn(adapter, `+${phone}`);
}

/** A six-digit code that is not `code`. */
const wrongFor = (code: string, i: number): string => String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0');

describe('linking a WhatsApp number is limited (codes sent, wrong codes typed)', () => {
  it('refuses a 4th code for one number within the hour and sends nothing; an hour after the first, a code goes again', async () => {
    const phone = newNumber();
    for (let i = 0; i < 3; i++) {
      expect(await askCode(chat(), phone)).toMatch(/Te he enviado un código .* terminado en …\d{4}/);
      now += 11 * MINUTE; // the previous code has expired
    }
    expect(await sentTo(phone)).toHaveLength(3);

    const refused = await askCode(chat(), phone);
    expect(refused).toMatch(/Ya se han enviado varios códigos a ese número en la última hora/);
    expect(refused).toMatch(/dentro de 27 min/); // the first code went out 33 minutes ago
    expect(await sentTo(phone)).toHaveLength(3);

    now += 27 * MINUTE;
    const again = chat();
    expect(await askCode(again, phone)).toMatch(/Te he enviado un código/);
    expect(await sentTo(phone)).toHaveLength(4);
    expect(await turn(again, await latestCode(phone))).toMatch(/vinculado/);
  });

  it('sends no second code while one is live: another chat is asked for the code already sent, which links it', async () => {
    const phone = newNumber();
    const first = chat();
    expect(await askCode(first, phone)).toMatch(/Te he enviado un código/);
    const code = await latestCode(phone);

    now += 4 * MINUTE;
    const second = chat();
    const live = await askCode(second, phone);
    expect(live).toMatch(/Ya enviamos hace poco un código .* terminado en …\d{4} y sigue siendo válido/);
    expect(live).toMatch(/dentro de 6 min/);
    // The same chat starting over gets the same answer.
    await turn(first, 'cancelar');
    expect(await askCode(first, phone)).toMatch(/sigue siendo válido/);
    expect(await sentTo(phone)).toHaveLength(1);

    expect(await turn(second, code)).toMatch(/vinculado/);
    // Used up: the first chat cannot use it too.
    expect(await turn(first, code)).toMatch(/caducado o ya no es válido/);
  });

  it('locks the number for a day after 10 wrong codes over several attempts, even for a fresh attempt with a new code', async () => {
    const phone = newNumber();
    let wrong = 0;
    for (let attempt = 0; attempt < 3; attempt++) {
      const adapter = chat();
      expect(await askCode(adapter, phone)).toMatch(/Te he enviado un código/);
      const code = await latestCode(phone);
      expect(await turn(adapter, wrongFor(code, wrong++))).toMatch(/no es correcto/);
      expect(await turn(adapter, wrongFor(code, wrong++))).toMatch(/no es correcto/);
      expect(await turn(adapter, wrongFor(code, wrong++))).toMatch(/Demasiados intentos fallidos/);
      now += 21 * MINUTE; // out of the hourly limit of codes per number
    }
    // Nine wrong codes so far: a new attempt still gets a code, and the 10th wrong code locks the number.
    const tenth = chat();
    expect(await askCode(tenth, phone)).toMatch(/Te he enviado un código/);
    const lastCode = await latestCode(phone);
    expect(await turn(tenth, wrongFor(lastCode, 0))).toMatch(/queda bloqueada durante 24 h/);
    // Locked: the code that was live no longer works, and no new code is sent.
    const sent = (await sentTo(phone)).length;
    now += 2 * 60 * MINUTE;
    const fresh = chat();
    expect(await askCode(fresh, phone)).toMatch(/queda bloqueada durante 22 h/);
    expect(await sentTo(phone)).toHaveLength(sent);

    // A day after the lock the owner can link with a right code.
    now += 22 * 60 * MINUTE;
    const owner = chat();
    expect(await askCode(owner, phone)).toMatch(/Te he enviado un código/);
    expect(await turn(owner, await latestCode(phone))).toMatch(/vinculado/);
  });

  it('links with the right code after wrong ones below the limits, also in another chat than the one that asked', async () => {
    const phone = newNumber();
    const asked = chat();
    await askCode(asked, phone);
    const code = await latestCode(phone);
    expect(await turn(asked, wrongFor(code, 0))).toMatch(/no es correcto/);
    expect(await turn(asked, wrongFor(code, 1))).toMatch(/no es correcto/);
    // A reloaded web chat is a new conversation: it is asked for the live code, which works there.
    const reloaded = chat();
    expect(await askCode(reloaded, phone)).toMatch(/sigue siendo válido/);
    expect(await turn(reloaded, code)).toMatch(/vinculado/);
    expect(await sentTo(phone)).toHaveLength(1);
  });

  it('counts wrong codes per code, not per chat: a new chat gets no fresh tries at the same code', async () => {
    const phone = newNumber();
    const asked = chat();
    await askCode(asked, phone);
    const code = await latestCode(phone);
    expect(await turn(asked, wrongFor(code, 0))).toMatch(/no es correcto/);
    expect(await turn(asked, wrongFor(code, 1))).toMatch(/no es correcto/);
    const other = chat();
    expect(await askCode(other, phone)).toMatch(/sigue siendo válido/);
    expect(await turn(other, wrongFor(code, 2))).toMatch(/Demasiados intentos fallidos/);
    // That code is void now, even typed right.
    expect(await turn(asked, code)).toMatch(/caducado o ya no es válido/);
  });

  it('refuses a 6th code asked for from one chat within the hour, whatever the numbers', async () => {
    const adapter = chat();
    for (let i = 0; i < 5; i++) {
      expect(await askCode(adapter, newNumber())).toMatch(/Te he enviado un código/);
      await turn(adapter, 'cancelar');
    }
    const sixth = newNumber();
    expect(await askCode(adapter, sixth)).toMatch(/Se han pedido varios códigos desde este chat en la última hora/);
    expect(await sentTo(sixth)).toHaveLength(0);
  });
});

describe('what a guesser gets now', () => {
  it('at most 10 codes checked per number per day, however often it tries (one try a minute for two days)', async () => {
    const limits = new LinkAttemptLimits(redis, prefix, () => now);
    const phone = newNumber();
    const start = now;
    const checkedPerDay = [0, 0];
    let sent = 0;
    for (let minute = 0; minute < 2 * 24 * 60; minute++) {
      now = start + minute * MINUTE;
      const day = Math.floor(minute / (24 * 60));
      // A fresh conversation every time; the code is unknown, so every guess is wrong.
      const issued = await limits.issue(phone, `attacker-${minute}`, '123456');
      if (issued.kind === 'sent') sent++;
      if (issued.kind !== 'sent' && issued.kind !== 'live') continue;
      for (let guess = 0; guess < 3; guess++) {
        const result = await limits.check(phone, String(guess).padStart(6, '0'));
        if (result.kind === 'wrong' || result.kind === 'spent') checkedPerDay[day]!++;
        else if (result.kind === 'locked' && result.waitMs === 24 * 60 * MINUTE) checkedPerDay[day]!++; // the guess that locked
        if (result.kind !== 'wrong') break;
      }
    }
    // Before the limits: 3 guesses a round, ~20 rounds a second, a WhatsApp message each round.
    expect(checkedPerDay).toEqual([10, 10]);
    // The owner gets 4 codes a day from such a guesser (3, then one more when the hour has passed).
    expect(sent).toBe(8);
  });
});
