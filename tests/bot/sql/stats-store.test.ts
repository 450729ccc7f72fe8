import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../bot/errors';
import { lastDays, rangeInstants, spreadOf, StatsStore, type StatsReport } from '../../../bot/sql/stats-store';
import type { HandoffReason } from '../../../bot/sql/schema-types';
import type { ProcedureType } from '../../../catalog/schema';
import { DIALECTS, type TestDatabase } from './test-databases';

/*
 * The council's dashboards (issue 15 part 3) over seeded rows with known totals, on both dialects, with a
 * fixed "now". The range is 1–14 June 2026 in Madrid (UTC+2): from 2026-05-31T22:00Z to 2026-06-14T22:00Z,
 * so rows near midnight UTC land in the city's day, not UTC's.
 */

const TZ = 'Europe/Madrid';
const NOW = Date.parse('2026-06-15T10:00:00Z');
const RANGE = { from: '2026-06-01', to: '2026-06-14' };

describe('stats ranges', () => {
  it("turns the city's days into instants at its midnights, and refuses a range backwards or too long", () => {
    expect(rangeInstants(RANGE, TZ)).toMatchObject({ start: new Date('2026-05-31T22:00:00Z'), end: new Date('2026-06-14T22:00:00Z') });
    expect(rangeInstants({ from: '2026-01-10', to: '2026-01-10' }, TZ)).toMatchObject({ start: new Date('2026-01-09T23:00:00Z'), days: ['2026-01-10'] });
    expect(() => rangeInstants({ from: '2026-06-02', to: '2026-06-01' }, TZ)).toThrow(BadInputError);
    expect(() => rangeInstants({ from: '2025-01-01', to: '2026-06-01' }, TZ)).toThrow(BadInputError);
  });

  it("defaults to the last 30 days up to the city's today", () => {
    expect(lastDays(30, NOW, TZ)).toEqual({ from: '2026-05-17', to: '2026-06-15' });
    // 00:30 in Madrid is already the 15th there, still the 14th in UTC.
    expect(lastDays(30, Date.parse('2026-06-14T22:30:00Z'), TZ)).toEqual({ from: '2026-05-17', to: '2026-06-15' });
  });

  it('takes the median and p90 by nearest rank', () => {
    expect(spreadOf([])).toEqual({ count: 0 });
    expect(spreadOf([600, 60, 300])).toEqual({ count: 3, median: 300, p90: 600 });
    expect(spreadOf(Array.from({ length: 10 }, (_, i) => i + 1))).toEqual({ count: 10, median: 5, p90: 9 });
  });
});

