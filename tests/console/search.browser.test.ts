import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { conversationKey } from '../../bot/conversation-key';
import { openDatabase, type Db } from '../../bot/sql/database';
import { HistoryStore } from '../../bot/sql/history-store';
import { HandoffStore } from '../../handoff/handoff-store';
import { launchBrowser, newPage, watchForInjection } from '../support/browser';
import { createAgent, TEST_PASSWORD } from '../support/console-client';
import { startTestApp, type RunningApp } from '../e2e/support';

/*
 * The console's search box in real Chromium (issue 15 part 1): an agent of street maintenance types a
 * word a citizen wrote, with the accents left out, and opens the matching conversation from the results
 * with the keyboard (recorded in the audit log); an agent of the water team typing the same word gets
 * nothing of it.
 */

let browser: Browser;
let bot: RunningApp;
let db: Db;
const street = `calle-${randomUUID().slice(0, 6)}@ajuntament.cat`;
const water = `aguas-${randomUUID().slice(0, 6)}@ajuntament.cat`;
let streetAgent: string;
const citizenOf = new Map<string, string>();

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp()]);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  streetAgent = (await createAgent(db, street, 'Marta', ['mantenimiento-urbano'])).id;
  await createAgent(db, water, 'Pau', ['aguas']);
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** A citizen's conversation handed off to street maintenance (waiting: nobody holds it), with `line` in its transcript. */
async function handedOff(line: string): Promise<string> {
  const history = new HistoryStore(db);
  const id = randomUUID();
  const citizenId = await history.citizenFor('webchat', `u-${id}`, 'Núria Puig');
  await history.recordMessages([{ channel: 'webchat', conversationId: id, citizenId, direction: 'in', activityId: 'a-1', text: line, at: new Date() }]);
  await new HandoffStore(db).open({
    id, conversationKey: conversationKey('webchat', id), channel: 'webchat', conversationId: id, userId: `u-${id}`, citizenId, team: 'mantenimiento-urbano', priority: 5,
    reason: 'asked', locale: 'es', summary: { description: line },
  });
  citizenOf.set(id, citizenId);
  return id;
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${bot.url}/console`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await poll(() => page.getByTestId('logout').isVisible()).toBe(true);
}

describe('the console\'s search box', () => {
  it('finds a conversation by a word of its transcript and opens it by keyboard; another team\'s agent sees nothing of it', async () => {
    const word = `Baldosí${randomUUID().slice(0, 6)}`;
    const line = `La ${word} de la acera está suelta y alguien se caerá`;
    const id = await handedOff(line);

    const page = await newPage(browser);
    const seen = watchForInjection(page);
    await signIn(page, street);
    // Labelled, and reached from the page with Tab.
    const box = page.getByLabel('Buscar conversaciones, ciudadanos y trámites');
    expect(await box.count()).toBe(1);
    await page.locator('body').focus();
    for (let i = 0; i < 10 && !(await box.evaluate((el) => el === document.activeElement)); i++) await page.keyboard.press('Tab');
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type(word.replace('í', 'i').toLowerCase());
    await page.keyboard.press('Enter');

    const result = page.locator(`[data-testid="search-result"][data-kind="conversation"][data-handoff-id="${id}"]`);
    await poll(() => result.count()).toBe(1);
    expect(await result.textContent()).toContain(word);
    expect(await result.textContent()).toContain('Núria Puig');
    await result.focus();
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('transcript').textContent()).toContain(line);
    await poll(() => page.getByTestId('search-results').isHidden()).toBe(true);
    expect(seen.errors).toEqual([]);
    // Opening it was recorded: who, which handoff, which citizen.
    const audited = await db.kysely.withTables<{ audit_log: { action: string; agent_id: string; handoff_id: string | null; citizen_id: string | null } }>()
      .selectFrom('audit_log').select(['agent_id', 'citizen_id']).where('action', '=', 'search.open').where('handoff_id', '=', id).execute();
    expect(audited).toEqual([{ agent_id: streetAgent, citizen_id: citizenOf.get(id) }]);

    // Escape closes the results and returns to the box.
    await box.fill('Núria');
    await box.press('Enter');
    await poll(() => page.locator(`[data-testid="search-result"][data-kind="citizen"][data-handoff-id="${id}"]`).count()).toBe(1);
    await page.locator('[data-testid="search-result"]').first().focus();
    await page.keyboard.press('Escape');
    expect(await page.getByTestId('search-results').isHidden()).toBe(true);
    expect(await box.evaluate((el) => el === document.activeElement)).toBe(true);

    const other = await newPage(browser);
    await signIn(other, water);
    await other.getByTestId('search-input').fill(word);
    await other.getByTestId('search-input').press('Enter');
    await poll(() => other.getByTestId('search-results').textContent()).toMatch(/Nada coincide/);
    expect(await other.locator('[data-testid="search-result"]').count()).toBe(0);
    expect(await other.getByTestId('search-results').textContent()).not.toContain('acera');
  }, 90_000);

  it('brings more conversations than a page holds with "Más conversaciones", and the focus goes on to the first of them', async () => {
    const tag = `Tanda${randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 21; i++) await handedOff(`Aviso ${tag} número ${i}`);
    const page = await newPage(browser);
    await signIn(page, street);
    await page.getByTestId('search-input').fill(tag);
    await page.getByTestId('search-input').press('Enter');
    const results = page.locator('[data-testid="search-result"][data-kind="conversation"]');
    await poll(() => results.count()).toBe(20);
    await page.getByTestId('search-more').focus();
    await page.keyboard.press('Enter');
    await poll(() => results.count()).toBe(21);
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain(`Aviso ${tag} número 0`);
    expect(await page.getByTestId('search-more').count()).toBe(0);
  }, 90_000);
});
