import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import pino from 'pino';
import { expect } from 'vitest';
import { openDatabase, type Db } from '../../../bot/sql/database';
import { BuiltinConnector } from '../../../connectors/builtin/builtin-connector';
import type { Connector } from '../../../connectors/connector';
import type { Catalog } from '../../../catalog/schema';
import { loadCatalog } from '../../../catalog/load-catalog';
import { OfflineClassifier } from '../../../dialogs/classify/offline-classifier';
import { CITIZEN_ID, createCitizenBot } from '../../../dialogs/index';
import type { PhoneLinks } from '../../../dialogs/engine-deps';
import type { RecordsAccess } from '../../../dialogs/my-records-dialog';
import type { AppointmentsPort } from '../../../dialogs/appointments-port';
import type { IdentityPort } from '../../../dialogs/verify-identity-dialog';
import type { RepresentationsPort } from '../../../dialogs/representations-port';
import type { Understanding } from '../../../dialogs/understand/understanding';
import { withoutPrivacyNotice } from '../../support/without-privacy-notice';

/**
 * The engine as the worker runs it, on botbuilder's TestAdapter: the shipped catalog, the real
 * offline classifier and the real built-in connector on a temporary SQLite file.
 */
export interface Engine {
  catalog: Catalog;
  classifier: OfflineClassifier;
  connector: BuiltinConnector;
  db: Db;
  /** A fresh conversation (own MemoryStorage) for one citizen. */
  adapter(options?: AdapterOptions): TestAdapter;
  close(): Promise<void>;
}

export interface AdapterOptions {
  /** The channel's locale tag on every activity (TestAdapter's default is en-us). */
  locale?: string;
  citizenId?: string;
  /** Wraps the real connector (e.g. to simulate an outage). */
  connector?: (real: BuiltinConnector) => Connector;
  /** Cross-channel linking (absent: not offered). */
  phones?: PhoneLinks;
  /** The conversation id (default: a fresh one per adapter). */
  conversationId?: string;
  /** The channel of every activity (TestAdapter's default is test). */
  channelId?: string;
  /** Wraps the conversation's state storage (e.g. to simulate a broken record). */
  storage?: (real: MemoryStorage) => Storage;
  /** The citizen's records in the city's systems (absent: not offered). */
  records?: RecordsAccess;
  /** Appointments (absent: not offered). */
  appointments?: AppointmentsPort;
  /** Places, street directory, geocoder and model extraction for intake (absent: none). */
  understanding?: Understanding;
  /** Sign-in with the city's identity provider (absent: not offered). */
  identity?: IdentityPort;
  /** Acting for someone else (absent: not offered). */
  representations?: RepresentationsPort;
}

let trained: { catalog: Catalog; classifier: OfflineClassifier } | undefined;

export async function startEngine(): Promise<Engine> {
  trained ??= (() => {
    // The shipped catalog, its privacy notice aside: these tests read the bot's replies to their end.
    const catalog = withoutPrivacyNotice(loadCatalog('config/catalog.yaml'));
    return { catalog, classifier: OfflineClassifier.train(catalog) };
  })();
  const { catalog, classifier } = trained;
  const dir = mkdtempSync(join(tmpdir(), 'engine-test-'));
  const db = await openDatabase({ sqlitePath: join(dir, 'bot.sqlite') });
  const connector = new BuiltinConnector(db, catalog);
  let conversations = 0;
  return {
    catalog,
    classifier,
    connector,
    db,
    adapter(options = {}) {
      const bot = createCitizenBot({
        catalog,
        classifier,
        connector: options.connector ? options.connector(connector) : connector,
        storage: options.storage ? options.storage(new MemoryStorage()) : new MemoryStorage(),
        log: pino({ level: 'silent' }),
        ...(options.phones ? { phones: options.phones } : {}),
        ...(options.records ? { records: options.records } : {}),
        ...(options.appointments ? { appointments: options.appointments } : {}),
        ...(options.understanding ? { understanding: options.understanding } : {}),
        ...(options.identity ? { identity: options.identity } : {}),
        ...(options.representations ? { representations: options.representations } : {}),
      });
      const citizenId = options.citizenId ?? `citizen-${++conversations}`;
      const template: Partial<Activity> = { conversation: { id: options.conversationId ?? `conv-${conversations}`, isGroup: false, conversationType: 'personal', name: 'test' } };
      if (options.channelId) template.channelId = options.channelId;
      if (options.locale) template.locale = options.locale;
      return new TestAdapter(async (ctx) => {
        ctx.turnState.set(CITIZEN_ID, citizenId);
        await bot.run(ctx);
      }, template);
    },
    async close() {
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A reply check: text matching `pattern`. */
export function says(pattern: RegExp): (a: Partial<Activity>) => void {
  return (a) => expect(a.text).toMatch(pattern);
}

/** A reply check: text matching `pattern` and these suggested-action titles, in order. */
export function offers(pattern: RegExp, titles: string[]): (a: Partial<Activity>) => void {
  return (a) => {
    expect(a.text).toMatch(pattern);
    expect(a.suggestedActions?.actions.map((x) => x.title)).toEqual(titles);
  };
}

/** The stored ticket row (to check what intake actually filed). */
export async function storedTicket(engine: Engine, reference: string) {
  return engine.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
}

/** A reply check that also captures the ticket reference it announces. */
export function capturesReference(pattern: RegExp, into: { reference?: string }): (a: Partial<Activity>) => void {
  return (a) => {
    expect(a.text).toMatch(pattern);
    const m = /[A-Z]{3}-\d{4}-\d{6}/.exec(a.text ?? '');
    expect(m).not.toBeNull();
    into.reference = m?.[0];
  };
}
