import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { openDays } from '../../connectors/appointments/open-days';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import { violations } from '../support/axe';
import { watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';

/*
 * The office desk's day of appointments (issue 16 part 1) in real Chromium: an agent opens the "Citas"
 * tab, picks the office and the day, sees the booked appointments by time and reference (no names), and
 * marks one attended and one absent; SQL has both. 0 axe-core violations.
 */

const DESK = 'atencion-ciudadana';
const ana = `ana-${randomUUID().slice(0, 6)}@ajuntament.cat`;
const rig = useConsoleBrowser([{ email: ana, name: 'Ana', teams: [DESK] }]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });

describe("the office desk's appointments", () => {
  it('lists a day by time and reference, and marks attendance', async () => {
    // Two appointments on the first day with places, from now (any day of the year).
    const plan = loadCatalog('config/catalog.yaml').appointments!;
    const store = new SqlAppointments(rig.db, plan);
    // From tomorrow: a slot seconds away could start before it is booked. Any day of the year has open days
    // within the 30-day horizon (holidays and DST only move which ones).
    const [day] = await openDays(store, { procedure: 'empadronamiento', office: plan.offices[0]!, from: new Date(Date.now() + 86_400_000), horizonDays: plan.horizonDays });
    const [first, second] = [day!.slots[0]!, day!.slots[1] ?? day!.slots[0]!];
    const book = (start: Date) => store.book({ procedure: 'empadronamiento', office: 'oac-centro', start, citizenId: `citizen-${randomUUID()}`, conversationKey: 'webchat:x', locale: 'es' });
    const [a, b] = [await book(first.start), await book(second.start)];

    const page = await rig.logIn(ana);
    const seen = watchForInjection(page);
    await page.getByTestId('appointments-tab').click();
    await poll(() => page.getByTestId('appointments-view').isVisible()).toBe(true);
    await page.getByTestId('appointments-office').selectOption('oac-centro');
    await page.getByTestId('appointments-day').fill(day!.day);
    await page.getByTestId('appointments-show').click();
    const rowA = page.locator(`[data-testid="appointment-row"][data-reference="${a.reference}"]`);
    const rowB = page.locator(`[data-testid="appointment-row"][data-reference="${b.reference}"]`);
    await poll(() => rowA.isVisible()).toBe(true);
    expect(await rowA.textContent()).toContain('Empadronamiento');
    expect(await rowA.getByTestId('appointment-status').textContent()).toBe('Pendiente');
    expect(await violations(page), 'the appointments tab').toEqual([]);

    await rowA.getByTestId('appointment-attended').click();
    await poll(() => rowA.getByTestId('appointment-status').textContent()).toBe('Atendida');
    await rowB.getByTestId('appointment-no-show').click();
    await poll(() => rowB.getByTestId('appointment-status').textContent()).toBe('No se presentó');
    expect(await rowA.getByTestId('appointment-attended').count()).toBe(0);
    const rows = await rig.db.kysely.selectFrom('appointments' as never).select(['reference' as never, 'status' as never]).where('reference' as never, 'in', [a.reference, b.reference] as never).orderBy('reference' as never).execute() as Array<{ reference: string; status: string }>;
    expect(Object.fromEntries(rows.map((r) => [r.reference, r.status]))).toEqual({ [a.reference]: 'attended', [b.reference]: 'no-show' });
    expect(seen.errors).toEqual([]);
    await page.close();
  }, 120_000);
});
