import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Connector, TicketDraft, TicketRef, TicketState } from '../../connectors/connector';
import { CatalogSchema, type Catalog } from '../../catalog/schema';

/**
 * The behaviour every Connector must show, whatever back office is behind it.
 * Implementations run it from their own test file with a `make` that builds a fresh instance
 * configured with `contractCatalog` (services `streetlights` → ALU and `potholes` → BAC).
 */
export interface ContractSubject {
  connector: Connector;
  cleanup: () => Promise<void>;
  /**
   * The implementation's own way to change a ticket's status (agent, back office, simulated webhook),
   * when it has one. Without it the history test checks only the initial state.
   */
  setStatus?: (reference: string, status: TicketState, note?: string) => Promise<void>;
}

export interface ContractOptions {
  /**
   * Whether the connector numbers references itself as `<PREFIX>-<year>-<6 digits>`, sequential per service
   * and year. Back offices that assign their own ids (Open311) pass false. @defaultValue true
   */
  ownsReferences?: boolean;
}

const names = (s: string) => ({ es: s, ca: s, en: s });
const examples = (topic: string) => ({
  es: Array.from({ length: 14 }, (_, i) => `ejemplo ${topic} ${i}`),
  ca: Array.from({ length: 14 }, (_, i) => `exemple ${topic} ${i}`),
  en: Array.from({ length: 14 }, (_, i) => `example ${topic} ${i}`),
});

/** A minimal valid catalog the contract's drafts refer to. */
export const contractCatalog: Catalog = Object.freeze(
  CatalogSchema.parse({
    city: { name: 'Vilatest' },
    types: {
      solicitud: { names: names('solicitud'), examples: examples('solicitud') },
      reclamo: { names: names('reclamo'), examples: examples('reclamo') },
      consulta: { names: names('consulta'), examples: examples('consulta') },
    },
    teams: [{ code: 'public-works', names: names('Obras') }],
    handoff: { defaultTeam: 'public-works' },
    services: [
      {
        code: 'streetlights',
        prefix: 'ALU',
        names: names('Alumbrado'),
        team: 'public-works',
        requires: ['location', 'description'],
        connector: { kind: 'builtin', code: 'streetlights' },
        examples: examples('farola'),
      },
      {
        code: 'potholes',
        prefix: 'BAC',
        names: names('Baches'),
        team: 'public-works',
        requires: ['location'],
        optional: ['photo'],
        connector: { kind: 'builtin', code: 'potholes' },
        examples: examples('bache'),
      },
    ],
    emergencies: examples('fuego'),
  }),
);

/** A draft for one of `contractCatalog`'s services; every field filled. */
export function sampleDraft(overrides: Partial<TicketDraft> = {}): TicketDraft {
  return {
    service: 'streetlights',
    type: 'reclamo',
    connectorCode: 'streetlights',
    description: 'La farola de la esquina no se enciende',
    location: { address: 'Carrer Major 1', point: { latitude: 39.4699, longitude: -0.3763 } },
    attachments: [{ contentType: 'image/jpeg', url: 'https://example.test/photo.jpg', name: 'photo.jpg' }],
    contact: { name: 'Ana', phone: '+34600000000' },
    citizenId: `citizen-${randomUUID()}`,
    channel: 'test',
    conversationId: `conv-${randomUUID()}`,
    locale: 'es',
    ...overrides,
  };
}

const REFERENCE = /^([A-Z]{3})-(\d{4})-(\d{6})$/;

function parts(ref: TicketRef): { prefix: string; year: number; n: number } {
  const m = REFERENCE.exec(ref.reference);
  if (!m) throw new Error(`reference ${ref.reference} does not look like PREFIX-YYYY-NNNNNN`);
  return { prefix: m[1]!, year: Number(m[2]), n: Number(m[3]) };
}

