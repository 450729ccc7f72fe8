import { randomUUID } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { HandoffStore } from '../../handoff/handoff-store';
import { launchBrowser, newPage, watchForInjection } from '../support/browser';
import { createAgent, TEST_PASSWORD } from '../support/console-client';
import { startTestApp, type RunningApp } from '../e2e/support';
import { conversationKey } from '../../bot/conversation-key';

/*
 * "Corregir clasificación" clicked in real Chromium (issue 13 part 3): an agent opens a conversation
 * the bot misread, corrects its service and type, and corrects the citizen's ticket in the 360 view;
 * both corrections land in SQL with who and when.
 */

let browser: Browser;
let bot: RunningApp;
let db: Db;
let agentId: string;
const email = `corrige-${randomUUID().slice(0, 6)}@ajuntament.cat`;

beforeAll(async () => {
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp()]);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  agentId = (await createAgent(db, email, 'Marta', ['mantenimiento-urbano'])).id;
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** A conversation the bot filed under street lighting, held by Marta, with a street-lighting ticket of the same citizen. */
async function misreadConversation(): Promise<{ id: string; reference: string }> {
  const id = randomUUID();
  const citizenId = `c-${id}`;
  const store = new HandoffStore(db);
  await store.open({
    id, conversationKey: conversationKey('webchat', id), channel: 'webchat', conversationId: id, userId: 'u', citizenId, team: 'mantenimiento-urbano', priority: 0,
    reason: 'unsure', locale: 'es', summary: { description: 'Los adoquines de la acera están levantados y la gente tropieza', service: 'alumbrado', type: 'consulta' },
  });
  await store.claim(id, agentId, 10);
  const reference = 'ALU-2026-987654';
  const at = new Date().toISOString();
  await db.kysely.insertInto('tickets').values({
    reference, service: 'alumbrado', type: 'consulta', status: 'open', description: 'Los adoquines de la acera están levantados', address: null, lat: null, lon: null,
    citizen_id: citizenId, channel: 'webchat', conversation_id: id, locale: 'es', contact: null, connector_kind: 'builtin', external_id: null,
    idempotency_key: `k-${reference}`, created_at: at, updated_at: at, delivery: null, delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
  }).execute();
  return { id, reference };
}

async function signIn(page: Page): Promise<void> {
  await page.goto(`${bot.url}/console`);
  await page.getByTestId('login-email').fill(email);
  await page.getByTestId('login-password').fill(TEST_PASSWORD);
  await page.getByTestId('login-submit').click();
  await poll(() => page.getByTestId('logout').isVisible()).toBe(true);
}

describe('the console\'s "Corregir clasificación" control', () => {
  it('corrects a handoff and a ticket with a click each: stored with who and when, shown in the conversation', async () => {
    const { id, reference } = await misreadConversation();
    const page = await newPage(browser);
    const seen = watchForInjection(page);
    await signIn(page);
    await page.locator(`[data-testid="mine-item"][data-handoff-id="${id}"]`).click();
    await poll(() => page.getByTestId('summary').isVisible()).toBe(true);

    // The conversation: all the catalog's services to choose from, the bot's reading preselected.
    const conversation = page.locator('.summary-host').getByTestId('correction');
    await conversation.locator('summary').click();
    const services = await conversation.getByTestId('correction-service').locator('option').allTextContents();
    expect(services.length).toBeGreaterThan(8);
    expect(await conversation.getByTestId('correction-service').inputValue()).toBe('alumbrado');
    await conversation.getByTestId('correction-service').selectOption('calles');
    await conversation.getByTestId('correction-type').selectOption('reclamo');
    await conversation.getByTestId('correction-submit').click();
    await poll(() => conversation.getByTestId('correction-status').textContent()).toMatch(/^Corregido: .+ · Reclamo/i);
    await poll(() => page.locator('[data-testid="event"][data-kind="corrected"]').count()).toBe(1);

    // The ticket, in the citizen's 360 view.
    const ticket = page.locator(`[data-testid="citizen-ticket"][data-reference="${reference}"]`).getByTestId('correction');
    await ticket.locator('summary').click();
    await ticket.getByTestId('correction-service').selectOption('calles');
    await ticket.getByTestId('correction-type').selectOption('reclamo');
    await ticket.getByTestId('correction-submit').click();
    await poll(() => ticket.getByTestId('correction-status').textContent()).toMatch(/^Corregido/);

    const rows = await db.kysely.selectFrom('classifier_corrections').selectAll().orderBy('id').execute();
    expect(rows.map((r) => [r.handoff_id, r.ticket_reference, r.service, r.type, r.agent_id, r.text])).toEqual([
      [id, null, 'calles', 'reclamo', agentId, 'Los adoquines de la acera están levantados y la gente tropieza'],
      [null, reference, 'calles', 'reclamo', agentId, 'Los adoquines de la acera están levantados'],
    ]);
    expect(await db.kysely.selectFrom('tickets').select(['service', 'type']).where('reference', '=', reference).executeTakeFirst()).toEqual({ service: 'calles', type: 'reclamo' });
    expect(seen.errors).toEqual([]);
  }, 90_000);
});
