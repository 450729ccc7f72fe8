import { describe, expect, it } from 'vitest';
import { AppointmentOfficeSchema } from '../../../catalog/appointments-schema';
import { horizonEnd, isSlotStart, slotsBetween } from '../../../connectors/appointments/slots';

const office = AppointmentOfficeSchema.parse({
  code: 'oac-centro',
  name: 'OAC Centro',
  address: 'Plaza del Ayuntamiento 1',
  lat: 39.47,
  lon: -0.376,
  hours: { mon: '09:00-14:00', tue: '09:00-10:50', wed: '09:00-11:00,16:00-17:00', fri: '09:00-10:00', sun: '00:00-06:00' },
  placesPerSlot: 3,
  holidays: { country: 'ES', local: ['2027-01-22'] },
});

const iso = (slots: { start: Date }[]) => slots.map((s) => s.start.toISOString());
/** Madrid wall-clock times of the slots, as HH:MM with the zone abbreviation's offset. */
const madrid = (slots: { start: Date }[]) =>
  slots.map((s) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' }).format(s.start));

describe('slotsBetween', () => {
  it('gives no slots in the hour the clocks skip (spring forward, 28 March 2027 in Madrid)', () => {
    const slots = slotsBetween(office, 30, new Date('2027-03-27T12:00:00Z'), new Date('2027-03-28T12:00:00Z'));
    // Open 00:00-06:00 local: five real hours, ten slots of 30 minutes; none at 02:00 or 02:30.
    expect(madrid(slots)).toEqual([
      '00:00 CET', '00:30 CET', '01:00 CET', '01:30 CET',
      '03:00 CEST', '03:30 CEST', '04:00 CEST', '04:30 CEST', '05:00 CEST', '05:30 CEST',
    ]);
    expect(slots[3]?.end.toISOString()).toBe(slots[4]?.start.toISOString()); // 01:30 CET + 30 min is 03:00 CEST
    expect(slots.every((s) => s.end.getTime() - s.start.getTime() === 30 * 60_000)).toBe(true);
  });

  it('gives the repeated hour its slots twice, as distinct instants (fall back, 31 October 2027)', () => {
    const slots = slotsBetween(office, 30, new Date('2027-10-30T12:00:00Z'), new Date('2027-10-31T12:00:00Z'));
    // Seven real hours between 00:00 CEST and 06:00 CET: fourteen slots.
    expect(madrid(slots)).toEqual([
      '00:00 CEST', '00:30 CEST', '01:00 CEST', '01:30 CEST', '02:00 CEST', '02:30 CEST',
      '02:00 CET', '02:30 CET', '03:00 CET', '03:30 CET', '04:00 CET', '04:30 CET', '05:00 CET', '05:30 CET',
    ]);
    expect(new Set(iso(slots)).size).toBe(14);
    expect(iso(slots).slice(4, 8)).toEqual(['2027-10-31T00:00:00.000Z', '2027-10-31T00:30:00.000Z', '2027-10-31T01:00:00.000Z', '2027-10-31T01:30:00.000Z']);
  });

  it('keeps the same local times on the weekdays either side of a change (UTC moves by an hour)', () => {
    // Fridays 12 March and 9 April (26 March is Good Friday, a national holiday).
    const before = slotsBetween(office, 60, new Date('2027-03-12T00:00:00Z'), new Date('2027-03-13T00:00:00Z'));
    const after = slotsBetween(office, 60, new Date('2027-04-09T00:00:00Z'), new Date('2027-04-10T00:00:00Z'));
    expect(iso(before)).toEqual(['2027-03-12T08:00:00.000Z']);
    expect(iso(after)).toEqual(['2027-04-09T07:00:00.000Z']);
    expect(slotsBetween(office, 60, new Date('2027-03-26T00:00:00Z'), new Date('2027-03-27T00:00:00Z'))).toEqual([]);
  });

  it('drops the last slot when a range ends mid-slot, and follows each range of a day', () => {
    const tuesday = slotsBetween(office, 20, new Date('2027-03-02T00:00:00Z'), new Date('2027-03-03T00:00:00Z'));
    expect(madrid(tuesday)).toEqual(['09:00 CET', '09:20 CET', '09:40 CET', '10:00 CET', '10:20 CET']);
    const wednesday = slotsBetween(office, 45, new Date('2027-03-03T00:00:00Z'), new Date('2027-03-04T00:00:00Z'));
    expect(madrid(wednesday)).toEqual(['09:00 CET', '09:45 CET', '16:00 CET']);
  });

  it('gives no slots on a local holiday nor on a national one from date-holidays, nor on closed weekdays', () => {
    // Friday 22 January 2027: the city's own holiday; the Friday after opens as usual.
    expect(slotsBetween(office, 30, new Date('2027-01-22T00:00:00Z'), new Date('2027-01-23T00:00:00Z'))).toEqual([]);
    expect(slotsBetween(office, 30, new Date('2027-01-29T00:00:00Z'), new Date('2027-01-30T00:00:00Z'))).toHaveLength(2);
    // Tuesday 12 October 2027: Fiesta Nacional de España; Tuesday 19 October opens.
    expect(slotsBetween(office, 20, new Date('2027-10-12T00:00:00Z'), new Date('2027-10-13T00:00:00Z'))).toEqual([]);
    expect(slotsBetween(office, 20, new Date('2027-10-19T00:00:00Z'), new Date('2027-10-20T00:00:00Z'))).toHaveLength(5);
    // Thursday and Saturday have no hours: from Thursday to Saturday noon, only Friday's three slots.
    expect(slotsBetween(office, 20, new Date('2027-10-14T00:00:00Z'), new Date('2027-10-16T12:00:00Z'))).toHaveLength(3);
  });

  it('opens on a public holiday the office lists as an exception', () => {
    const open = AppointmentOfficeSchema.parse({ ...office, holidays: { country: 'ES', except: ['2027-10-12'] } });
    expect(slotsBetween(open, 20, new Date('2027-10-12T00:00:00Z'), new Date('2027-10-13T00:00:00Z'))).toHaveLength(5);
  });

  it('lists only slots starting in [from, to), across days', () => {
    const slots = slotsBetween(office, 60, new Date('2027-03-01T09:00:00Z'), new Date('2027-03-03T08:00:01Z'));
    expect(madrid(slots)).toEqual(['10:00 CET', '11:00 CET', '12:00 CET', '13:00 CET', '09:00 CET', '09:00 CET']);
    expect(iso(slots).at(-1)).toBe('2027-03-03T08:00:00.000Z');
  });
});

describe('isSlotStart and horizonEnd', () => {
  it("tells a slot's start from a time between slots or on a closed day", () => {
    expect(isSlotStart(office, 20, new Date('2027-03-02T08:20:00Z'))).toBe(true);
    expect(isSlotStart(office, 20, new Date('2027-03-02T08:25:00Z'))).toBe(false);
    expect(isSlotStart(office, 20, new Date('2027-03-02T09:40:00Z'))).toBe(false); // 10:40 would end after 10:50
    expect(isSlotStart(office, 30, new Date('2027-01-22T08:00:00Z'))).toBe(false);
    expect(isSlotStart(office, 30, new Date('2027-10-31T01:00:00Z'))).toBe(true); // 02:00 CET, the second one
  });

  it('ends the horizon at local midnight after the last bookable day, across a DST change', () => {
    expect(horizonEnd(new Date('2027-03-20T22:30:00Z'), 'Europe/Madrid', 10).toISOString()).toBe('2027-03-30T22:00:00.000Z');
    expect(horizonEnd(new Date('2027-03-20T23:30:00Z'), 'Europe/Madrid', 10).toISOString()).toBe('2027-03-31T22:00:00.000Z');
  });
});
