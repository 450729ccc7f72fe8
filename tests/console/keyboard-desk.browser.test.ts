import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { violations } from '../support/axe';
import { watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';

/*
 * The console by keyboard only, in real Chromium (issue 15 part 1, an all-day desk): `?` opens the list of
 * shortcuts in a modal dialog that keeps the focus and gives it back; from a queue of 12 the claim button
 * is a few Tabs from the opened conversation; `n` opens the next waiting one, `a` claims it and puts the
 * focus in the reply box, `/` picks a canned reply with the arrows and Enter, Enter sends it to the
 * citizen and the focus stays in the box; Alt+C closes, and the focus goes on to the next of the list.
 */

const DESK = 'atencion-ciudadana';
const tag = randomUUID().slice(0, 6);
const ana = `ana-${tag}@ajuntament.cat`;
const rig = useConsoleBrowser([{ email: ana, name: 'Ana', teams: [DESK] }]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000 });

/** What has the focus: its test id (or tag), and the handoff of a list item. */
const focused = (page: Page) => page.evaluate(() => {
  const el = document.activeElement as HTMLElement | null;
  return { testid: el?.dataset['testid'] ?? el?.tagName.toLowerCase(), handoff: el?.dataset['handoffId'], id: el?.id, inDialog: !!el?.closest('dialog') };
});

/** Presses Tab until the claim button has the focus; the number of presses (at most `max`). */
async function tabsToClaim(page: Page, max = 40): Promise<number> {
  for (let n = 1; n <= max; n += 1) {
    await page.keyboard.press('Tab');
    if ((await focused(page)).testid === 'claim-button') return n;
  }
  return Infinity;
}

describe('the console by keyboard', () => {
  it('? lists the shortcuts in a modal dialog that keeps the focus and gives it back on Escape', async () => {
    const page = await rig.logIn(ana);
    const seen = watchForInjection(page);
    await page.getByTestId('logout').focus();
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Atajos de teclado' });
    await poll(() => dialog.isVisible()).toBe(true);
    const list = await page.getByTestId('shortcuts-list').textContent();
    for (const text of ['Atender', 'Ir a la respuesta', 'Transferir', 'Cerrar la conversación', 'Abrir la siguiente conversación en cola', 'respuesta predefinida']) expect(list).toContain(text);
    for (let i = 0; i < 4; i += 1) {
      await page.keyboard.press('Tab');
      // The page behind is inert: the focus never leaves the dialog for it.
      expect(await page.evaluate(() => !document.activeElement || document.activeElement === document.body || !!document.activeElement.closest('dialog'))).toBe(true);
    }
    expect(await violations(page), 'the help dialog open').toEqual([]);
    // Typing a shortcut's key in the dialog does nothing behind it.
    await page.keyboard.press('n');
    await page.keyboard.press('Escape');
    await poll(() => dialog.isVisible()).toBe(false);
    expect((await focused(page)).testid).toBe('logout');
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it('from 12 waiting: a few Tabs to Atender, n opens the next, a claims, / inserts a canned reply, Enter sends, Alt+C closes', async () => {
    const waiting = await Promise.all(Array.from({ length: 12 }, () => rig.citizenWaiting()));
    const page = await rig.logIn(ana);
    const items = page.getByTestId('queue-item');
    await poll(() => items.count()).toBe(12);

    // An item in the middle of the list, opened by keyboard: the actions are a few Tabs away, not 18.
    await items.nth(6).focus();
    await page.keyboard.press('Enter');
    await poll(async () => (await focused(page)).id).toBe('conversation-title');
    expect(await tabsToClaim(page)).toBeLessThanOrEqual(3);

    // n: the next waiting conversation, the head of the queue (#1: equal priorities, so the first to join
    // the team's queue; twelve joining at once may share a millisecond, so the queue's order is the truth).
    const first = { id: (await items.first().getAttribute('data-handoff-id'))! };
    expect(await items.first().locator('.pos').textContent()).toBe('#1');
    expect(waiting.map((w) => w.id)).toContain(first.id);
    await page.keyboard.press('n');
    await poll(() => page.locator(`[data-testid="queue-item"][aria-current="true"]`).getAttribute('data-handoff-id')).toBe(first.id);
    await poll(async () => (await focused(page)).id).toBe('conversation-title');

    // a: claimed, and the focus is in the reply box.
    await page.keyboard.press('a');
    await poll(() => page.getByTestId('handoff-status').getAttribute('data-status')).toBe('assigned');
    await poll(async () => (await focused(page)).testid).toBe('composer-input');

    // A bare letter in the reply box is text, not a shortcut.
    await page.keyboard.type('c');
    expect(await page.getByTestId('close-resolution').isVisible()).toBe(false);
    await page.keyboard.press('Backspace');

    // / at the start: a listbox of canned replies; arrows move, Escape closes, Enter inserts.
    const box = page.getByTestId('composer-input');
    const picker = page.getByTestId('canned-list');
    await page.keyboard.type('/');
    await poll(() => picker.isVisible()).toBe(true);
    expect(await box.getAttribute('aria-expanded')).toBe('true');
    expect(await picker.getByRole('option').allTextContents()).toEqual(['Saludo', 'En curso', 'Pedir foto', 'Despedida']);
    expect(await violations(page), 'the canned replies listed').toEqual([]);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    expect(await picker.getByRole('option', { selected: true }).textContent()).toBe('En curso');
    await page.keyboard.press('Escape');
    await poll(() => picker.isVisible()).toBe(false);
    expect(await box.inputValue()).toBe('/');
    await page.keyboard.type('desp');
    await poll(() => picker.getByRole('option').allTextContents()).toEqual(['Despedida']);
    await page.keyboard.press('Enter');
    expect(await box.inputValue()).toBe('Gracias por avisarnos. Si necesita algo más, escríbanos cuando quiera.');
    expect((await focused(page)).testid).toBe('composer-input');

    // Enter sends it to the citizen; the focus stays in the (now empty) reply box.
    await page.keyboard.press('Enter');
    const citizen = waiting.find((w) => w.id === first.id)!.citizen;
    await citizen.botSays(/Gracias por avisarnos/, 30_000);
    await poll(() => box.inputValue()).toBe('');
    expect((await focused(page)).testid).toBe('composer-input');

    // Alt+C from the reply box: the close form, its resolution focused; closing moves on to the list.
    await page.keyboard.press('Alt+KeyC');
    await poll(async () => (await focused(page)).testid).toBe('close-resolution');
    await page.keyboard.type('Resuelto por teclado');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect((await focused(page)).testid).toBe('close-submit');
    await page.keyboard.press('Enter');
    await poll(() => page.getByTestId('handoff-status').getAttribute('data-status')).toBe('closed');
    await poll(async () => (await focused(page)).testid).toBe('queue-item');
    await page.close();
    for (const w of waiting) w.citizen.end();
  }, 240_000);
});
