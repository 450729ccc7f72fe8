import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import type { ServerEvent } from '../../console/protocol';
import { ConsoleClient, createAgent } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { DlConversation, startTestApp, waitFor, type RunningApp } from '../e2e/support';

/*
 * The people side of the metrics (issue 14 part 7), through the app: citizens waiting per team, agents at a
 * console per team, the time from queue to claim per team, and the console's socket.
 */

const dir = mkdtempSync(path.join(tmpdir(), 'handoff-metrics-'));
const TEAM = 'atencion-ciudadana';
let bot: RunningApp;
let db: Db;
let ana: ConsoleClient;

beforeAll(async () => {
  bot = await startTestApp({ CATALOG: writeTestCatalog(dir) });
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', [TEAM]);
  ana = await ConsoleClient.login(bot.url, 'ana@ajuntament.cat');
  await ana.connect();
});
afterAll(async () => {
  ana?.disconnect();
  await db?.close();
  await bot?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const scrape = async () => (await fetch(`${bot.app.metricsUrl}/metrics`)).text();
const value = (text: string, series: string): number | undefined => {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
};

describe('handoff metrics', () => {
  it('counts the citizen waiting in the team queue and the agent online, then times the claim', async () => {
    const citizen = await DlConversation.open(bot.url);
    await citizen.botSays(/Hola/);
    await citizen.ask('quiero hablar con una persona');
    const id = await waitFor(() => ana.events.filter((e): e is Extract<ServerEvent, { type: 'queue' }> => e.type === 'queue' && e.team === TEAM).at(-1)?.items[0]?.id, 'the queue on the console');

    const waiting = await scrape();
    expect(value(waiting, `citybot_handoffs_waiting{team="${TEAM}"}`)).toBe(1);
    expect(value(waiting, `citybot_handoffs_waiting{team="aguas"}`)).toBe(0);
    expect(value(waiting, `citybot_agents_online{team="${TEAM}"}`)).toBe(1);
    expect(value(waiting, `citybot_agents_online{team="aguas"}`)).toBe(0);
    // The test catalog's teams are always open.
    expect(value(waiting, `citybot_team_open{team="${TEAM}"}`)).toBe(1);
    expect(value(waiting, 'citybot_websocket_connections{endpoint="console"}')).toBe(1);
    expect(value(waiting, `citybot_handoff_claim_seconds_count{team="${TEAM}"}`)).toBeUndefined();

    expect((await ana.post(`/handoffs/${id}/claim`)).status).toBe(200);
    const claimed = await scrape();
    expect(value(claimed, `citybot_handoff_claim_seconds_count{team="${TEAM}"}`)).toBe(1);
    expect(value(claimed, `citybot_handoffs_waiting{team="${TEAM}"}`)).toBe(0);
    citizen.end();
  });
});
