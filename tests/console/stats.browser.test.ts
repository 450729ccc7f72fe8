import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { watchForInjection } from '../support/browser';
import { useConsoleBrowser } from '../support/console-browser';

/*
 * The council's dashboards in real Chromium (issue 15 part 3): a supervisor opens /console/stats on rows
 * seeded straight into SQL with known totals, reads them in the tables, sees the charts drawn (chart.js from
 * its own script, under the console's CSP), widens the range and downloads a table as CSV. An agent has
 * no tab and gets 403 from the API.
 */

const boss = `jefa-${randomUUID().slice(0, 6)}@ajuntament.cat`;
const agent = `agente-${randomUUID().slice(0, 6)}@ajuntament.cat`;
const rig = useConsoleBrowser([
  { email: boss, name: 'Laia', teams: ['aguas'], role: 'supervisor' },
  { email: agent, name: 'Pau', teams: ['aguas'] },
]);
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 20_000 });
const DAY = 86_400_000;
const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

async function conversation(channel: string, startedAt: string): Promise<string> {
  const id = `${channel}:${randomUUID()}`;
  const citizenId = `z-${randomUUID()}`;
  await rig.db.kysely.insertInto('citizens').values({ id: citizenId, display_name: null, locale: 'es', created_at: startedAt }).execute();
  await rig.db.kysely.insertInto('conversations').values({ id, channel, channel_conversation_id: id, citizen_id: citizenId, started_at: startedAt, last_activity_at: startedAt }).execute();
  return id;
}

async function ticket(service: string, createdAt: string): Promise<void> {
  await rig.db.kysely.insertInto('tickets').values({
    reference: `T-${randomUUID().slice(0, 8)}`, service, type: 'reclamo', status: 'open', description: 'x', address: null, lat: null, lon: null, citizen_id: 'z',
    channel: 'webchat', conversation_id: 'c', locale: 'es', contact: null, connector_kind: 'builtin', external_id: null, idempotency_key: randomUUID(),
    created_at: createdAt, updated_at: createdAt, delivery: null, delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
  }).execute();
}

/** Two webchat conversations and two Telegram ones the bot dealt with, one webchat one a person answered; an old one; two tickets. */
async function seed(): Promise<void> {
  for (const channel of ['webchat', 'webchat', 'telegram', 'telegram']) await conversation(channel, ago(2 * DAY));
  const withPerson = await conversation('webchat', ago(3 * DAY));
  const asked = ago(3 * DAY - 60_000);
  await rig.db.kysely.insertInto('handoffs').values({
    id: randomUUID(), conversation_id: withPerson, channel: 'webchat', channel_conversation_id: withPerson, user_id: 'u', citizen_id: 'z', team: 'aguas', priority: 5,
    reason: 'asked', summary: '{}', locale: 'es', status: 'closed', agent_id: 'x', ticket_reference: null, resolution: null, created_at: asked, queued_at: asked,
    claimed_at: null, ended_at: null,
  }).execute();
  const handoffId = (await rig.db.kysely.selectFrom('handoffs').select('id').where('conversation_id', '=', withPerson).executeTakeFirstOrThrow()).id;
  await rig.db.kysely.insertInto('handoff_events').values({ handoff_id: handoffId, kind: 'claimed', agent_id: 'x', team: 'aguas', note: null, at: new Date(Date.parse(asked) + 120_000).toISOString() }).execute();
  await rig.db.kysely.insertInto('messages').values({
    conversation_id: withPerson, direction: 'out', activity_id: randomUUID(), text: 'Hola', attachments: null, entities: null, created_at: new Date(Date.parse(asked) + 300_000).toISOString(), author: 'x',
  }).execute();
  await rig.db.kysely.insertInto('satisfaction').values({ handoff_id: handoffId, team: 'aguas', agent_id: 'x', score: 4, comment: null, at: new Date(Date.parse(asked) + 600_000).toISOString() }).execute();
  // Outside the default 30 days.
  await conversation('telegram', ago(45 * DAY));
  await ticket('alumbrado', ago(3 * DAY));
  // A code a spreadsheet would run: the CSV must not.
  await ticket('=HYPERLINK("http://evil.example")', ago(3 * DAY));
}

/** The table's body rows, each as its cells' texts. */
const rowsOf = (page: Page, table: string) => page.getByTestId(`stats-table-${table}`).locator('tbody tr')
  .evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent ?? '')));

/** How many pixels of the chart's canvas are painted. */
const painted = (page: Page, table: string) => page.getByTestId(`stats-chart-${table}`).evaluate((c: HTMLCanvasElement) => {
  const ctx = c.getContext('2d');
  if (!ctx || !c.width || !c.height) return 0;
  const data = ctx.getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
  return n;
});

