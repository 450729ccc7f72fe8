import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../bot/errors';
import { ClosedHistory, type ClosedHistoryScope } from '../../../bot/sql/closed-history';
import type { HandoffStatus } from '../../../bot/sql/schema-types';
import { DIALECTS, type TestDatabase } from './test-databases';

const ALL: ClosedHistoryScope = { kind: 'all' };
const at = (minute: number) => new Date(Date.UTC(2026, 5, 1, 9, minute));

for (const { dialect, open } of DIALECTS) {
  describe(`ClosedHistory on ${dialect}`, () => {
    let t: TestDatabase;
    let history: ClosedHistory;

    /** An ended handoff; `minute` is when it ended. */
    async function ended(minute: number, o: { team?: string; agentId?: string | null; channel?: string; service?: string; ticketService?: string; rating?: number; status?: HandoffStatus; name?: string } = {}) {
      const id = `h-${String(minute).padStart(3, '0')}-${randomUUID().slice(0, 8)}`;
      const citizenId = `z-${randomUUID()}`;
      const channel = o.channel ?? 'telegram';
      await t.db.kysely.insertInto('citizens').values({ id: citizenId, display_name: o.name ?? null, locale: 'es', created_at: at(0).toISOString() }).execute();
      const reference = o.ticketService ? `TCK-2026-${String(minute).padStart(6, '0')}` : null;
      if (reference) {
        await t.db.kysely.insertInto('tickets').values({
          reference, service: o.ticketService!, type: 'reclamo', status: 'open', description: 'x', address: null, lat: null, lon: null, citizen_id: citizenId,
          channel, conversation_id: 'c', locale: 'es', contact: null, connector_kind: 'builtin', external_id: null, idempotency_key: randomUUID(),
          created_at: at(0).toISOString(), updated_at: at(0).toISOString(), delivery: null, delivery_error: null, external_token: null, delivered_at: null,
          last_attempt_at: null, attributes: null,
        }).execute();
      }
      const agentId = o.agentId === undefined ? 'ana' : o.agentId;
      await t.db.kysely.insertInto('handoffs').values({
        id, conversation_id: `${channel}:${id}`, channel, channel_conversation_id: id, user_id: 'u', citizen_id: citizenId, team: o.team ?? 'aguas',
        priority: 5, reason: 'asked', summary: JSON.stringify(o.service ? { service: o.service } : {}), locale: 'es', status: o.status ?? 'closed',
        agent_id: agentId, ticket_reference: reference, resolution: 'hecho', created_at: at(0).toISOString(), queued_at: at(0).toISOString(),
        claimed_at: at(0).toISOString(), ended_at: at(minute).toISOString(),
      }).execute();
      if (o.rating) await t.db.kysely.insertInto('satisfaction').values({ handoff_id: id, team: o.team ?? 'aguas', agent_id: agentId, score: o.rating, comment: null, at: at(minute).toISOString() }).execute();
      return id;
    }

    let ids: Record<string, string>;
    beforeAll(async () => {
      t = await open();
      history = new ClosedHistory(t.db);
      await t.db.kysely.insertInto('agents').values({ id: 'ana', email: 'ana@x', display_name: 'Ana Ruiz', role: 'agent', password_hash: 'x', max_concurrent: 3, disabled: 0, created_at: at(0).toISOString() }).execute();
      ids = {
        water: await ended(10, { service: 'agua', rating: 5, name: 'Marta' }),
        waterTicket: await ended(20, { service: 'agua', ticketService: 'fugas', rating: 2 }),
        lights: await ended(30, { team: 'alumbrado', agentId: 'bea', channel: 'whatsapp', service: 'alumbrado' }),
        lightsByAna: await ended(40, { team: 'alumbrado', agentId: 'ana', channel: 'webchat' }),
        released: await ended(50, { status: 'released' }),
      };
      // Never reached a person: not history.
      await ended(60, { status: 'expired', agentId: null });
      await ended(70, { status: 'queued' as HandoffStatus });
    });
    afterAll(async () => {
      await t?.drop();
    });

    const list = async (...args: Parameters<ClosedHistory['page']>) => (await history.page(...args)).items.map((i) => i.handoffId);

    it('lists handoffs ended with a person, newest end first, with who, what and the rating', async () => {
      const page = await history.page(ALL);
      expect(page.items.map((i) => i.handoffId)).toEqual([ids.released, ids.lightsByAna, ids.lights, ids.waterTicket, ids.water]);
      expect(page.items.at(-1)).toMatchObject({ team: 'aguas', agentId: 'ana', agentName: 'Ana Ruiz', citizenName: 'Marta', service: 'agua', rating: 5, status: 'closed', endedAt: at(10) });
      expect(page.nextCursor).toBeUndefined();
    });

    it('filters by team, agent, channel, service, dates and rating', async () => {
      expect(await list(ALL, { team: 'alumbrado' })).toEqual([ids.lightsByAna, ids.lights]);
      expect(await list(ALL, { agentId: 'bea' })).toEqual([ids.lights]);
      expect(await list(ALL, { channel: 'whatsapp' })).toEqual([ids.lights]);
      // The ticket's service wins over what the bot had understood.
      expect(await list(ALL, { service: 'agua' })).toEqual([ids.water]);
      expect(await list(ALL, { service: 'fugas' })).toEqual([ids.waterTicket]);
      expect(await list(ALL, { from: at(20), to: at(40) })).toEqual([ids.lights, ids.waterTicket]);
      expect(await list(ALL, { rating: 2 })).toEqual([ids.waterTicket]);
      expect(await list(ALL, { team: 'aguas', rating: 5, channel: 'telegram' })).toEqual([ids.water]);
    });

    it("shows an agent their teams' handoffs and the ones they held, nothing else", async () => {
      expect(await list({ kind: 'agent', agentId: 'bea', teams: ['alumbrado'] })).toEqual([ids.lightsByAna, ids.lights]);
      expect(await list({ kind: 'agent', agentId: 'ana', teams: [] })).toEqual([ids.released, ids.lightsByAna, ids.waterTicket, ids.water]);
      expect(await list({ kind: 'agent', agentId: 'carla', teams: ['alumbrado'] }, { team: 'aguas' })).toEqual([]);
    });

    it('pages by keyset without repeating or skipping, also when handoffs end meanwhile', async () => {
      const first = await history.page(ALL, {}, { limit: 2 });
      expect(first.items.map((i) => i.handoffId)).toEqual([ids.released, ids.lightsByAna]);
      const newer = await ended(80);
      const second = await history.page(ALL, {}, { limit: 2, cursor: first.nextCursor! });
      expect(second.items.map((i) => i.handoffId)).toEqual([ids.lights, ids.waterTicket]);
      const third = await history.page(ALL, {}, { limit: 2, cursor: second.nextCursor! });
      expect(third.items.map((i) => i.handoffId)).toEqual([ids.water]);
      expect(third.nextCursor).toBeUndefined();
      expect((await history.page(ALL, {}, { limit: 1 })).items[0]?.handoffId).toBe(newer);
    });

    it('refuses a cursor it never handed out', async () => {
      await expect(history.page(ALL, {}, { cursor: 'bm9wZQ' })).rejects.toBeInstanceOf(BadInputError);
    });
  });
}
