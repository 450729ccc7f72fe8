import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, TestAdapter, type Activity } from 'botbuilder';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { loadCatalog } from '../../catalog/load-catalog';
import type { Catalog } from '../../catalog/schema';
import { OfflineClassifier } from '../../dialogs/classify/offline-classifier';
import type { ForwardFlags, HandoffOutcome, HandoffPort, HandoffRequest, Hold } from '../../dialogs/engine-deps';
import { CITIZEN_ID, createCitizenBot } from '../../dialogs/index';

/**
 * Emergencies at every step of a conversation, through the real engine (shipped catalog, offline
 * classifier, built-in connector on SQLite) and team queues in memory: the reply to an emergency is the
 * emergency number in the citizen's language and nothing else in that turn; the next message goes on.
 */

/** Team queues in memory that remember what was forwarded to agents, with its flags. */
class RecordingHandoff implements HandoffPort {
  readonly forwarded: Array<{ text?: string; flags?: ForwardFlags }> = [];
  private readonly holds = new Map<string, Hold>();

  async holdOf(channel: string, conversationId: string): Promise<Hold | undefined> {
    return this.holds.get(`${channel}/${conversationId}`);
  }
  async request(req: HandoffRequest): Promise<HandoffOutcome> {
    this.holds.set(`${req.channel}/${req.conversationId}`, { id: 'h-1', status: 'queued', team: req.team });
    return { kind: 'queued', handoffId: 'h-1', position: 1, waitMinutes: 4 };
  }
  /** An agent takes the conversation. */
  claim(): void {
    for (const [key, h] of this.holds) this.holds.set(key, { ...h, status: 'assigned' });
  }
  async leave(hold: Hold): Promise<void> {
    for (const [key, h] of this.holds) if (h.id === hold.id) this.holds.delete(key);
  }
  async forward(_hold: Hold, activity: Partial<Activity>, flags?: ForwardFlags): Promise<void> {
    this.forwarded.push({ ...(activity.text ? { text: activity.text } : {}), ...(flags ? { flags } : {}) });
  }
  async recordSatisfaction(): Promise<void> {}
  async ticketFiled(): Promise<void> {}
}

const ES = /^⚠️ Si alguien está en peligro o es una emergencia, llama YA al 112\. Este chat del Ayuntamiento no puede enviar ayuda/;
const CA = /^⚠️ Si algú està en perill o és una emergència, truca ARA al 112\. Aquest xat de l'Ajuntament no pot enviar ajuda/;
const EN = /^⚠️ If someone is in danger or this is an emergency, call 112 NOW\. This council chat cannot send help/;
// Any reply after the emergency's would arrive within the turn; TestAdapter has it queued by the time send() resolves.
const NOTHING_MORE_MS = 150;

/** The emergency reply, alone: a text with the number and no buttons or attachments. */
function emergencyOnly(pattern: RegExp): (a: Partial<Activity>) => void {
  return (a) => {
    expect(a.text).toMatch(pattern);
    expect(a.suggestedActions?.actions ?? []).toEqual([]);
    expect(a.attachments ?? []).toEqual([]);
  };
}

