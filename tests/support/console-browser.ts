import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { AgentView } from '../../console/protocol';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';
import { launchBrowser, newPage } from './browser';
import { createAgent, TEST_PASSWORD } from './console-client';
import { writeTestCatalog } from './test-catalog';

export interface RigAgent {
  email: string;
  name: string;
  teams: string[];
  role?: AgentView['role'];
}

export interface ConsoleBrowserRig {
  readonly browser: Browser;
  readonly bot: RunningApp;
  /** The app's SQL database, opened beside it (to wait for rows and check what was recorded). */
  readonly db: Db;
  /** The agents created before the tests, by e-mail. */
  readonly agents: ReadonlyMap<string, AgentView>;
  /** A new page (own cookies) signed in to the console as `email`; `before` runs on it first (to route requests). */
  logIn(email: string, before?: (page: Page) => Promise<void>): Promise<Page>;
  /** A citizen on web chat who asked for a person (waiting if nobody is online): their queued handoff. */
  citizenWaiting(timeoutMs?: number): Promise<{ citizen: DlConversation; id: string }>;
}

/**
 * The console in Chromium against the whole app (ROLE=all, real Redis and SQLite), with `agents`
 * created first: registers the vitest hooks that start and stop it all. Call at the top of a file.
 * `env` (settings of the app, e.g. a Telegram emulator's address) is awaited before the app starts.
 */
export function useConsoleBrowser(agents: RigAgent[], options: { env?: () => Promise<Record<string, string>> } = {}): ConsoleBrowserRig {
  let browser: Browser | undefined;
  let bot: RunningApp | undefined;
  let db: Db | undefined;
  let catalogDir: string | undefined;
  const created = new Map<string, AgentView>();
  beforeAll(async () => {
    // `env` runs first: what the app needs started beside it (a Telegram emulator) and its settings. The
    // catalog's teams are always open unless `env` names another catalog: no test depends on the hour.
    const env = (await options.env?.()) ?? {};
    catalogDir = mkdtempSync(path.join(tmpdir(), 'console-rig-'));
    [browser, bot] = await Promise.all([launchBrowser(), startTestApp({ CATALOG: writeTestCatalog(catalogDir), ...env })]);
    db = await openDatabase({ sqlitePath: bot.sqlitePath });
    for (const a of agents) created.set(a.email, await createAgent(db, a.email, a.name, a.teams, a.role ? { role: a.role } : {}));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await db?.close();
    await bot?.stop();
    if (catalogDir) rmSync(catalogDir, { recursive: true, force: true });
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the console rig is used before its beforeAll ran');
    return value;
  };
  return {
    get browser() { return started(browser); },
    get bot() { return started(bot); },
    get db() { return started(db); },
    agents: created,
    async logIn(email: string, before?: (page: Page) => Promise<void>): Promise<Page> {
      const page = await newPage(started(browser));
      await before?.(page);
      await page.goto(`${started(bot).url}/console`);
      await page.getByTestId('login-email').fill(email);
      await page.getByTestId('login-password').fill(TEST_PASSWORD);
      await page.getByTestId('login-submit').click();
      await expect.poll(() => page.getByTestId('logout').isVisible(), { timeout: 15_000 }).toBe(true);
      return page;
    },
    async citizenWaiting(timeoutMs = 60_000) {
      const citizen = await DlConversation.open(started(bot).url);
      const { reply } = await citizen.ask('quiero hablar con una persona', timeoutMs);
      if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar', timeoutMs);
      const key = `webchat:${citizen.conversationId}`;
      const row = await waitFor(() => started(db).kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', key).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL', timeoutMs);
      return { citizen, id: row.id };
    },
  };
}
