import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../bot/sql/audit-log';
import { T } from '../../console/ui/i18n';
import { useConsoleBrowser } from '../support/console-browser';
import { DlConversation, waitFor } from '../e2e/support';

/*
 * Issue 15 part 4 in real Chromium: an agent opens a citizen's conversation in the console; an admin then
 * opens the audit log from the admin area, sees that access, filters it and downloads it as CSV. The
 * agent finds no way to it: no admin tab, and the API answers 403.
 */

const DESK = 'atencion-ciudadana';
const suffix = randomUUID().slice(0, 6);
const agentEmail = `ana-${suffix}@ajuntament.cat`;
const adminEmail = `nuria-${suffix}@ajuntament.cat`;
const rig = useConsoleBrowser([
  { email: agentEmail, name: 'Ana Audita', teams: [DESK] },
  { email: adminEmail, name: 'Núria', teams: [], role: 'admin' },
]);
const logIn = (email: string): Promise<Page> => rig.logIn(email);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

describe('the audit log in the console', () => {
  it("shows an admin the agent's opening of a transcript, filters it and exports it as CSV; an agent cannot reach it", async () => {
    const citizen = await DlConversation.open(rig.bot.url);
    const { reply } = await citizen.ask('quiero hablar con una persona');
    if (/no hay nadie del equipo/.test(reply.text ?? '')) await citizen.ask('Esperar');
    citizen.end();
    const handoff = await waitFor(() => rig.db.kysely.selectFrom('handoffs').select(['id', 'citizen_id']).where('status', '=', 'queued').executeTakeFirst(), 'the handoff in SQL');

    // The agent opens the conversation from the queue: the console reads its transcript.
    const agent = await logIn(agentEmail);
    await poll(() => agent.getByTestId('queue-item').count()).toBe(1);
    await agent.getByTestId('queue-item').first().click();
    await poll(() => agent.getByTestId('handoff-status').getAttribute('data-status')).toBe('queued');
    expect(await agent.getByTestId('admin-tab').count()).toBe(0);
    const refused = await agent.evaluate(async () => Promise.all(['/console/api/admin/audit', '/console/api/admin/audit/csv'].map(async (u) => (await fetch(u)).status)));
    expect(refused).toEqual([403, 403]);

    // The admin opens the log from the admin area.
    const admin = await logIn(adminEmail);
    await admin.getByTestId('admin-tab').click();
    await admin.getByTestId('audit-open').click();
    const opened = admin.locator('[data-testid="audit-entry"][data-action="transcript.open"]');
    await poll(() => opened.count()).toBe(1);
    const row = await opened.first().textContent();
    expect(row).toContain('Ana Audita');
    expect(row).toContain(T.audit.actions['transcript.open']);
    expect(row).toContain(handoff.id);
    expect(row).toContain(handoff.citizen_id);
    expect(await admin.locator('[data-testid="audit-entry"][data-action="citizen.view"]').count()).toBe(1);

    // Filtered by action, only those entries remain.
    await admin.getByTestId('audit-action').selectOption('transcript.open');
    await admin.getByTestId('audit-filters').locator('button[type=submit]').click();
    await poll(() => admin.getByTestId('audit-entry').count()).toBe(1);
    await poll(() => admin.getByTestId('audit-status').textContent()).toBe(T.audit.showing(1, 1, 1));

    // "Exportar CSV" downloads the same filter's entries.
    expect(await admin.getByTestId('audit-csv').textContent()).toBe('Exportar CSV');
    const [download] = await Promise.all([admin.waitForEvent('download'), admin.getByTestId('audit-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^registro-accesos-\d{4}-\d{2}-\d{2}\.csv$/);
    const rows = parse(await readFile((await download.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>>;
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'transcript.open', handoffId: handoff.id, citizenId: handoff.citizen_id, agentRole: 'agent' });

    // Reading and exporting were recorded too.
    const { items } = await new AuditLog(rig.db).list({}, { limit: 50, offset: 0 });
    expect(new Set(items.filter((e) => e.agentRole === 'admin').map((e) => e.action))).toEqual(new Set(['audit.view', 'audit.export']));
    await Promise.all([agent.context().close(), admin.context().close()]);
  }, 90_000);
});
