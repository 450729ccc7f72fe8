import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { conversationKey } from '../../bot/conversation-key';
import { HistoryStore } from '../../bot/sql/history-store';
import { HandoffStore } from '../../handoff/handoff-store';
import { watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';

/*
 * The history of ended conversations in real Chromium (issue 15 part 1): an agent of street maintenance
 * filters it by rating and channel, opens the conversation it leaves (read-only transcript and citizen,
 * recorded in the audit log), and never sees another team's.
 */

const street = `calle-${randomUUID().slice(0, 6)}@ajuntament.cat`;
const rig = useConsoleBrowser([{ email: street, name: 'Marta', teams: ['mantenimiento-urbano'] }]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });

/** A conversation `team` attended and closed, with `line` in its transcript and the citizen's `rating`. */
async function closed(o: { team: string; line: string; name: string; channel?: string; rating?: number; agentId?: string }): Promise<{ id: string; citizenId: string }> {
  const history = new HistoryStore(rig.db);
  const handoffs = new HandoffStore(rig.db);
  const id = randomUUID();
  const channel = o.channel ?? 'webchat';
  const citizenId = await history.citizenFor(channel, `u-${id}`, o.name);
  await history.recordMessages([{ channel, conversationId: id, citizenId, direction: 'in', activityId: 'a-1', text: o.line, at: new Date() }]);
  await handoffs.open({
    id, conversationKey: conversationKey(channel, id), channel, conversationId: id, userId: `u-${id}`, citizenId, team: o.team, priority: 5,
    reason: 'asked', locale: 'es', summary: { description: o.line },
  });
  const agent = o.agentId ?? rig.agents.get(street)!.id;
  await handoffs.claim(id, agent, 10);
  await handoffs.transition(id, ['assigned'], 'closed', { resolution: 'Resuelto por teléfono', ended_at: new Date().toISOString() }, { kind: 'closed', agentId: agent });
  if (o.rating) await handoffs.recordSatisfaction(id, o.rating);
  return { id, citizenId };
}

describe('the history of ended conversations', () => {
  it('filters by rating and channel and opens the conversation read-only, recorded in the audit log', async () => {
    const tag = randomUUID().slice(0, 6);
    const happy = await closed({ team: 'mantenimiento-urbano', line: `Bache ${tag} tapado, gracias`, name: 'Núria Puig', rating: 5 });
    const unhappy = await closed({ team: 'mantenimiento-urbano', line: `Bache ${tag} sigue ahí`, name: 'Jordi Vila', rating: 1 });
    const onTelegram = await closed({ team: 'mantenimiento-urbano', line: `Farola ${tag}`, name: 'Pere Soler', rating: 5, channel: 'telegram' });
    const water = await closed({ team: 'aguas', line: `Fuga ${tag}`, name: 'Otra Persona', rating: 5, agentId: 'an-agent-of-aguas' });

    const page = await rig.logIn(street);
    const seen = watchForInjection(page);
    await page.getByTestId('history-tab').click();
    const rows = page.getByTestId('history-item');
    const row = (id: string) => page.locator(`[data-testid="history-item"][data-handoff-id="${id}"]`);
    await poll(() => row(happy.id).count()).toBe(1);
    // Newest end first; another team's conversation is not listed.
    const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-handoff-id')));
    expect(order.indexOf(onTelegram.id)).toBeLessThan(order.indexOf(unhappy.id));
    expect(order.indexOf(unhappy.id)).toBeLessThan(order.indexOf(happy.id));
    expect(order).not.toContain(water.id);

    // Filters are labelled controls.
    await page.getByLabel('Valoración').selectOption('5');
    await page.getByLabel('Canal').selectOption('webchat');
    await page.getByTestId('history-apply').click();
    await poll(() => row(unhappy.id).count()).toBe(0);
    expect(await row(onTelegram.id).count()).toBe(0);
    expect(await row(happy.id).count()).toBe(1);
    expect(await row(happy.id).textContent()).toContain('Núria Puig');
    expect(await row(happy.id).textContent()).toContain('5 de 5');

    await row(happy.id).getByTestId('history-open').click();
    await poll(() => page.getByTestId('transcript').textContent()).toContain(`Bache ${tag} tapado`);
    expect(await page.getByTestId('history-view').isHidden()).toBe(true);
    expect(await page.getByTestId('handoff-status').getAttribute('data-status')).toBe('closed');
    // Read-only: an ended conversation cannot be claimed again.
    expect(await page.getByTestId('claim-button').isDisabled()).toBe(true);
    expect(seen.errors).toEqual([]);
    const audited = await rig.db.kysely.withTables<{ audit_log: { action: string; agent_id: string; handoff_id: string | null; citizen_id: string | null } }>()
      .selectFrom('audit_log').select(['action', 'citizen_id']).where('agent_id', '=', rig.agents.get(street)!.id).where('handoff_id', '=', happy.id).execute();
    expect(audited).toContainEqual({ action: 'transcript.open', citizen_id: happy.citizenId });
  }, 120_000);
});
