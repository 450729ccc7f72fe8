import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { T } from '../../console/ui/i18n';
import { launchBrowser, newPage } from '../support/browser';
import { createAgent, TEST_PASSWORD } from '../support/console-client';
import { startTestApp, type RunningApp } from '../e2e/support';

/*
 * Issue 14 part 3 in real Chromium: the console answers a refused login and a refused agent form with
 * its own Spanish text for the error code, not with the server's English message.
 */

let browser: Browser;
let bot: RunningApp;
let db: Db;
const admin = `admin-${randomUUID().slice(0, 6)}@ajuntament.cat`;

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp()]);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, admin, 'Núria', ['mantenimiento-urbano'], { role: 'admin' });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

async function logIn(page: Page, password: string): Promise<void> {
  await page.goto(`${bot.url}/console`);
  await page.getByTestId('login-email').fill(admin);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

describe('console error texts in the browser', () => {
  it('a wrong password reads as the console says it, not as the server logs it', async () => {
    const page = await newPage(browser);
    await logIn(page, 'not the password at all');
    await poll(() => page.getByTestId('login-error').textContent()).toBe(T.errors.byCode.E_LOGIN);
    expect(await page.content()).not.toContain('wrong e-mail or password');
    await page.context().close();
  });

  it("an agent form refused by the server shows the code's text", async () => {
    const page = await newPage(browser);
    await logIn(page, TEST_PASSWORD);
    await poll(() => page.getByTestId('logout').isVisible()).toBe(true);
    await page.getByTestId('admin-tab').click();
    const form = page.getByTestId('admin-create');
    // The admin's own e-mail: it exists already.
    await form.locator('input[type=email]').fill(admin);
    await form.locator('input[type=text]').first().fill('Otra Núria');
    await form.locator('input[type=password]').fill('a long enough password');
    await form.locator('button[type=submit]').click();
    // The one alert shown: the admin area also holds the audit view's (hidden until it has something to say).
    const error = page.getByTestId('admin-view').locator('.error:not([hidden])');
    await poll(() => error.textContent()).toBe(T.errors.byCode.E_AGENT_EXISTS);
    await page.context().close();
  });
});
