import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, TicketRejectedError } from '../../bot/errors';
import { BuiltinConnector } from '../../connectors/builtin/builtin-connector';
import { DIALECTS, type TestDatabase } from '../bot/sql/test-databases';
import { connectorContract, contractCatalog, sampleDraft } from '../contracts/connector.contract';

for (const { dialect, open } of DIALECTS) {
  connectorContract(`BuiltinConnector on ${dialect}`, async () => {
    const t = await open();
    const connector = new BuiltinConnector(t.db, contractCatalog);
    return {
      connector,
      cleanup: t.drop,
      setStatus: async (reference, status, note) => {
        await connector.updateStatus(reference, status, note);
      },
    };
  });

  describe(`BuiltinConnector on ${dialect}`, () => {
    let t: TestDatabase;
    let now: Date;
    let connector: BuiltinConnector;
    const key = () => `key-${randomUUID()}`;

    beforeAll(async () => {
      t = await open();
      now = new Date('2026-03-10T10:00:00.000Z');
      connector = new BuiltinConnector(t.db, contractCatalog, () => now);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('rejects a service the catalog does not have', async () => {
      await expect(connector.createTicket(sampleDraft({ service: 'fountains' }), key())).rejects.toBeInstanceOf(
        TicketRejectedError,
      );
    });

    it("numbers by the city's local year and restarts at 000001 each year", async () => {
      // 23:30 UTC on New Year's Eve is already 00:30 on 1 January in Madrid.
      now = new Date('2030-12-31T22:30:00.000Z');
      const late = await connector.createTicket(sampleDraft(), key());
      now = new Date('2030-12-31T23:30:00.000Z');
      const next = await connector.createTicket(sampleDraft(), key());
      const again = await connector.createTicket(sampleDraft(), key());
      expect(late.reference).toBe('ALU-2030-000001');
      expect(next.reference).toBe('ALU-2031-000001');
      expect(again.reference).toBe('ALU-2031-000002');
    });

    it('finds a ticket by its reference in any case and with stray spaces', async () => {
      const ref = await connector.createTicket(sampleDraft(), key());
      const status = await connector.getStatus(`  ${ref.reference.toLowerCase()} `);
      expect(status?.reference).toBe(ref.reference);
    });

    it('stores the location, contact and attachments of the draft', async () => {
      const draft = sampleDraft({
        attachments: [
          { contentType: 'image/jpeg', url: 'https://example.test/a.jpg', name: 'a.jpg' },
          { contentType: 'image/png', url: 'https://example.test/b.png' },
        ],
      });
      const ref = await connector.createTicket(draft, key());
      const row = await t.db.kysely.selectFrom('tickets').selectAll().where('id', '=', Number(ref.id)).executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        address: 'Carrer Major 1',
        lat: 39.4699,
        lon: -0.3763,
        citizen_id: draft.citizenId,
        channel: 'test',
        conversation_id: draft.conversationId,
        locale: 'es',
        connector_kind: 'builtin',
        description: draft.description,
      });
      expect(JSON.parse(row.contact!)).toEqual(draft.contact);
      const files = await t.db.kysely
        .selectFrom('ticket_attachments')
        .select(['content_type', 'url', 'name'])
        .where('ticket_id', '=', row.id)
        .orderBy('id')
        .execute();
      expect(files).toEqual([
        { content_type: 'image/jpeg', url: 'https://example.test/a.jpg', name: 'a.jpg' },
        { content_type: 'image/png', url: 'https://example.test/b.png', name: null },
      ]);
    });

    it('stamps status changes with the clock and returns the new status', async () => {
      now = new Date('2026-04-01T08:00:00.000Z');
      const ref = await connector.createTicket(sampleDraft({ location: undefined, contact: undefined, attachments: [] }), key());
      now = new Date('2026-04-02T09:30:00.000Z');
      const updated = await connector.updateStatus(ref.reference.toLowerCase(), 'in_progress', 'crew on its way');
      expect(updated).toMatchObject({
        status: 'in_progress',
        note: 'crew on its way',
        createdAt: '2026-04-01T08:00:00.000Z',
        updatedAt: '2026-04-02T09:30:00.000Z',
      });
      expect(updated.history).toEqual([
        { status: 'open', at: '2026-04-01T08:00:00.000Z' },
        { status: 'in_progress', at: '2026-04-02T09:30:00.000Z', note: 'crew on its way' },
      ]);
    });

    it('refuses to update a reference it does not know', async () => {
      await expect(connector.updateStatus('ALU-1999-000001', 'closed')).rejects.toBeInstanceOf(TicketRejectedError);
    });
  });

  describe(`BuiltinConnector on ${dialect} without its database`, () => {
    it('reports ConnectorUnavailableError with the driver error as cause', async () => {
      const t = await open();
      const connector = new BuiltinConnector(t.db, contractCatalog);
      await t.drop();
      const err = await connector.createTicket(sampleDraft(), `key-${randomUUID()}`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectorUnavailableError);
      expect((err as ConnectorUnavailableError).cause).toBeInstanceOf(Error);
      await expect(connector.getStatus('ALU-2026-000001')).rejects.toBeInstanceOf(ConnectorUnavailableError);
    });
  });
}
