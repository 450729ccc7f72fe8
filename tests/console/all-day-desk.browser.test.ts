import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { AgentPresence } from '../../console/protocol';
import { ConsoleClient } from '../support/console-client';
import { useConsoleBrowser } from '../support/console-browser';
import { DlConversation } from '../e2e/support';

/*
 * An all-day desk in real Chromium (issue 15 part 1): the bot's live conversations arrive over the socket
 * (no reload, no polling); with the agent's permission a desktop notification is created for a citizen's
 * message in a held conversation that is not on screen and for a new citizen waiting while the tab is
 * hidden, and the tab's title counts what is unread; an agent who says "away" is not counted online, so
 * the citizen hears that nobody of the team is online.
 */

const DESK = 'atencion-ciudadana';
const tag = randomUUID().slice(0, 6);
const ana = `ana-${tag}@ajuntament.cat`;
const sup = `sup-${tag}@ajuntament.cat`;
// The supervisor is of another team: at a console, they do not count as someone online for the desk.
const rig = useConsoleBrowser([{ email: ana, name: 'Quima', teams: [DESK] }, { email: sup, name: 'Sara', teams: ['aguas'], role: 'supervisor' }]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });
const NOBODY = /no hay nadie del equipo/;

/**
 * Records every Notification the page creates (the real one still runs), and lets the test say the tab
 * is hidden: headless Chromium's tab is always visible.
 */
function recordNotifications(): void {
  const w = window as unknown as { __notes: string[]; __hidden: boolean; Notification: typeof Notification };
  w.__notes = [];
  w.__hidden = false;
  const Real = w.Notification;
  const Recording = function (this: unknown, title: string, options?: NotificationOptions) {
    w.__notes.push(title);
    return new Real(title, options);
  } as unknown as typeof Notification;
  Object.defineProperty(Recording, 'permission', { get: () => Real.permission });
  (Recording as unknown as { requestPermission: typeof Notification.requestPermission }).requestPermission = Real.requestPermission.bind(Real);
  w.Notification = Recording;
  Object.defineProperty(document, 'hidden', { configurable: true, get: () => w.__hidden });
}

async function notes(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __notes: string[] }).__notes);
}