describe('emergencies first, at every step', () => {
  let catalog: Catalog;
  let classifier: OfflineClassifier;
  let db: Db;
  let connector: BuiltinConnector;
  let dir: string;
  let conversations = 0;

  beforeAll(async () => {
    catalog = loadCatalog('config/catalog.yaml');
    classifier = OfflineClassifier.train(catalog);
    dir = mkdtempSync(join(tmpdir(), 'emergency-flow-'));
    db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
    connector = new BuiltinConnector(db, catalog);
  }, 120_000);
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function adapter(handoff?: HandoffPort, locale = 'es-ES'): TestAdapter {
    const bot = createCitizenBot({ catalog, classifier, connector, storage: new MemoryStorage(), log: pino({ level: 'silent' }), ...(handoff ? { handoff } : {}) });
    const n = ++conversations;
    return new TestAdapter(async (ctx) => {
      ctx.turnState.set(CITIZEN_ID, `emergency-citizen-${n}`);
      await bot.run(ctx);
    }, { locale, conversation: { id: `emergency-conv-${n}`, isGroup: false, conversationType: 'personal', name: 'test' } });
  }

  it('as the first message: the number in Spanish and nothing else (no intake, no services)', async () => {
    await adapter()
      .send('hay olor a gas en mi edificio')
      .assertReply(emergencyOnly(ES))
      .assertNoReply('nothing after the emergency reply', NOTHING_MORE_MS)
      .startTest();
  });

  it('as the first message, in Catalan and in English: the number in the citizen\'s language', async () => {
    await adapter(undefined, 'ca-ES')
      .send("el meu veí ha caigut a l'escala i no respon")
      .assertReply(emergencyOnly(CA))
      .assertNoReply('nothing after the emergency reply', NOTHING_MORE_MS)
      .startTest();
    await adapter(undefined, 'en-GB')
      .send('there is a strong smell of gas in my building')
      .assertReply(emergencyOnly(EN))
      .assertNoReply('nothing after the emergency reply', NOTHING_MORE_MS)
      .startTest();
  });

  it('while a choice is pending (the service list): the number only; the choice is still open afterwards', async () => {
    await adapter()
      .send('algo raro pasa en la esquina')
      .assertReply((a) => {
        expect(a.text).toMatch(/^¿Sobre qué es\?/);
        expect(a.suggestedActions?.actions.length).toBeGreaterThan(1);
      })
      .send('un señor se ha desmayado en la parada del autobús y no responde')
      .assertReply(emergencyOnly(ES))
      .assertNoReply('no service list again after the emergency', NOTHING_MORE_MS)
      .send('2')
      .assertReply((a) => {
        expect(a.text).not.toMatch(/112|^¿Sobre qué es\?/);
        expect(a.text).toMatch(/\?/);
      })
      .startTest();
  });

  it('mid-intake (asked for the place): the number only; the next message answers the place', async () => {
    await adapter()
      .send('Hay una farola apagada desde hace una semana')
      .assertReply((a) => expect(a.text).toMatch(/^¿Dónde está\?/))
      .send('ahora mismo sale humo negro del portal de al lado')
      .assertReply(emergencyOnly(ES))
      .assertNoReply('the place is not asked again in the same turn', NOTHING_MORE_MS)
      .send('Calle Colón 12')
      .assertReply((a) => expect(a.text).toMatch(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/))
      .startTest();
  });

  it('ordinary reports that share words with emergencies go on into intake, without the number', async () => {
    for (const text of ['hay una fuga de agua en la calle Mayor 3', 'el contenedor quemado hace un mes sigue sin cambiar']) {
      await adapter()
        .send(text)
        .assertReply((a) => expect(a.text).not.toMatch(/112/))
        .startTest();
    }
  });

  it('while queued for a person: the citizen gets the number, the agents get the message flagged, nothing else is said', async () => {
    const handoff = new RecordingHandoff();
    await adapter(handoff)
      .send('quiero hablar con una persona')
      .assertReply((a) => expect(a.text).not.toMatch(/112/))
      .send('mi hijo se ha caído y está sangrando mucho')
      .assertReply(emergencyOnly(ES))
      .assertNoReply('no queue notice or menu after the emergency', NOTHING_MORE_MS)
      .startTest();
    expect(handoff.forwarded).toContainEqual({ text: 'mi hijo se ha caído y está sangrando mucho', flags: { emergency: true } });
  });

  it('while an agent holds the conversation: the citizen gets the number, the agent the flagged message; ordinary messages are only forwarded', async () => {
    const handoff = new RecordingHandoff();
    const flow = adapter(handoff, 'en-GB')
      .send('I want to talk to a person')
      .assertReply((a) => expect(a.text).not.toMatch(/112/));
    await flow.startTest();
    handoff.claim();
    await flow
      .send('the bin outside is not emptied')
      .assertNoReply('the bot is silent while the agent holds it', NOTHING_MORE_MS)
      .send('wait, the house across the road is on fire')
      .assertReply(emergencyOnly(EN))
      .assertNoReply('nothing after the emergency reply', NOTHING_MORE_MS)
      .startTest();
    expect(handoff.forwarded.slice(-2)).toEqual([
      { text: 'the bin outside is not emptied' },
      { text: 'wait, the house across the road is on fire', flags: { emergency: true } },
    ]);
  });
});
