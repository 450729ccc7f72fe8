import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { violations } from '../support/axe';
import { launchBrowser, newPage } from '../support/browser';
import { createAgent, TEST_PASSWORD } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { startTestApp, type RunningApp } from '../e2e/support';

/*
 * Issue 15's target "0 axe-core WCAG 2.1 AA violations in every console view", checked in Chromium:
 * the sign-in page, then as an admin (who sees every tab) each tab of the console with what it shows
 * when in use — a conversation claimed with its ticket form and citizen record, search results, the
 * audit log opened. Tabs are found from the page's tablist, so a new view is checked without a new test.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'console-a11y-'));
let browser: Browser;
let bot: RunningApp;
let db: Db;
const admin = 'a11y-admin@ajuntament.cat';

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp({ CATALOG: writeTestCatalog(dir) })]);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, admin, 'Laia', ['atencion-ciudadana', 'mantenimiento-urbano'], { role: 'admin' });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('the console has no WCAG 2.1 AA violations axe-core can find', () => {
  it('on the sign-in page', async () => {
    const page = await newPage(browser);
    await page.goto(`${bot.url}/console`);
    await poll(() => page.getByTestId('login-email').isVisible()).toBe(true);
    expect(await violations(page)).toEqual([]);
    // The check itself works: an image without a text alternative is found.
    await page.evaluate(() => document.body.append(Object.assign(document.createElement('img'), { src: '/x.png' })));
    expect((await violations(page)).join('\n')).toContain('image-alt');
  });

  it('in every tab, with a conversation claimed, search results and the audit log open', async () => {
    const page = await newPage(browser);
    await page.goto(`${bot.url}/console`);
    await page.getByTestId('login-email').fill(admin);
    await page.getByTestId('login-password').fill(TEST_PASSWORD);
    await page.getByTestId('login-submit').click();
    await poll(() => page.getByTestId('logout').isVisible()).toBe(true);
    // A citizen in the web chat asks for a person (an agent is online), so the console has a queue item.
    const citizen = await newPage(browser);
    await citizen.goto(bot.url);
    await citizen.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await poll(() => citizen.locator('.cw-log .cw-bot', { hasText: '¡Hola!' }).count()).toBe(1);
    await citizen.getByLabel('Escribe tu mensaje').fill('quiero hablar con una persona');
    await citizen.getByLabel('Escribe tu mensaje').press('Enter');
    await poll(() => citizen.locator('.cw-log .cw-bot', { hasText: 'en la cola' }).count()).toBe(1);

    await poll(() => page.getByTestId('queue-item').count()).toBeGreaterThan(0);
    expect(await violations(page), 'attention view with a waiting citizen').toEqual([]);

    await page.getByTestId('queue-item').first().click();
    await page.getByTestId('claim-button').click();
    await poll(() => page.getByTestId('handoff-status').getAttribute('data-status')).toBe('assigned');
    await poll(() => page.getByTestId('citizen-360').isVisible()).toBe(true);
    expect(await violations(page), 'a claimed conversation with its ticket form and citizen record').toEqual([]);

    const box = page.getByLabel('Buscar conversaciones, ciudadanos y trámites');
    await box.fill('persona');
    await box.press('Enter');
    await poll(() => page.getByTestId('search-results').isVisible()).toBe(true);
    expect(await violations(page), 'search results').toEqual([]);
    await page.keyboard.press('Escape');

    const tabs = page.getByRole('tablist').getByRole('tab');
    const count = await tabs.count();
    expect(count).toBeGreaterThanOrEqual(3);
    for (let i = 0; i < count; i++) {
      const tab = tabs.nth(i);
      const name = (await tab.textContent()) ?? `tab ${i}`;
      await tab.click();
      await poll(() => tab.getAttribute('aria-selected')).toBe('true');
      // Let the view load what it shows (tables, charts) before it is checked.
      await page.waitForLoadState('networkidle');
      if (await page.getByTestId('audit-open').isVisible()) {
        await page.getByTestId('audit-open').click();
        await poll(() => page.getByTestId('audit-status').textContent()).not.toBe('');
      }
      expect(await violations(page), `tab ${name}`).toEqual([]);
    }
  });
});