describe('an all-day desk', () => {
  it("a citizen who starts talking to the bot appears in the live list without a reload", async () => {
    const page = await rig.logIn(ana);
    const citizen = await DlConversation.open(rig.bot.url);
    await citizen.ask('hola, buenos días');
    const item = page.locator(`[data-testid="live-item"][data-conversation-key="webchat:${citizen.conversationId}"]`);
    await poll(() => item.count()).toBe(1);
    citizen.end();
    await page.context().close();
  });

  it('a conversation where the bot read an emergency is listed first in the live list, flagged with an icon and words', async () => {
    const page = await rig.logIn(ana);
    const urgent = await DlConversation.open(rig.bot.url);
    await urgent.ask('hay olor a gas en todo el portal y estamos asustados');
    // An ordinary conversation after it: the most recent, yet listed below the emergency.
    const ordinary = await DlConversation.open(rig.bot.url);
    await ordinary.ask('hola, buenos días');
    const keys = () => page.getByTestId('live-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['conversationKey']));
    await poll(async () => (await keys()).includes(`webchat:${ordinary.conversationId}`)).toBe(true);
    expect((await keys())[0]).toBe(`webchat:${urgent.conversationId}`);
    const first = page.getByTestId('live-item').first();
    expect(await first.getByTestId('live-emergency').textContent()).toBe('⚠ Posible emergencia');
    expect(await page.locator(`[data-testid="live-item"][data-conversation-key="webchat:${ordinary.conversationId}"] [data-testid="live-emergency"]`).count()).toBe(0);
    urgent.end();
    ordinary.end();
    await page.context().close();
  });

  it('a waiting citizen who reports an emergency moves first in the queue, flagged', async () => {
    const page = await rig.logIn(ana);
    const first = await rig.citizenWaiting();
    const second = await rig.citizenWaiting();
    const ids = () => page.getByTestId('queue-item').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['handoffId']));
    await poll(async () => (await ids()).indexOf(second.id) > (await ids()).indexOf(first.id) && (await ids()).indexOf(first.id) >= 0).toBe(true);
    await second.citizen.ask('hay olor a gas en todo el portal y estamos asustados');
    await poll(async () => (await ids())[0]).toBe(second.id);
    const item = page.locator(`[data-testid="queue-item"][data-handoff-id="${second.id}"]`);
    expect(await item.textContent()).toContain('⚠ Peligro');
    // Out of the queue, so later tests start from an empty one.
    for (const c of [first, second]) await c.citizen.ask('cancelar');
    first.citizen.end();
    second.citizen.end();
    await page.context().close();
  });

  it('with permission, notifies a message in a held conversation not on screen and a new waiting citizen while hidden; the title counts the unread', async () => {
    const page = await rig.logIn(ana);
    await page.context().grantPermissions(['notifications'], { origin: rig.bot.url });
    await page.addInitScript(recordNotifications);
    await page.reload();
    const toggle = page.getByTestId('alerts-toggle');
    await poll(() => toggle.getAttribute('aria-pressed')).toBe('false');
    await toggle.click();
    await poll(() => toggle.getAttribute('aria-pressed')).toBe('true');

    const { citizen, id } = await rig.citizenWaiting();
    const api = await ConsoleClient.login(rig.bot.url, ana);
    expect((await api.post(`/handoffs/${id}/claim`)).status).toBe(200);
    await poll(() => page.locator(`[data-testid="mine-item"][data-handoff-id="${id}"]`).count()).toBe(1);
    await citizen.post('¿sigue ahí alguien?');
    await poll(() => notes(page)).toContain('Nuevo mensaje en una conversación que atiendes');
    await poll(() => page.title()).toMatch(/^\(1\) /);
    // Read: the count leaves the title.
    await page.locator(`[data-testid="mine-item"][data-handoff-id="${id}"]`).click();
    await poll(() => page.title()).not.toMatch(/^\(\d+\) /);

    // The tab hidden: a new citizen in the queue is notified.
    await page.evaluate(() => void ((window as unknown as { __hidden: boolean }).__hidden = true));
    const second = await rig.citizenWaiting();
    await poll(() => notes(page)).toContain('Un ciudadano espera en Atención ciudadana');
    // The choice is remembered in this browser.
    await page.reload();
    await poll(() => page.getByTestId('alerts-toggle').getAttribute('aria-pressed')).toBe('true');
    citizen.end();
    second.citizen.end();
    await page.context().close();
  });

  it('an agent who says away is not counted online: the citizen hears nobody of the team is online', async () => {
    const page = await rig.logIn(ana);
    const availability = page.getByLabel('Disponibilidad');
    await poll(() => availability.inputValue()).toBe('available');
    const api = await ConsoleClient.login(rig.bot.url, ana);
    const mine = async () => ((await api.get(`/agents?team=${DESK}`)).body as { items: AgentPresence[] }).items.find((a) => a.name === 'Quima')?.availability;
    await poll(mine).toBe('available');
    await availability.selectOption('away');
    await poll(mine).toBe('away');
    // Supervisors see it.
    const supervisor = await rig.logIn(sup);
    await supervisor.getByTestId('supervisor-tab').click();
    await supervisor.getByTestId('supervisor-refresh').click();
    await poll(() => supervisor.getByRole('row').filter({ hasText: 'Quima' }).textContent()).toContain('Ausente');
    await supervisor.context().close();
    const away = await DlConversation.open(rig.bot.url);
    expect((await away.ask('quiero hablar con una persona')).reply.text).toMatch(NOBODY);
    away.end();

    await availability.selectOption('available');
    await poll(mine).toBe('available');
    const back = await DlConversation.open(rig.bot.url);
    expect((await back.ask('quiero hablar con una persona')).reply.text).not.toMatch(NOBODY);
    back.end();
    await page.context().close();
    // The console closed: offline.
    await poll(mine).toBe('offline');
  });
});
