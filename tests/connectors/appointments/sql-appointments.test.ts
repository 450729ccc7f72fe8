import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AppointmentNotActiveError,
  NoSuchSlotError,
  NotYourAppointmentError,
  OutsideHorizonError,
  SlotFullError,
  SlotInPastError,
} from '../../../bot/errors';
import type { BookingRequest } from '../../../connectors/appointments/appointments-connector';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import { DIALECTS, type TestDatabase } from '../../bot/sql/test-databases';
import { MONDAY_EARLY, TUESDAY_SLOTS, testAppointments } from './appointments-catalog';

const [NINE, NINE_THIRTY, TEN, TEN_THIRTY] = TUESDAY_SLOTS as [Date, Date, Date, Date];
const request = (citizenId: string, start: Date, over: Partial<BookingRequest> = {}): BookingRequest => ({
  procedure: 'empadronamiento', office: 'oac-centro', start, citizenId, conversationKey: `telegram:${citizenId}`, locale: 'es', ...over,
});

for (const { dialect, open } of DIALECTS) {
  describe(`SqlAppointments on ${dialect}`, () => {
    let t: TestDatabase;
    let now = MONDAY_EARLY;
    let store: SqlAppointments;
    beforeAll(async () => {
      t = await open();
      store = new SqlAppointments(t.db, testAppointments(), { clock: () => now });
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('lists the open slots with their free places, takes the lowest free seat, and refuses a full slot', async () => {
      const tuesday = { procedure: 'empadronamiento', office: 'oac-centro', from: new Date('2027-03-02T00:00:00Z'), to: new Date('2027-03-03T00:00:00Z') };
      expect((await store.listSlots(tuesday)).map((s) => [s.start.toISOString(), s.free, s.places])).toEqual(
        TUESDAY_SLOTS.map((s) => [s.toISOString(), 3, 3]),
      );
      const first = await store.book(request('ana', NINE));
      expect(first).toMatchObject({ procedure: 'empadronamiento', office: 'oac-centro', status: 'booked', citizenId: 'ana', sequence: 0, locale: 'es' });
      expect(first.start).toEqual(NINE);
      expect(first.end).toEqual(new Date('2027-03-02T08:30:00Z'));
      expect(first.reference).toMatch(/^CITA-[A-HJ-NP-Z2-9]{6}$/);
      await store.book(request('bea', NINE));
      expect((await store.listSlots(tuesday))[0]).toMatchObject({ start: NINE, free: 1 });
      await store.book(request('carla', NINE));
      await expect(store.book(request('dani', NINE))).rejects.toBeInstanceOf(SlotFullError);
      expect((await store.listSlots(tuesday)).map((s) => s.start)).toEqual([NINE_THIRTY, TEN, TEN_THIRTY]);
    });

    it('refuses a slot that has started, one past the horizon, and a time that is no slot', async () => {
      now = Date.parse('2027-03-02T08:30:00Z');
      await expect(store.book(request('ana', NINE_THIRTY))).rejects.toBeInstanceOf(SlotInPastError);
      await expect(store.book(request('ana', new Date('2027-03-17T08:00:00Z')))).rejects.toBeInstanceOf(OutsideHorizonError); // today and 14 days more: the 16th is the last
      expect((await store.book(request('ana', new Date('2027-03-16T08:00:00Z')))).status).toBe('booked');
      await expect(store.book(request('ana', new Date('2027-03-02T09:15:00Z')))).rejects.toBeInstanceOf(NoSuchSlotError); // between slots
      await expect(store.book(request('ana', new Date('2027-03-03T08:00:00Z')))).rejects.toBeInstanceOf(NoSuchSlotError); // holiday
      await expect(store.book(request('ana', TEN, { office: 'oac-norte' }))).rejects.toBeInstanceOf(NoSuchSlotError); // not attended there
      await expect(store.book(request('ana', TEN, { procedure: 'pasaporte' }))).rejects.toBeInstanceOf(NoSuchSlotError);
      expect(await store.listSlots({ procedure: 'empadronamiento', office: 'oac-centro', from: new Date('2027-03-02T00:00:00Z'), to: new Date('2027-03-02T09:00:00Z') })).toEqual([]);
      now = MONDAY_EARLY;
    });

    it('books once per idempotency key, also when the retry comes after the slot filled', async () => {
      const a = await store.book(request('eva', TEN), 'turn-eva-1');
      expect(await store.book(request('eva', TEN), 'turn-eva-1')).toEqual(a);
      await store.book(request('fer', TEN));
      await store.book(request('gil', TEN));
      expect(await store.book(request('eva', TEN), 'turn-eva-1')).toEqual(a);
      now = Date.parse('2027-03-02T09:05:00Z'); // the slot has started: a late retry still gets its appointment
      expect(await store.book(request('eva', TEN), 'turn-eva-1')).toEqual(a);
      now = MONDAY_EARLY;
    });

    it("lists a citizen's upcoming booked appointments, soonest first", async () => {
      await store.book(request('hugo', TEN_THIRTY));
      const later = await store.book(request('hugo', new Date('2027-03-04T08:00:00Z')));
      const gone = await store.book(request('hugo', new Date('2027-03-05T08:00:00Z')));
      await store.cancel(gone.reference, 'hugo');
      expect((await store.listForCitizen('hugo')).map((a) => a.start)).toEqual([TEN_THIRTY, later.start]);
      now = Date.parse('2027-03-02T10:00:00Z'); // Tuesday's 10:30 has ended
      expect((await store.listForCitizen('hugo')).map((a) => a.reference)).toEqual([later.reference]);
      now = MONDAY_EARLY;
    });

    it('moves to a free slot, giving the old place back; a full slot leaves the appointment where it was', async () => {
      const a = await store.book(request('ines', TEN_THIRTY));
      const moved = await store.move(a.reference.toLowerCase(), 'ines', new Date('2027-03-04T08:30:00Z'));
      expect(moved).toMatchObject({ id: a.id, reference: a.reference, status: 'booked', sequence: 1 });
      expect(moved.start).toEqual(new Date('2027-03-04T08:30:00Z'));
      const tuesday = await store.listSlots({ procedure: 'empadronamiento', office: 'oac-centro', from: TEN_THIRTY, to: new Date(TEN_THIRTY.getTime() + 1) });
      expect(tuesday[0]?.free).toBe(2); // hugo's only
      await expect(store.move(a.reference, 'ines', NINE)).rejects.toBeInstanceOf(SlotFullError);
      expect((await store.listForCitizen('ines')).map((x) => [x.start, x.sequence])).toEqual([[new Date('2027-03-04T08:30:00Z'), 1]]);
      await expect(store.move(a.reference, 'hugo', TEN_THIRTY)).rejects.toBeInstanceOf(NotYourAppointmentError);
      await expect(store.move(a.reference, 'ines', new Date('2027-03-04T08:40:00Z'))).rejects.toBeInstanceOf(NoSuchSlotError);
    });

    it("cancels only the citizen's own appointment, frees its place, and answers a second cancel the same", async () => {
      const a = await store.book(request('juan', new Date('2027-03-05T09:30:00Z')));
      await expect(store.cancel(a.reference, 'ines')).rejects.toBeInstanceOf(NotYourAppointmentError);
      await expect(store.cancel('CITA-NOPE00', 'juan')).rejects.toBeInstanceOf(NotYourAppointmentError);
      const cancelled = await store.cancel(a.reference, 'juan');
      expect(cancelled).toMatchObject({ status: 'cancelled', sequence: 1 });
      expect(await store.cancel(` ${a.reference.toLowerCase()} `, 'juan')).toEqual(cancelled);
      await expect(store.move(a.reference, 'juan', new Date('2027-03-05T08:00:00Z'))).rejects.toBeInstanceOf(AppointmentNotActiveError);
      // Its seat is free again: three more citizens fit.
      for (const c of ['k1', 'k2', 'k3']) await store.book(request(c, new Date('2027-03-05T09:30:00Z')));
      await expect(store.book(request('k4', new Date('2027-03-05T09:30:00Z')))).rejects.toBeInstanceOf(SlotFullError);
    });

    it('marks attended (the place stays taken); a marked or started appointment can no longer be moved or cancelled', async () => {
      const a = await store.book(request('luz', new Date('2027-03-08T08:00:00Z')));
      const b = await store.book(request('luz', new Date('2027-03-08T08:30:00Z')));
      now = Date.parse('2027-03-08T08:05:00Z');
      await expect(store.cancel(a.reference, 'luz')).rejects.toBeInstanceOf(SlotInPastError);
      expect((await store.mark(a.reference, 'attended')).status).toBe('attended');
      await expect(store.mark(a.reference, 'no-show')).rejects.toBeInstanceOf(AppointmentNotActiveError);
      await expect(store.cancel(a.reference, 'luz')).rejects.toBeInstanceOf(AppointmentNotActiveError);
      expect((await store.mark(b.reference, 'no-show')).status).toBe('no-show');
      expect(await store.listForCitizen('luz')).toEqual([]);
      now = MONDAY_EARLY;
    });
  });
}

for (const { dialect, open } of DIALECTS) {
  describe(`reminders the day before, on ${dialect}`, () => {
    let t: TestDatabase;
    let now = MONDAY_EARLY;
    let store: SqlAppointments;
    beforeAll(async () => {
      t = await open();
      store = new SqlAppointments(t.db, testAppointments(4), { clock: () => now }); // a fourth place for moves
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('hands each due reminder to exactly one of several workers claiming at once, and none twice', async () => {
      const due = await Promise.all(TUESDAY_SLOTS.flatMap((start) => ['r1', 'r2', 'r3'].map((c) => store.book(request(`${c}-${start.getTime()}`, start)))));
      const later = await store.book(request('later', new Date('2027-03-04T08:00:00Z')));
      const cancelled = await store.book(request('gone', TEN));
      await store.cancel(cancelled.reference, 'gone');
      now = Date.parse('2027-03-01T10:00:00Z');
      const claims = await Promise.all(Array.from({ length: 5 }, () => store.claimReminders(new Date(now + 86_400_000))));
      const claimed = claims.flat().map((a) => a.id);
      expect(claimed.sort()).toEqual(due.map((a) => a.id).sort());
      expect(await store.claimReminders(new Date(now + 86_400_000))).toEqual([]);
      expect(claimed).not.toContain(later.id);
      // Given back (the send failed): claimed again. Moved: reminded of again for its new time.
      await store.releaseReminder(due[0]!.id);
      expect((await store.claimReminders(new Date(now + 86_400_000))).map((a) => a.id)).toEqual([due[0]!.id]);
      await store.move(due[1]!.reference, due[1]!.citizenId, NINE_THIRTY);
      expect((await store.claimReminders(new Date(now + 86_400_000))).map((a) => [a.id, a.start])).toEqual([[due[1]!.id, NINE_THIRTY]]);
      now = MONDAY_EARLY;
    });
  });
}
