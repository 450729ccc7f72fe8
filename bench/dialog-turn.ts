/**
 * The dialog engine alone: CPU per turn of the web chat benchmark's script, run in this process with
 * the state in memory (no Redis, no queue, no channel), exactly as the turn worker runs a turn
 * (QueueAdapter, TurnStore), with the parts the app builds from the default configuration (knowledge
 * base, understanding). It tells what share of a worker's CPU per message is the dialog turn itself.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Activity } from 'botbuilder';
import pino from 'pino';
import { loadConfig } from '../bot/config';
import { QueueAdapter } from '../turns/queue-adapter';
import type { RedisStorage } from '../turns/redis-storage';
import { openDatabase } from '../bot/sql/database';
import { stateKeysOf, TURN_STORE, TurnStore } from '../turns/turn-state';
import { BuiltinConnector } from '../connectors/builtin/builtin-connector';
import type { Catalog } from '../catalog/schema';
import { OfflineClassifier } from '../dialogs/classify/offline-classifier';
import { CITIZEN_ID, createCitizenBot } from '../dialogs/index';
import { createKnowledge, type RunningKnowledge } from '../dialogs/knowledge/create-knowledge';
import { createUnderstanding } from '../dialogs/understand/create-understanding';
import { SCRIPT } from './directline-load';

const CONVERSATIONS = 200;

/** Runs `turns` turns (warm-up first) over 200 conversations; returns CPU µs per turn (all threads, GC included). */
export async function benchDialogTurn(catalog: Catalog, turns = 20_000): Promise<{ cpuMicrosPerTurn: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'citybot-turn-'));
  const db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
  let knowledge: RunningKnowledge | undefined;
  try {
    const saved = new Map<string, string>();
    // TurnStore only reads through readJson(With); the commit is the map update below.
    const readJson = async (keys: string[]) => keys.map((k) => saved.get(k) ?? null);
    const storage = { readJson, readJsonWith: async (keys: string[]) => ({ json: await readJson(keys), others: [] }) } as unknown as RedisStorage;
    const log = pino({ level: 'silent' });
    const config = loadConfig({});
    knowledge = await createKnowledge(config, catalog, log);
    const understanding = await createUnderstanding(config, catalog, log);
    const bot = createCitizenBot({ catalog, classifier: OfflineClassifier.train(catalog), connector: new BuiltinConnector(db, catalog), storage, understanding, log, ...(knowledge ? { knowledge: knowledge.port } : {}) });
    const adapter = new QueueAdapter();
    let n = 0;
    const turn = async (): Promise<void> => {
      const c = n % CONVERSATIONS;
      const k = Math.floor(n / CONVERSATIONS) + c;
      n++;
      const activity: Partial<Activity> = {
        type: 'message', id: `a${n}`, channelId: 'webchat', locale: 'es', text: SCRIPT[k % SCRIPT.length]!,
        conversation: { id: `c${c}`, isGroup: false, conversationType: 'personal', name: '' }, from: { id: `u${c}`, name: '' }, recipient: { id: 'bot', name: '' },
      };
      const store = new TurnStore(storage);
      await store.prefetch(stateKeysOf(activity));
      await adapter.runTurn(activity, (ctx) => bot.run(ctx), new Map<string | symbol, unknown>([[CITIZEN_ID, `citizen-${c}`], [TURN_STORE, store]]));
      for (const [key, json] of store.changes) saved.set(key, json);
    };
    for (let i = 0; i < turns / 4; i++) await turn(); // warm-up: JIT
    const before = process.cpuUsage();
    for (let i = 0; i < turns; i++) await turn();
    const used = process.cpuUsage(before);
    return { cpuMicrosPerTurn: (used.user + used.system) / turns };
  } finally {
    knowledge?.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