for (const { dialect, open } of DIALECTS) {
  describe(`StatsStore on ${dialect}`, () => {
    let t: TestDatabase;
    let report: StatsReport;

    async function conversation(id: string, channel: string, startedAt: string, lastAt = startedAt) {
      const citizenId = `z-${randomUUID()}`;
      await t.db.kysely.insertInto('citizens').values({ id: citizenId, display_name: null, locale: 'es', created_at: startedAt }).execute();
      await t.db.kysely.insertInto('conversations').values({ id, channel, channel_conversation_id: id, citizen_id: citizenId, started_at: startedAt, last_activity_at: lastAt }).execute();
      return citizenId;
    }
    async function message(conversationId: string, at: string, author: string | null) {
      await t.db.kysely.insertInto('messages').values({ conversation_id: conversationId, direction: 'out', activity_id: randomUUID(), text: 'x', attachments: null, entities: null, created_at: at, author }).execute();
    }
    async function handoff(id: string, conversationId: string, o: { team: string; reason: HandoffReason; at: string; claimedAt?: string; score?: number; scoredAt?: string }) {
      await t.db.kysely.insertInto('handoffs').values({
        id, conversation_id: conversationId, channel: 'webchat', channel_conversation_id: conversationId, user_id: 'u', citizen_id: 'z', team: o.team, priority: 5,
        reason: o.reason, summary: '{}', locale: 'es', status: 'closed', agent_id: 'ana', ticket_reference: null, resolution: null, created_at: o.at, queued_at: o.at,
        // The row's claimed_at is the latest claim; the first one is the event's.
        claimed_at: o.claimedAt ? '2026-06-30T00:00:00.000Z' : null, ended_at: null,
      }).execute();
      if (o.claimedAt) await t.db.kysely.insertInto('handoff_events').values({ handoff_id: id, kind: 'claimed', agent_id: 'ana', team: null, note: null, at: o.claimedAt }).execute();
      if (o.score) await t.db.kysely.insertInto('satisfaction').values({ handoff_id: id, team: o.team, agent_id: 'ana', score: o.score, comment: null, at: o.scoredAt ?? o.at }).execute();
    }
    async function ticket(service: string, type: ProcedureType, createdAt: string, finished?: { status: 'resolved' | 'closed'; at: string }) {
      const [row] = await t.db.kysely.insertInto('tickets').values({
        reference: `T-${randomUUID().slice(0, 8)}`, service, type, status: finished?.status ?? 'in_progress', description: 'x', address: null, lat: null, lon: null, citizen_id: 'z',
        channel: 'webchat', conversation_id: 'c', locale: 'es', contact: null, connector_kind: 'builtin', external_id: null, idempotency_key: randomUUID(),
        created_at: createdAt, updated_at: createdAt, delivery: null, delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
      }).returning('id').execute();
      await t.db.kysely.insertInto('ticket_events').values({ ticket_id: row!.id, status: 'in_progress', note: null, at: createdAt }).execute();
      if (finished) {
        await t.db.kysely.insertInto('ticket_events').values({ ticket_id: row!.id, status: finished.status, note: null, at: finished.at }).execute();
        // A later step of a finished ticket does not move its closing time.
        await t.db.kysely.insertInto('ticket_events').values({ ticket_id: row!.id, status: 'closed', note: null, at: '2026-06-12T00:00:00.000Z' }).execute();
      }
    }

    beforeAll(async () => {
      t = await open();
      // The bot alone, on 2 June.
      await conversation('webchat:c1', 'webchat', '2026-06-02T08:00:00.000Z', '2026-06-02T08:30:00.000Z');
      // 23:30 in Madrid on 2 June: a person claimed after 5 minutes and answered after 10.
      await conversation('webchat:c2', 'webchat', '2026-06-02T21:30:00.000Z');
      await handoff('h1', 'webchat:c2', { team: 'aguas', reason: 'asked', at: '2026-06-02T21:40:00.000Z', claimedAt: '2026-06-02T21:45:00.000Z', score: 5 });
      await message('webchat:c2', '2026-06-02T21:41:00.000Z', null);
      await message('webchat:c2', '2026-06-02T21:50:00.000Z', 'ana');
      await message('webchat:c2', '2026-06-02T21:55:00.000Z', 'ana');
      // 00:30 in Madrid on 3 June (still the 2nd in UTC).
      await conversation('telegram:c3', 'telegram', '2026-06-02T22:30:00.000Z');
      await handoff('h2', 'telegram:c3', { team: 'alumbrado', reason: 'unsure', at: '2026-06-02T22:35:00.000Z', claimedAt: '2026-06-02T22:36:00.000Z', score: 4 });
      await message('telegram:c3', '2026-06-02T22:40:00.000Z', 'ana');
      // Started in May, active in June, its handoff in May: the bot alone in the range.
      await conversation('telegram:c4', 'telegram', '2026-05-20T10:00:00.000Z', '2026-06-05T10:00:00.000Z');
      await handoff('h0', 'telegram:c4', { team: 'aguas', reason: 'asked', at: '2026-05-25T10:00:00.000Z', claimedAt: '2026-05-25T10:01:00.000Z', score: 1 });
      // 23:30 in Madrid on 31 May: before the range.
      await conversation('whatsapp:c5', 'whatsapp', '2026-05-31T21:30:00.000Z', '2026-05-31T21:40:00.000Z');
      // Claimed after 10 minutes, never answered by a person (the bot's line does not count).
      await conversation('webchat:c6', 'webchat', '2026-06-10T09:00:00.000Z');
      await handoff('h4', 'webchat:c6', { team: 'aguas', reason: 'asked', at: '2026-06-10T09:01:00.000Z', claimedAt: '2026-06-10T09:11:00.000Z', score: 2 });
      await message('webchat:c6', '2026-06-10T09:02:00.000Z', null);

      await ticket('alumbrado', 'reclamo', '2026-06-03T10:00:00.000Z', { status: 'resolved', at: '2026-06-04T10:00:00.000Z' });
      await ticket('alumbrado', 'solicitud', '2026-06-05T10:00:00.000Z');
      await ticket('agua', 'reclamo', '2026-05-20T10:00:00.000Z', { status: 'closed', at: '2026-06-06T10:00:00.000Z' });
      // 01:00 in Madrid on the 15th: after the range.
      await ticket('agua', 'consulta', '2026-06-14T23:00:00.000Z');

      report = await new StatsStore(t.db).report(RANGE, TZ, NOW);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it("counts per city day every day of the range: conversations started, handoffs requested, tickets opened", () => {
      expect(report.days).toHaveLength(14);
      expect(report.days.filter((d) => d.conversations + d.handoffs + d.tickets > 0)).toEqual([
        { day: '2026-06-02', conversations: 2, handoffs: 1, tickets: 0 },
        { day: '2026-06-03', conversations: 1, handoffs: 1, tickets: 1 },
        { day: '2026-06-05', conversations: 0, handoffs: 0, tickets: 1 },
        { day: '2026-06-10', conversations: 1, handoffs: 1, tickets: 0 },
      ]);
    });

    it('counts conversations active in the range per channel, and those the bot resolved without a person', () => {
      expect(report.channels).toEqual([
        { channel: 'telegram', conversations: 2, withoutPerson: 1 },
        { channel: 'webchat', conversations: 3, withoutPerson: 1 },
      ]);
    });

    it('gives the median and p90 of the time to claim and to the first answer, per team and overall', () => {
      expect(report.times).toEqual([
        { team: 'aguas', handoffs: 2, toClaim: { count: 2, median: 300, p90: 600 }, toFirstAnswer: { count: 1, median: 600, p90: 600 } },
        { team: 'alumbrado', handoffs: 1, toClaim: { count: 1, median: 60, p90: 60 }, toFirstAnswer: { count: 1, median: 300, p90: 300 } },
      ]);
      expect(report.timesAll).toEqual({ team: 'all', handoffs: 3, toClaim: { count: 3, median: 300, p90: 600 }, toFirstAnswer: { count: 2, median: 300, p90: 600 } });
    });

    it('counts handoffs by reason and tickets by type', () => {
      expect(report.reasons).toEqual([{ reason: 'asked', handoffs: 2 }, { reason: 'unsure', handoffs: 1 }]);
      expect(report.types).toEqual([{ type: 'reclamo', tickets: 1 }, { type: 'solicitud', tickets: 1 }]);
    });

    it('counts tickets opened and closed per service with their ages (open: until now; closed: until first finished)', () => {
      expect(report.tickets).toEqual([
        { service: 'agua', opened: 0, closed: 1, stillOpen: 0, openAge: { count: 0 }, closedAge: { count: 1, median: 17 * 86_400, p90: 17 * 86_400 } },
        { service: 'alumbrado', opened: 2, closed: 1, stillOpen: 1, openAge: { count: 1, median: 10 * 86_400, p90: 10 * 86_400 }, closedAge: { count: 1, median: 86_400, p90: 86_400 } },
      ]);
      expect(report.ticketsAll).toMatchObject({ opened: 2, closed: 2, stillOpen: 1, closedAge: { count: 2, median: 86_400, p90: 17 * 86_400 } });
    });

    it('gives satisfaction per team: answers, mean score, and how many gave 4 or 5', () => {
      expect(report.satisfaction).toEqual([
        { team: 'aguas', answers: 2, average: 3.5, satisfied: 1 },
        { team: 'alumbrado', answers: 1, average: 4, satisfied: 1 },
      ]);
    });
  });
}
