import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlotFullError } from '../../../bot/errors';
import type { Db } from '../../../bot/sql/database';
import type { Appointment, BookingRequest } from '../../../connectors/appointments/appointments-connector';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import { DIALECTS, PG_URL, type TestDatabase } from '../../bot/sql/test-databases';
import { MONDAY_EARLY, TUESDAY_SLOTS, testAppointments } from './appointments-catalog';

const run = promisify(execFile);
const CHILD = resolve(import.meta.dirname, '../../support/appointments-book-child.ts');

/** Five slots of three places: Tuesday 2 March 2027's four and Thursday 4 March's first. */
const SLOTS = [...TUESDAY_SLOTS, new Date('2027-03-04T08:00:00Z')];
const PLACES = 3;
const request = (citizenId: string, start: Date): BookingRequest => ({
  procedure: 'empadronamiento', office: 'oac-centro', start, citizenId, conversationKey: `whatsapp:${citizenId}`, locale: 'es',
});

/** Booked rows per slot start, with their seats, read straight from the table. */
async function seatsBySlot(db: Db): Promise<Map<string, number[]>> {
  const rows = await sql<{ starts_at: string; seat: number }>`select starts_at, seat from appointments where status = 'booked' order by starts_at, seat`.execute(db.kysely);
  const by = new Map<string, number[]>();
  for (const r of rows.rows) by.set(r.starts_at, [...(by.get(r.starts_at) ?? []), Number(r.seat)]);
  return by;
}

function expectExactlyFull(by: Map<string, number[]>, slots: Date[]): void {
  expect([...by.keys()].sort()).toEqual(slots.map((s) => s.toISOString()).sort());
  for (const seats of by.values()) expect(seats).toEqual([0, 1, 2]);
}

for (const { dialect, open } of DIALECTS) {
  describe(`booking under concurrency on ${dialect}`, () => {
    let t: TestDatabase;
    let store: SqlAppointments;
    beforeAll(async () => {
      t = await open();
      store = new SqlAppointments(t.db, testAppointments(PLACES), { clock: () => MONDAY_EARLY });
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('1,000 concurrent attempts on 5 slots of 3 places book exactly 15; every other one is refused as full', async () => {
      const results = await Promise.allSettled(SLOTS.flatMap((start, s) => Array.from({ length: 200 }, (_, i) => store.book(request(`c${s}-${i}`, start)))));
      const booked = results.filter((r): r is PromiseFulfilledResult<Appointment> => r.status === 'fulfilled');
      const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results).toHaveLength(1000);
      expect(booked).toHaveLength(15);
      expect(refused).toHaveLength(985);
      expect(refused.every((r) => r.reason instanceof SlotFullError)).toBe(true);
      expect(new Set(booked.map((b) => b.value.reference)).size).toBe(15);
      expectExactlyFull(await seatsBySlot(t.db), SLOTS);
      expect(await store.listSlots({ procedure: 'empadronamiento', office: 'oac-centro', from: SLOTS[0]!, to: new Date(SLOTS[4]!.getTime() + 1) })).toEqual([]);
    });

    it('gives a place a cancel frees to exactly one of the citizens trying for it meanwhile', async () => {
      const full = SLOTS[0]!;
      const [victim] = (await sql<{ reference: string; citizen_id: string }>`select reference, citizen_id from appointments where starts_at = ${full.toISOString()} and status = 'booked' order by seat limit 1`.execute(t.db.kysely)).rows;
      expect(victim).toBeDefined();
      let cancelled = false;
      // Twenty citizens keep trying until the cancel is through, then try once more each.
      const hunt = async (n: number): Promise<boolean> => {
        for (let tries = 0; tries < 500; tries++) {
          const after = cancelled;
          try {
            await store.book(request(`hunter-${n}`, full));
            return true;
          } catch (err) {
            if (!(err instanceof SlotFullError)) throw err;
            if (after) return false;
          }
          await new Promise((r) => setImmediate(r));
        }
        throw new Error('the hunt never ended');
      };
      const hunters = Array.from({ length: 20 }, (_, n) => hunt(n));
      await new Promise((r) => setTimeout(r, 5));
      await store.cancel(victim!.reference, victim!.citizen_id);
      cancelled = true;
      const won = (await Promise.all(hunters)).filter(Boolean);
      expect(won).toHaveLength(1);
      expectExactlyFull(await seatsBySlot(t.db), SLOTS);
    });

    it('lets concurrent moves and bookings into one slot fill exactly its places; a refused move keeps its old place', async () => {
      const target = new Date('2027-03-05T08:00:00Z'); // Friday 09:00
      const origins = ['2027-03-04T08:30:00Z', '2027-03-04T09:00:00Z', '2027-03-04T09:30:00Z', '2027-03-05T08:30:00Z'].map((s) => new Date(s));
      const movers = await Promise.all(Array.from({ length: 10 }, (_, i) => store.book(request(`mover-${i}`, origins[i % origins.length]!))));
      const attempts = [
        ...movers.map((m) => store.move(m.reference, m.citizenId, target)),
        ...Array.from({ length: 10 }, (_, i) => store.book(request(`late-${i}`, target))),
      ];
      const results = await Promise.allSettled(attempts);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(PLACES);
      expect(results.every((r) => r.status === 'fulfilled' || r.reason instanceof SlotFullError)).toBe(true);
      const by = await seatsBySlot(t.db);
      expect(by.get(target.toISOString())).toEqual([0, 1, 2]);
      for (const [i, m] of movers.entries()) {
        const [now] = await store.listForCitizen(m.citizenId);
        const moved = results[i]!.status === 'fulfilled';
        expect(now?.start).toEqual(moved ? target : m.start);
        expect(now?.sequence).toBe(moved ? 1 : 0);
      }
      // Every place a move left is free again: the origins hold only the movers that stayed.
      const stayed = movers.filter((_, i) => results[i]!.status === 'rejected');
      for (const o of origins) {
        expect(by.get(o.toISOString())?.length ?? 0).toBe(stayed.filter((m) => m.start.getTime() === o.getTime()).length);
      }
    });
  });
}

describe('booking from several processes at once', () => {
  for (const { dialect, open } of DIALECTS) {
    it(`books exactly 15 of 1,000 attempts from 4 processes on ${dialect}`, async () => {
      const t = await open();
      try {
        const where = t.schema ? PG_URL : t.sqlitePath;
        const children = [1, 2, 3, 4].map((n) =>
          run(process.execPath, ['--import', 'tsx', CHILD, where, t.schema ?? '-', '250', `p${n}`, SLOTS.map((s) => s.toISOString()).join(',')]),
        );
        const outcomes = (await Promise.all(children)).map((c) => JSON.parse(c.stdout) as { booked: number; codes: Record<string, number> });
        expect(outcomes.reduce((n, o) => n + o.booked, 0)).toBe(15);
        expect(outcomes.reduce((n, o) => n + (o.codes.E_SLOT_FULL ?? 0), 0)).toBe(985);
        expect(outcomes.flatMap((o) => Object.keys(o.codes)).every((c) => c === 'E_SLOT_FULL')).toBe(true);
        expectExactlyFull(await seatsBySlot(t.db), SLOTS);
      } finally {
        await t.drop();
      }
    }, 120_000);
  }
});
