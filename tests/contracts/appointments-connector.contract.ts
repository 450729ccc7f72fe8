import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NoSuchSlotError, NotYourAppointmentError, SlotFullError, SlotInPastError } from '../../bot/errors';
import type { Clock } from '../../bot/clock';
import type { AppointmentsConnector, BookingRequest } from '../../connectors/appointments/appointments-connector';
import { MONDAY_EARLY, TUESDAY_SLOTS } from '../connectors/appointments/appointments-catalog';

/**
 * The behaviour every AppointmentsConnector must show, whatever appointment system is behind it.
 * Implementations run it from their own test file with a `make` that builds a fresh, empty system
 * configured like `testAppointments()` (tests/connectors/appointments/appointments-catalog.ts: oac-centro,
 * empadronamiento every 30 minutes from 09:00 to 11:00 Madrid on weekdays, 3 places) and reading `clock`.
 */
export interface AppointmentsContractSubject {
  connector: AppointmentsConnector;
  cleanup: () => Promise<void>;
}

const [NINE, NINE_THIRTY, TEN] = TUESDAY_SLOTS as [Date, Date, Date, Date];
const TUESDAY = { procedure: 'empadronamiento', office: 'oac-centro', from: new Date('2027-03-02T00:00:00Z'), to: new Date('2027-03-03T00:00:00Z') };
const request = (citizenId: string, start: Date): BookingRequest => ({
  procedure: 'empadronamiento', office: 'oac-centro', start, citizenId, conversationKey: `webchat:${citizenId}`, locale: 'ca',
});

export function appointmentsConnectorContract(name: string, make: (clock: Clock) => Promise<AppointmentsContractSubject>): void {
  describe(`${name} fulfils AppointmentsConnector`, () => {
    let subject: AppointmentsContractSubject;
    let c: AppointmentsConnector;
    beforeAll(async () => {
      subject = await make(() => MONDAY_EARLY);
      c = subject.connector;
    });
    afterAll(async () => {
      await subject?.cleanup();
    });

    it('lists open slots with their free places and refuses a fourth citizen in a slot of three', async () => {
      expect((await c.listSlots(TUESDAY)).map((s) => [s.start, s.free])).toEqual(TUESDAY_SLOTS.map((s) => [s, 3]));
      for (const who of ['a1', 'a2', 'a3']) expect((await c.book(request(who, NINE))).status).toBe('booked');
      await expect(c.book(request('a4', NINE))).rejects.toBeInstanceOf(SlotFullError);
      expect((await c.listSlots(TUESDAY))[0]?.start).toEqual(NINE_THIRTY);
    });

    it('books once per key and refuses what is no slot or has started', async () => {
      const first = await c.book(request('b1', NINE_THIRTY), 'contract-key-1');
      expect(await c.book(request('b1', NINE_THIRTY), 'contract-key-1')).toEqual(first);
      await expect(c.book(request('b1', new Date('2027-03-02T08:10:00Z')))).rejects.toBeInstanceOf(NoSuchSlotError);
      await expect(c.book(request('b1', new Date('2027-03-01T05:00:00Z')))).rejects.toBeInstanceOf(SlotInPastError);
    });

    it("lists, moves and cancels only the citizen's own appointments", async () => {
      const a = await c.book(request('c1', TEN));
      expect((await c.listForCitizen('c1')).map((x) => x.reference)).toEqual([a.reference]);
      await expect(c.cancel(a.reference, 'someone-else')).rejects.toBeInstanceOf(NotYourAppointmentError);
      await expect(c.move(a.reference, 'c1', NINE)).rejects.toBeInstanceOf(SlotFullError);
      const moved = await c.move(a.reference, 'c1', NINE_THIRTY);
      expect([moved.reference, moved.start, moved.status]).toEqual([a.reference, NINE_THIRTY, 'booked']);
      expect((await c.listSlots(TUESDAY)).find((s) => s.start.getTime() === TEN.getTime())?.free).toBe(3);
      const cancelled = await c.cancel(a.reference, 'c1');
      expect(cancelled.status).toBe('cancelled');
      expect(await c.cancel(a.reference, 'c1')).toMatchObject({ status: 'cancelled' });
      expect(await c.listForCitizen('c1')).toEqual([]);
      expect((await c.listSlots(TUESDAY)).find((s) => s.start.getTime() === NINE_THIRTY.getTime())?.free).toBe(2); // b1's only
    });
  });
}
