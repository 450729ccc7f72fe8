import { randomInt, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type RunningApp } from '../e2e/support';
import { buttonsOf, TelegramChat } from '../support/telegram-chat';
import { TelegramEmulator } from '../support/telegram-emulator';
import { writeTestCatalog } from '../support/test-catalog';

/*
 * The same conversation from Telegram (the whole app polling telegram-test-api over real HTTP), in
 * English and Catalan: small talk without a menu, a numbered list answered with a number, a follow-up
 * by topic, and a reference typed loosely that does not move the chat's language.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'conversation-telegram-'));
const token = `${randomInt(100_000, 999_999)}:test-${randomUUID()}`;
let emulator: TelegramEmulator;
let bot: RunningApp;

beforeAll(async () => {
  emulator = await TelegramEmulator.start();
  bot = await startTestApp({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: emulator.apiRoot, CATALOG: writeTestCatalog(dir) });
});
afterAll(async () => {
  await bot?.stop();
  await emulator?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Telegram chat that does not get stuck', () => {
  it('in English: hi, a report, thanks naming it, "my tickets" then "1", the topic, a loose reference, bye', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'en');
    const hi = await c.ask('hiya');
    expect(hi.text).toMatch(/^Hello! 👋 I am the .+ city council assistant\./);
    expect(buttonsOf(hi)).toEqual([]);
    expect((await c.ask('The streetlight outside 5 Main Street has been off since Monday')).text).toMatch(/Street lighting/);
    const filed = await c.ask('Send');
    const reference = /ALU-(\d{4})-(\d{6})/.exec(filed.text ?? '');
    expect(reference).not.toBeNull();
    expect((await c.ask('cheers')).text).toContain(`Your reference is ${reference![0]}`);
    expect((await c.ask('my tickets')).text).toContain(`1. ${reference![0]} · Street lighting`);
    expect((await c.ask('1')).text).toContain(`📋 ${reference![0]} · Street lighting`);
    expect((await c.ask('what about my streetlight report?')).text).toContain(`📋 ${reference![0]}`);
    expect((await c.ask(`alu ${reference![1]} ${Number(reference![2])}`)).text).toMatch(/Status: Received/);
    expect((await c.ask('bye')).text).toMatch(/^Goodbye!/);
  });

  it('in Catalan: bon dia, a greeting with a report, "els meus tiquets" then "la primera"', async () => {
    const c = new TelegramChat(emulator, token, randomInt(1_000_000, 9_000_000), 'ca');
    expect((await c.ask('bon dia')).text).toMatch(/^Hola! 👋 Soc l'assistent/);
    const confirm = await c.ask("bon dia, el fanal del carrer Major 3 no s'encén des de dilluns");
    expect(confirm.text).toMatch(/Enllumenat públic/);
    const filed = await c.ask('Enviar');
    const reference = /ALU-\d{4}-\d{6}/.exec(filed.text ?? '')![0];
    expect((await c.ask('els meus tiquets')).text).toContain(`1. ${reference} · Enllumenat públic`);
    expect((await c.ask('la primera')).text).toContain(`📋 ${reference} · Enllumenat públic`);
    expect((await c.ask('moltes gràcies')).text).toMatch(/^De res!/);
  });
});