async function download(page: Page, table: string): Promise<{ name: string; rows: Array<Record<string, string>> }> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`stats-csv-${table}`).click()]);
  return { name: file.suggestedFilename(), rows: parse(await readFile((await file.path())!, 'utf8'), { columns: true }) as Array<Record<string, string>> };
}

describe("the council's dashboards", () => {
  it('shows the totals in tables with drawn charts, follows a new range and downloads a table as CSV', async () => {
    await seed();
    const page = await rig.logIn(boss);
    const seen = watchForInjection(page);
    // A link to the dashboards opens the console on them.
    await page.goto(`${rig.bot.url}/console/stats`);
    await poll(() => page.getByTestId('stats-view').isVisible()).toBe(true);
    expect(await page.getByTestId('stats-tab').getAttribute('aria-selected')).toBe('true');
    await poll(() => rowsOf(page, 'channels')).toEqual([['Telegram', '2', '2', '100 %'], ['Web', '3', '2', '66,7 %']]);
    expect(await page.getByTestId('stats-status').textContent()).toContain('5 conversaciones; 80 % resueltas sin una persona.');
    expect(await page.getByRole('heading', { name: 'Conversaciones por canal' }).count()).toBe(1);
    expect(await page.getByTestId('stats-table-times').locator('tfoot tr').evaluate((tr) => [...tr.children].map((c) => c.textContent))).toEqual(['Total', '1', '2:00', '2:00', '5:00', '5:00']);
    expect(await rowsOf(page, 'reasons')).toEqual([['Pidió hablar con una persona', '1']]);
    expect(await rowsOf(page, 'types')).toEqual([['Reclamo', '2']]);
    expect((await rowsOf(page, 'satisfaction'))[0]?.slice(1)).toEqual(['1', '4', '1']);
    const days = await rowsOf(page, 'days');
    expect(days).toHaveLength(30);
    expect(await page.getByTestId('stats-table-days').locator('tfoot tr').evaluate((tr) => [...tr.children].map((c) => c.textContent))).toEqual(['Total', '5', '1', '2']);

    // Every chart is drawn, each beside the table with its numbers.
    for (const table of ['days', 'channels', 'times', 'reasons', 'tickets', 'types', 'satisfaction']) {
      await poll(() => painted(page, table)).toBeGreaterThan(100);
    }

    // Sixty days back takes in the old conversation.
    // Counted on the city's calendar (Madrid), which is a day ahead of UTC for an hour or two every night.
    const madridToday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Madrid' }).format(new Date());
    await page.getByTestId('stats-view').getByLabel('Desde el día').fill(new Date(Date.parse(`${madridToday}T12:00:00Z`) - 60 * DAY).toISOString().slice(0, 10));
    await page.getByTestId('stats-apply').click();
    await poll(() => rowsOf(page, 'channels')).toEqual([['Telegram', '3', '3', '100 %'], ['Web', '3', '2', '66,7 %']]);
    expect(await rowsOf(page, 'days')).toHaveLength(61);
    await poll(() => painted(page, 'channels')).toBeGreaterThan(100);

    const channels = await download(page, 'channels');
    expect(channels.name).toMatch(/^estadisticas-channels-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(channels.rows).toEqual([
      { channel: 'telegram', conversations: '3', withoutPerson: '3', withoutPersonShare: '1' },
      { channel: 'webchat', conversations: '3', withoutPerson: '2', withoutPersonShare: '0.667' },
    ]);
    const tickets = await download(page, 'tickets');
    // A cell that would be a formula is escaped with a leading quote.
    expect(tickets.rows.map((r) => r.service)).toEqual(["'=HYPERLINK(\"http://evil.example\")", 'alumbrado', 'all']);
    expect(tickets.rows.at(-1)).toMatchObject({ opened: '2', closed: '0', stillOpen: '2' });
    expect(seen.errors).toEqual([]);
  }, 120_000);

  it('shows an agent no dashboards tab, and the API refuses them', async () => {
    const page = await rig.logIn(agent);
    expect(await page.getByTestId('history-tab').isVisible()).toBe(true);
    expect(await page.getByTestId('stats-tab').count()).toBe(0);
    const refused = await page.evaluate(async () => Promise.all(['/console/api/stats', '/console/api/stats/csv?table=days'].map(async (u) => (await fetch(u)).status)));
    expect(refused).toEqual([403, 403]);
    // The dashboards' address opens the console without them.
    await page.goto(`${rig.bot.url}/console/stats`);
    await poll(() => page.getByTestId('logout').isVisible()).toBe(true);
    expect(await page.getByTestId('stats-view').count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe('/console');
  }, 60_000);
});
