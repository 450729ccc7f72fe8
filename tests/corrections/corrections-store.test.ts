import { describe, expect, it } from 'vitest';
import { CorrectionsStore } from '../../bot/sql/corrections-store';
import type { Db } from '../../bot/sql/database';
import { DIALECTS } from '../bot/sql/test-databases';

/** A ticket row as the built-in connector (or a back office's delivery) leaves it. */
async function fileTicket(db: Db, reference: string, connectorKind: string): Promise<void> {
  const at = '2026-03-02T10:00:00.000Z';
  await db.kysely.insertInto('tickets').values({
    reference, service: 'alumbrado', type: 'reclamo', status: 'open', description: 'La farola de la esquina no enciende',
    address: null, lat: null, lon: null, citizen_id: 'c1', channel: 'webchat', conversation_id: 'conv', locale: 'es', contact: null,
    connector_kind: connectorKind, external_id: null, idempotency_key: `k-${reference}`, created_at: at, updated_at: at,
    delivery: connectorKind === 'builtin' ? null : 'accepted', delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
  }).execute();
}

for (const { dialect, open } of DIALECTS) {
  describe(`agents' corrections in SQL (${dialect})`, () => {
    it('keeps who corrected what, when, and reads the latest first, bounded', async () => {
      const t = await open();
      try {
        const store = new CorrectionsStore(t.db);
        const at = new Date('2026-03-01T09:00:00.000Z');
        const first = await store.add({ text: 'huele fatal el contenedor', service: 'higiene', type: 'reclamo', locale: 'es', handoffId: 'h-1', agentId: 'ana' }, at);
        await store.add({ text: 'the bin stinks', service: 'higiene', type: 'reclamo', locale: 'en', ticketReference: 'ALU-2026-000001', agentId: 'bo' }, new Date(at.getTime() + 1_000));
        const all = await store.latest();
        expect(all.map((c) => c.text)).toEqual(['the bin stinks', 'huele fatal el contenedor']);
        expect(all[1]).toEqual({ id: first.id, text: 'huele fatal el contenedor', service: 'higiene', type: 'reclamo', locale: 'es', handoffId: 'h-1', agentId: 'ana', createdAt: at });
        expect(all[0]).toMatchObject({ ticketReference: 'ALU-2026-000001', agentId: 'bo', locale: 'en' });
        expect(all[0]).not.toHaveProperty('handoffId');
        expect((await store.latest(1)).map((c) => c.text)).toEqual(['the bin stinks']);
      } finally {
        await t.drop();
      }
    });

    it("changes a built-in ticket's service and type with its correction, and leaves a back office's ticket as delivered", async () => {
      const t = await open();
      try {
        const store = new CorrectionsStore(t.db);
        await fileTicket(t.db, 'ALU-2026-000010', 'builtin');
        await fileTicket(t.db, 'ALU-2026-000011', 'open311');
        const ours = await store.ticket('ALU-2026-000010');
        expect(ours).toEqual({ reference: 'ALU-2026-000010', service: 'alumbrado', type: 'reclamo', description: 'La farola de la esquina no enciende', locale: 'es', builtin: true });
        expect(await store.ticket('ALU-2026-999999')).toBeUndefined();

        const a = await store.addForTicket({ text: ours!.description, service: 'calles', type: 'solicitud', locale: 'es', ticketReference: 'ALU-2026-000010', agentId: 'ana' });
        expect(a.ticketUpdated).toBe(true);
        expect(await store.ticket('ALU-2026-000010')).toMatchObject({ service: 'calles', type: 'solicitud' });

        const b = await store.addForTicket({ text: 'x', service: 'calles', type: 'solicitud', locale: 'es', ticketReference: 'ALU-2026-000011', agentId: 'ana' });
        expect(b.ticketUpdated).toBe(false);
        expect(await store.ticket('ALU-2026-000011')).toMatchObject({ service: 'alumbrado', type: 'reclamo', builtin: false });
        expect((await store.latest()).map((c) => c.ticketReference)).toEqual(['ALU-2026-000011', 'ALU-2026-000010']);
      } finally {
        await t.drop();
      }
    });

    it('refuses a correction that names neither a handoff nor a ticket', async () => {
      const t = await open();
      try {
        await expect(t.db.kysely.insertInto('classifier_corrections').values({ text: 'x', service: 'calles', type: 'reclamo', locale: 'es', handoff_id: null, ticket_reference: null, agent_id: 'a', created_at: new Date().toISOString() }).execute()).rejects.toThrow();
      } finally {
        await t.drop();
      }
    });
  });
}
