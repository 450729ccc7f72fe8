import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import pino from 'pino';
import { openDatabase, type Db } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { loadCatalog } from '../../catalog/load-catalog';
import type { Catalog } from '../../catalog/schema';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import type { EngineClassifier, HandoffOutcome, HandoffPort, HandoffRequest, Hold } from '../../dialogs/engine-deps';
import type { Classification, Classifier } from '../../dialogs/classify/classifier';
import { CITIZEN_ID, createCitizenBot } from '../../dialogs/index';
import type { KnowledgePort } from '../../dialogs/knowledge/knowledge-answerer';
import { KnowledgeAnswerer } from '../../dialogs/knowledge/knowledge-answerer';
import { KnowledgeBase } from '../../dialogs/knowledge/knowledge-base';
import { loadKnowledge } from '../../dialogs/knowledge/load-knowledge';
import { withoutPrivacyNotice } from '../support/without-privacy-notice';

/**
 * Team queues in memory: every request is queued and recorded, and the conversation is held from
 * then on (the bot falls silent, as with the real queues). Enough for the dialog's side of a handoff;
 * the queues themselves are tested against Redis in tests/handoff.
 */
export class MemoryHandoff implements HandoffPort {
  readonly requests: HandoffRequest[] = [];
  readonly forwarded: Array<Partial<Activity>> = [];
  private readonly holds = new Map<string, Hold>();

  async holdOf(channel: string, conversationId: string): Promise<Hold | undefined> {
    return this.holds.get(`${channel}/${conversationId}`);
  }
  async request(req: HandoffRequest): Promise<HandoffOutcome> {
    this.requests.push(req);
    const id = `h-${this.requests.length}`;
    this.holds.set(`${req.channel}/${req.conversationId}`, { id, status: 'queued', team: req.team });
    return { kind: 'queued', handoffId: id, position: 1, waitMinutes: 4 };
  }
  async leave(hold: Hold): Promise<void> {
    for (const [key, h] of this.holds) if (h.id === hold.id) this.holds.delete(key);
  }
  async forward(_hold: Hold, activity: Partial<Activity>): Promise<void> {
    this.forwarded.push(activity);
  }
  async recordSatisfaction(): Promise<void> {}
  async ticketFiled(): Promise<void> {}
}

export interface KnowledgeEngine {
  catalog: Catalog;
  classifier: OfflineClassifier;
  connector: BuiltinConnector;
  db: Db;
  base: KnowledgeBase;
  /** A fresh conversation; `knowledge` replaces the shipped base's answerer (e.g. one with a model). */
  adapter(options?: { locale?: string; handoff?: HandoffPort | false; knowledge?: KnowledgePort; classifier?: EngineClassifier }): TestAdapter;
  close(): Promise<void>;
}

let trained: { catalog: Catalog; classifier: OfflineClassifier; base: KnowledgeBase } | undefined;

/** The engine as the worker runs it, with the shipped catalog, classifier and knowledge base. */
export async function startKnowledgeEngine(): Promise<KnowledgeEngine> {
  trained ??= (() => {
    // The shipped catalog, its privacy notice aside: these tests read the bot's replies to their end.
    const catalog = withoutPrivacyNotice(loadCatalog('config/catalog.yaml'));
    return { catalog, classifier: OfflineClassifier.train(catalog), base: new KnowledgeBase(loadKnowledge('config/knowledge')) };
  })();
  const { catalog, classifier, base } = trained;
  const dir = mkdtempSync(join(tmpdir(), 'knowledge-engine-'));
  const db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
  const connector = new BuiltinConnector(db, catalog);
  let conversations = 0;
  return {
    catalog, classifier, connector, db, base,
    adapter(options = {}) {
      const handoff = options.handoff === false ? undefined : (options.handoff ?? new MemoryHandoff());
      const bot = createCitizenBot({
        catalog, classifier: options.classifier ?? classifier, connector,
        storage: new MemoryStorage(),
        log: pino({ level: 'silent' }),
        knowledge: options.knowledge ?? new KnowledgeAnswerer({ base: () => base }),
        ...(handoff ? { handoff } : {}),
      });
      const n = ++conversations;
      const template: Partial<Activity> = { conversation: { id: `kconv-${n}`, isGroup: false, conversationType: 'personal', name: 'test' } };
      if (options.locale) template.locale = options.locale;
      return new TestAdapter(async (ctx) => {
        ctx.turnState.set(CITIZEN_ID, `kcitizen-${n}`);
        await bot.run(ctx);
      }, template);
    },
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The titles of a reply's suggested actions. */
export function buttonsOf(a: Partial<Activity>): string[] | undefined {
  return a.suggestedActions?.actions.map((x) => x.title ?? '');
}

/**
 * A classifier that reads every message as an inquiry about one service: for the dialog paths that
 * start from intake's reading (the shipped classifier's own accuracy is measured by `npm run eval`).
 */
export function inquiryClassifier(service: string): Classifier {
  return {
    kind: 'offline',
    async classify(_text: string, locale = 'es'): Promise<Classification> {
      return { service, type: 'consulta', confidence: 0.95, alternatives: [], locale };
    },
  };
}