export function connectorContract(
  name: string,
  make: () => Promise<ContractSubject>,
  options: ContractOptions = {},
): void {
  const ownsReferences = options.ownsReferences ?? true;

  describe(`${name} fulfils Connector`, () => {
    let subject: ContractSubject;
    let connector: Connector;
    const key = () => `key-${randomUUID()}`;

    beforeAll(async () => {
      subject = await make();
      connector = subject.connector;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    it('returns the same ticket for a repeated key', async () => {
      const k = key();
      const first = await connector.createTicket(sampleDraft(), k);
      const again = await connector.createTicket(sampleDraft({ description: 'retried job' }), k);
      expect(again).toEqual(first);
      expect(first.reference).not.toBe('');
    });

    it('creates exactly one ticket when calls with the same key race', async () => {
      const k = key();
      const draft = sampleDraft();
      const refs = await Promise.all(Array.from({ length: 6 }, () => connector.createTicket(draft, k)));
      expect(new Set(refs.map((r) => r.reference)).size).toBe(1);
      expect(new Set(refs.map((r) => r.id)).size).toBe(1);
      if (connector.listForCitizen) expect(await connector.listForCitizen(draft.citizenId)).toHaveLength(1);
    });

    it('gives different keys different tickets with unique references, also when they race', async () => {
      const refs = await Promise.all(Array.from({ length: 8 }, () => connector.createTicket(sampleDraft(), key())));
      expect(new Set(refs.map((r) => r.reference)).size).toBe(8);
      expect(new Set(refs.map((r) => r.id)).size).toBe(8);
      if (ownsReferences) {
        const numbers = refs.map((r) => parts(r).n).sort((a, b) => a - b);
        // Gap-free: concurrent creates take consecutive numbers.
        expect(numbers).toEqual(numbers.map((_, i) => numbers[0]! + i));
      }
    });

    it.runIf(ownsReferences)('numbers references per service prefix and year, sequentially', async () => {
      const a1 = parts(await connector.createTicket(sampleDraft({ service: 'streetlights' }), key()));
      const b1 = parts(await connector.createTicket(sampleDraft({ service: 'potholes', connectorCode: 'potholes' }), key()));
      const a2 = parts(await connector.createTicket(sampleDraft({ service: 'streetlights' }), key()));
      const b2 = parts(await connector.createTicket(sampleDraft({ service: 'potholes', connectorCode: 'potholes' }), key()));
      expect([a1.prefix, a2.prefix, b1.prefix, b2.prefix]).toEqual(['ALU', 'ALU', 'BAC', 'BAC']);
      expect(a2.n).toBe(a1.n + 1);
      expect(b2.n).toBe(b1.n + 1);
      expect(new Set([a1.year, a2.year, b1.year, b2.year]).size).toBe(1);
      expect(Math.abs(a1.year - new Date().getUTCFullYear())).toBeLessThanOrEqual(1);
    });

    it('answers undefined for an unknown reference', async () => {
      expect(await connector.getStatus('ZZZ-1999-999999')).toBeUndefined();
    });

    it('reports a new ticket as open, with its service and type', async () => {
      const ref = await connector.createTicket(sampleDraft({ type: 'solicitud' }), key());
      const status = await connector.getStatus(ref.reference);
      expect(status).toMatchObject({ reference: ref.reference, service: 'streetlights', type: 'solicitud', status: 'open' });
      expect(status?.history.map((h) => h.status)).toEqual(['open']);
      expect(Number.isNaN(Date.parse(status!.createdAt))).toBe(false);
    });

    it('lists every status change in order, with the latest note', async (ctx) => {
      const setStatus = subject.setStatus;
      if (!setStatus) return ctx.skip('no status update path');
      const ref = await connector.createTicket(sampleDraft(), key());
      await setStatus(ref.reference, 'in_progress', 'crew assigned');
      await setStatus(ref.reference, 'resolved', 'lamp replaced');
      await setStatus(ref.reference, 'closed');
      const status = await connector.getStatus(ref.reference);
      expect(status?.status).toBe('closed');
      expect(status?.history.map((h) => [h.status, h.note])).toEqual([
        ['open', undefined],
        ['in_progress', 'crew assigned'],
        ['resolved', 'lamp replaced'],
        ['closed', undefined],
      ]);
      expect(status?.note).toBe('lamp replaced');
      const times = status!.history.map((h) => Date.parse(h.at));
      expect(times).toEqual([...times].sort((a, b) => a - b));
    });

    it("lists only the citizen's own tickets, newest first", async (ctx) => {
      const list = connector.listForCitizen?.bind(connector);
      if (!list) return ctx.skip('listForCitizen is optional');
      const citizenId = `citizen-${randomUUID()}`;
      const mine: string[] = [];
      for (let i = 0; i < 3; i++) mine.push((await connector.createTicket(sampleDraft({ citizenId }), key())).reference);
      await connector.createTicket(sampleDraft(), key());
      const listed = await list(citizenId);
      expect(listed.map((t) => t.reference)).toEqual([...mine].reverse());
      expect(await list(`citizen-${randomUUID()}`)).toEqual([]);
    });
  });
}
