import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../bot/sql/audit-log';
import { useConsoleBrowser } from '../support/console-browser';
import { DlConversation, waitFor } from '../e2e/support';

/*
 * Issue 15 part 4 in real Chromium: an admin opens a citizen's conversation in the console and downloads
 * the citizen's copy of their data (JSON and text) from the citizen's record; the download is in the audit
 * log. An agent of the team sees the same record without the links.
 */

const DESK = 'atencion-ciudadana';
const suffix = randomUUID().slice(0, 6);
const agentEmail = `pau-${suffix}@ajuntament.cat`;
const adminEmail = `marta-${suffix}@ajuntament.cat`;
const rig = useConsoleBrowser([
  { email: agentEmail, name: 'Pau', teams: [DESK] },
  { email: adminEmail, name: 'Marta', teams: [], role: 'admin' },
]);
const logIn = (email: string): Promise<Page> => rig.logIn(email);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** An agent of the team opens it from the queue. */
async function openQueued(page: Page): Promise<void> {
  await poll(() => page.getByTestId('queue-item').count()).toBe(1);
  await page.getByTestId('queue-item').first().click();
  await poll(() => page.getByTestId('citizen-360').isVisible()).toBe(true);
}

/** An admin (of no team: no queue) finds it with the search box, by words the citizen wrote. */
async function openFound(page: Page, words: string, handoffId: string): Promise<void> {
  const result = page.locator(`[data-testid="search-result"][data-handoff-id="${handoffId}"]`).first();
  await poll(async () => {
    await page.getByTestId('search-input').fill(words);
    await page.getByTestId('search-input').press('Enter');
    await page.waitForTimeout(300);
    return result.count();
  }).toBeGreaterThan(0);
  await result.click();
  await poll(() => page.getByTestId('citizen-360').isVisible()).toBe(true);
}

describe("a citizen's copy of their data from the console", () => {
  it('downloads as JSON and as text for an admin, recorded in the audit log; an agent has no links', async () => {
    const citizen = await DlConversation.open(rig.bot.url);
    const marker = String(Date.now());
    await citizen.ask(`hay un bache en la calle Mayor ${marker}`);
    await citizen.ask('cancelar');
    const { reply } = await citizen.ask('quiero hablar con una persona');
    if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
    citizen.end();
    const handoff = await waitFor(() => rig.db.kysely.selectFrom('handoffs').select(['id', 'citizen_id']).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');

    const agent = await logIn(agentEmail);
    await openQueued(agent);
    expect(await agent.getByTestId('data-copy').count()).toBe(0);

    const admin = await logIn(adminEmail);
    await openFound(admin, marker, handoff.id);
    const [json] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('data-copy-json').click()]);
    expect(json.suggestedFilename()).toMatch(/^datos-.*\.json$/);
    const copy = JSON.parse(await readFile((await json.path())!, 'utf8')) as { citizenId: string; conversations: Array<{ messages: Array<{ text: string }> }> };
    expect(copy.citizenId).toBe(handoff.citizen_id);
    expect(copy.conversations.flatMap((c) => c.messages.map((m) => m.text)).join('\n')).toContain(marker);
    const [text] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('data-copy-text').click()]);
    expect(await readFile((await text.path())!, 'utf8')).toContain('## Tus conversaciones');

    const { items } = await new AuditLog(rig.db).list({ action: 'data.export' }, { limit: 10, offset: 0 });
    expect(items.map((e) => [e.agentRole, e.citizenId])).toEqual([['admin', handoff.citizen_id], ['admin', handoff.citizen_id]]);
    await Promise.all([agent.context().close(), admin.context().close()]);
  }, 90_000);
});
