import { randomInt, randomUUID } from 'node:crypto';
import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DlConversation, buttons, waitFor } from '../e2e/support';
import { incoming } from '../support/baileys-socket-double';
import { buttonsOf, TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { Chat, startWhatsAppApp, type WhatsAppApp } from '../channels/whatsapp-baileys/harness';
import { ASKS_CONTACT, CONFIRMATION, FIRST_MESSAGES, median, PICK_SERVICE, REFERENCE, type FirstMessage } from './first-messages';

/*
 * Say it once, end to end: the whole bot (ROLE=all: queues, dialog engine, SQLite) with three channels
 * on at once — web chat over Direct Line (botframework-directlinejs), Telegram (long polling against
 * telegram-test-api) and WhatsApp (Baileys, its socket a double) — and 24 first messages that say
 * what and where (Spain and Argentina Spanish, Catalan, English). A citizen who does what the bot asks
 * (presses the first button: "Enviar" at the confirmation, the first service if asked which; a phone
 * when the service requires a contact) gets a ticket reference within three messages, on every channel.
 */

/** What the bot answered to one citizen message: its text and the options it offered. */
interface Reply {
  text: string;
  options: string[];
}

/** One citizen on one channel: sends a text, or presses an offered option, and reads the reply. */
interface Citizen {
  say(text: string): Promise<Reply>;
  press(option: string, index: number): Promise<Reply>;
}

const MAX_MESSAGES = 3;

/** Plays the citizen until the bot gives a reference; returns how many messages it took (or throws). */
async function messagesToTicket(citizen: Citizen, first: FirstMessage): Promise<{ messages: number; confirmation: string }> {
  let reply = await citizen.say(first.text);
  let confirmation = '';
  for (let messages = 1; ; messages++) {
    if (REFERENCE.test(reply.text)) return { messages, confirmation };
    if (messages >= 6) throw new Error(`no reference after ${messages} messages for "${first.text}"; last reply: ${reply.text}`);
    if (ASKS_CONTACT.test(reply.text)) {
      reply = await citizen.say('600 111 222');
      continue;
    }
    if (CONFIRMATION.test(reply.text)) confirmation = reply.text;
    else if (!PICK_SERVICE.test(reply.text)) throw new Error(`unexpected question for "${first.text}": ${reply.text}`);
    reply = await citizen.press(reply.options[0]!, 0);
  }
}

const counts: Record<string, number[]> = { webchat: [], telegram: [], whatsapp: [] };
let wa: WhatsAppApp;
let emulator: TelegramEmulator;
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  wa = await startWhatsAppApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot });
  wa.socket().open();
});
afterAll(async () => {
  await wa?.stop();
  await emulator?.stop();
  const all = Object.values(counts).flat();
  // The figure the issue asks for: how many first messages reach a ticket within three citizen messages, and the median.
  console.log(
    `say it once: ${all.filter((n) => n <= MAX_MESSAGES).length}/${all.length} first messages reached a ticket reference within ${MAX_MESSAGES} citizen messages; median ${median(all)}; ` +
      Object.entries(counts).map(([ch, xs]) => `${ch} ${xs.filter((n) => n <= MAX_MESSAGES).length}/${xs.length} (median ${median(xs)})`).join(', '),
  );
});

function expectWithinThree(channel: string, first: FirstMessage, r: { messages: number; confirmation: string }): void {
  counts[channel]!.push(r.messages);
  expect(r.messages, first.text).toBeLessThanOrEqual(MAX_MESSAGES);
  // The confirmation showed the place the citizen wrote: it was understood, not asked for.
  expect(r.confirmation).toContain(first.place);
}

describe('web chat (Direct Line)', () => {
  const webchat = async (locale: string): Promise<Citizen> => {
    const c = await DlConversation.open(wa.url);
    await c.botSays(/Hola|Hello|Bon dia/);
    const send = async (text: string): Promise<Reply> => {
      const id = await c.post(text, { locale });
      const a: Partial<Activity> = await waitFor(() => c.repliesTo(id)[0], `a reply to "${text.slice(0, 40)}"`);
      return { text: a.text ?? '', options: buttons(a) };
    };
    return { say: send, press: (option) => send(option) };
  };

  it.each(FIRST_MESSAGES)('files "$text" within three messages', async (first) => {
    const locale = { es: 'es-ES', 'es-AR': 'es-AR', ca: 'ca-ES', en: 'en-GB' }[first.locale];
    expectWithinThree('webchat', first, await messagesToTicket(await webchat(locale), first));
  });
});

describe('Telegram (telegram-test-api)', () => {
  let nextChat = randomInt(1_000_000, 9_000_000);
  const telegram = (languageCode: string): Citizen => {
    const c = new TelegramChat(emulator, token, nextChat++, languageCode);
    const reply = (m: { text?: string }): Reply => ({ text: m.text ?? '', options: buttonsOf(m as never) });
    return {
      say: async (text) => reply(await c.ask(text)),
      press: async (option) => {
        await c.press(option);
        return reply(await c.next());
      },
    };
  };

  it.each(FIRST_MESSAGES)('files "$text" within three messages', async (first) => {
    expectWithinThree('telegram', first, await messagesToTicket(telegram(first.locale === 'es-AR' ? 'es' : first.locale), first));
  });
});

describe('WhatsApp (Baileys socket double)', () => {
  const whatsapp = (): Citizen => {
    const chat = new Chat(wa, `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`);
    // WhatsApp shows options as numbered text ("1. Enviar"): the citizen answers with the number.
    const reply = (text: string): Reply => ({ text, options: [...text.matchAll(/^(\d+)\. /gm)].map((m) => m[1]!) });
    return {
      say: async (text) => reply(await chat.say(incoming.text(chat.jid, text), /\S/)),
      press: async (option) => reply(await chat.say(incoming.text(chat.jid, option), /\S/)),
    };
  };

  it.each(FIRST_MESSAGES)('files "$text" within three messages', async (first) => {
    expectWithinThree('whatsapp', first, await messagesToTicket(whatsapp(), first));
  });
});

describe('the rules around it, end to end', () => {
  it('Telegram: the "Hacer un reclamo" button decides the type, whatever the words read like', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'es');
    await c.command('/start');
    expect(buttonsOf(await c.next())).toContain('Hacer un reclamo');
    await c.press('Hacer un reclamo');
    expect((await c.next()).text).toMatch(/^Cuéntame con tus palabras qué pasa/);
    const confirm = await c.ask('¿cuándo van a arreglar la farola de la calle Colón 12?');
    expect(confirm.text).toMatch(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/);
    await c.press('Enviar');
    expect((await c.next()).text).toMatch(/Registré tu reclamo con el número ALU-\d{4}-\d{6}/);
  });

  it('WhatsApp: "ya te lo di" and "Sí" are never stored; the place is asked again once, politely', async () => {
    const chat = new Chat(wa, `346${String(randomInt(10_000_000, 99_999_999))}@s.whatsapp.net`);
    await chat.say(incoming.text(chat.jid, 'Hay una farola apagada desde hace una semana'), /^¿Dónde está\?/);
    await chat.say(incoming.text(chat.jid, 'ya te lo di'), /^Perdona, no lo encuentro en lo que me has escrito/);
    const confirm = await chat.say(incoming.text(chat.jid, 'calle Mayor 3'), /— ¿lo envío\?/);
    expect(confirm).toMatch(/^Reclamo de Alumbrado público en calle Mayor 3 — ¿lo envío\?/);
    expect(chat.texts().join('\n')).not.toMatch(/ya te lo di/);
    await chat.say(incoming.text(chat.jid, '1'), REFERENCE);
  });
});
