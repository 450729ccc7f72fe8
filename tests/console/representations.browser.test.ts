import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MediaStore } from '../../bot/media-store';
import { AuditLog } from '../../bot/sql/audit-log';
import { RepresentationStore } from '../../bot/sql/representation-store';
import { violations } from '../support/axe';
import { watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';
import { DlConversation } from '../e2e/support';

/*
 * Requests to act for someone else (issue 16 part 4), reviewed in real Chromium by a supervisor: the
 * request shows who asks, for whom and why; the proof opens in a new tab (and the opening is in the audit
 * log); an approval until a date and a refusal with its reason each reach the representative on their own
 * web chat; an agent has no such panel. 0 axe-core violations with the panel open.
 */

const DESK = 'atencion-ciudadana';
const tag = randomUUID().slice(0, 6);
const sup = `sup-${tag}@ajuntament.cat`;
const ana = `ana-${tag}@ajuntament.cat`;
const rig = useConsoleBrowser([
  { email: sup, name: 'Sílvia Supervisora', teams: [DESK], role: 'supervisor' },
  { email: ana, name: 'Ana', teams: [DESK] },
]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/** A representative on web chat whose request (with a stored proof) waits for review. */
async function requested(name: string): Promise<{ citizen: DlConversation; id: string; representativeId: string }> {
  const citizen = await DlConversation.open(rig.bot.url);
  await citizen.ask('hola');
  const proof = await new MediaStore(path.join(rig.bot.dataDir, 'uploads'), rig.bot.url).save({ filename: 'dni.png', data: PNG });
  const representativeId = `citizen-${randomUUID()}`;
  const r = await new RepresentationStore(rig.db).request({
    representativeId, representedName: name, relationship: 'family', proofMedia: proof.contentUrl, channel: 'webchat', conversationId: citizen.conversationId!, locale: 'es',
  });
  return { citizen, id: r.id, representativeId };
}

describe('requests to act for someone else, in the console', () => {
  it('a supervisor opens the proof, approves until a date, and the representative is told', async () => {
    const { citizen, id, representativeId } = await requested('Rosa Pérez García');
    const page = await rig.logIn(sup);
    const seen = watchForInjection(page);
    await page.getByTestId('supervisor-tab').click();
    const item = page.locator(`[data-testid="representation-request"][data-id="${id}"]`);
    await poll(() => item.isVisible()).toBe(true);
    expect(await item.locator('h4').textContent()).toBe('En nombre de Rosa Pérez García');
    expect(await item.textContent()).toContain('Familiar');
    expect(await violations(page), 'the representations panel').toEqual([]);

    // The proof opens in a new tab as the image, and the opening is recorded.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), item.getByTestId('representation-proof').click()]);
    await tab.waitForLoadState();
    expect(await tab.evaluate(() => document.contentType)).toBe('image/png');
    await tab.close();
    const opened = await new AuditLog(rig.db).list({ action: 'citizen.view', citizenId: representativeId }, { limit: 5, offset: 0 });
    expect(opened.items).toHaveLength(1);

    // A year from today (approvals last at most five years): the date is relative, so any day of the year works.
    const until = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
    await item.getByTestId('representation-until').fill(until);
    await item.getByTestId('representation-approve').click();
    await poll(() => page.getByTestId('representation-status').textContent()).toBe('Aprobada la representación de Rosa Pérez García.');
    await poll(() => item.count()).toBe(0);
    const row = await rig.db.kysely.selectFrom('representations' as never).select(['status' as never, 'expires_at' as never, 'represented_citizen_id' as never]).where('id' as never, '=', id as never).executeTakeFirstOrThrow() as { status: string; expires_at: string; represented_citizen_id: string };
    expect(row).toMatchObject({ status: 'approved', expires_at: new Date(Date.parse(`${until}T00:00:00Z`) + 86_400_000).toISOString() });
    expect(row.represented_citizen_id).toBeTruthy();
    const day = new Intl.DateTimeFormat('es-ES', { dateStyle: 'long', timeZone: 'UTC' }).format(new Date(`${until}T12:00:00Z`));
    await citizen.botSays((a) => a.text === `El ayuntamiento ha aprobado que actúes en nombre de Rosa Pérez García hasta el ${day}.`);
    expect(seen.errors).toEqual([]);
    citizen.end();
    await page.close();
  }, 120_000);

  it('a refusal with its reason reaches the representative; an agent has no such panel', async () => {
    const { citizen, id } = await requested('Joan Puig');
    const page = await rig.logIn(sup);
    await page.getByTestId('supervisor-tab').click();
    const item = page.locator(`[data-testid="representation-request"][data-id="${id}"]`);
    await poll(() => item.isVisible()).toBe(true);
    await item.getByTestId('representation-reason').fill('El documento no es legible: envíe otra foto.');
    await item.getByTestId('representation-refuse').click();
    await poll(() => page.getByTestId('representation-status').textContent()).toBe('Rechazada la representación de Joan Puig.');
    await citizen.botSays(/^El ayuntamiento no ha aprobado que actúes en nombre de Joan Puig: El documento no es legible: envíe otra foto\.$/);
    citizen.end();
    await page.close();

    const agent = await rig.logIn(ana);
    expect(await agent.getByTestId('supervisor-tab').count()).toBe(0);
    expect(await agent.getByTestId('representations-view').count()).toBe(0);
    await agent.close();
  }, 120_000);
});
