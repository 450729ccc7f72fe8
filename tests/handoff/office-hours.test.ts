import { describe, expect, it } from 'vitest';
import type { Team } from '../../catalog/schema';
import { describeOpening } from '../../dialogs/opening-time';
import { OfficeHours } from '../../handoff/office-hours';

const MADRID = 'Europe/Madrid';
const team = (hours: Team['hours'], holidays: Team['holidays'] = []): Team => ({
  code: 'atencion-ciudadana',
  names: { es: 'Atención ciudadana', ca: 'Atenció ciutadana', en: 'Citizen service' },
  hours,
  holidays,
  claimWithinMinutes: 10,
});
const utc = (iso: string): Date => new Date(`${iso}Z`);

// Winter in Madrid is UTC+1: 2026-11-30 is a Monday, 2026-12-07 a Monday holiday, 2026-12-08 a Tuesday.
const week = new OfficeHours(
  team(
    { mon: '08:00-15:00', tue: '08:00-15:00', wed: '08:00-14:00,16:00-19:00', fri: '20:00-24:00' },
    ['2026-12-07'],
  ),
  MADRID,
);

describe('OfficeHours in Europe/Madrid', () => {
  it('is open inside a range, closed before it and from its end on', () => {
    expect(week.isOpen(utc('2026-11-30T09:00'))).toBe(true); // 10:00 local
    expect(week.isOpen(utc('2026-11-30T06:59'))).toBe(false); // 07:59 local
    expect(week.isOpen(utc('2026-11-30T07:00'))).toBe(true); // 08:00 local
    expect(week.isOpen(utc('2026-11-30T14:00'))).toBe(false); // 15:00 local: the end is exclusive
    expect(week.closesAt(utc('2026-11-30T09:00'))).toEqual(utc('2026-11-30T14:00'));
    expect(week.closesAt(utc('2026-11-30T15:00'))).toBeUndefined();
  });

  it('returns `at` itself as the next opening when open now', () => {
    expect(week.nextOpening(utc('2026-11-30T09:00'))).toEqual(utc('2026-11-30T09:00'));
  });

  it('closes between split ranges and reopens for the second one', () => {
    expect(week.isOpen(utc('2026-12-02T14:00'))).toBe(false); // Wednesday 15:00 local
    expect(week.nextOpening(utc('2026-12-02T14:00'))).toEqual(utc('2026-12-02T15:00'));
    expect(week.isOpen(utc('2026-12-02T16:00'))).toBe(true); // 17:00 local
    expect(week.closesAt(utc('2026-12-02T16:00'))).toEqual(utc('2026-12-02T18:00'));
  });

  it('stays open until midnight with a 24:00 end', () => {
    expect(week.isOpen(new Date(Date.UTC(2026, 11, 4, 22, 59, 59)))).toBe(true); // Friday 23:59:59 local
    expect(week.isOpen(utc('2026-12-04T23:00'))).toBe(false); // Saturday 00:00 local
    expect(week.closesAt(utc('2026-12-04T20:00'))).toEqual(utc('2026-12-04T23:00'));
  });

  it('treats touching ranges across midnight as one opening', () => {
    const night = new OfficeHours(team({ fri: '20:00-24:00', sat: '00:00-02:00' }), MADRID);
    expect(night.isOpen(utc('2026-12-05T00:30'))).toBe(true); // Saturday 01:30 local
    expect(night.closesAt(utc('2026-12-04T20:00'))).toEqual(utc('2026-12-05T01:00'));
  });

  it('is closed on a day absent from hours and opens on the next listed day', () => {
    expect(week.isOpen(utc('2026-12-03T09:00'))).toBe(false); // Thursday
    expect(week.nextOpening(utc('2026-12-03T09:00'))).toEqual(utc('2026-12-04T19:00')); // Friday 20:00 local
  });

  it('skips a Monday holiday: the next opening is Tuesday', () => {
    expect(week.isOpen(utc('2026-12-07T09:00'))).toBe(false);
    expect(week.nextOpening(utc('2026-12-06T12:00'))).toEqual(utc('2026-12-08T07:00'));
    expect(week.nextOpening(utc('2026-12-07T09:00'))).toEqual(utc('2026-12-08T07:00'));
  });

  it('is always open without hours, and closes only on its holidays', () => {
    const always = new OfficeHours(team(undefined), MADRID);
    expect(always.isOpen(utc('2026-12-06T03:00'))).toBe(true);
    expect(always.nextOpening(utc('2026-12-06T03:00'))).toEqual(utc('2026-12-06T03:00'));
    expect(always.closesAt(utc('2026-12-06T03:00'))).toBeUndefined();

    const withHoliday = new OfficeHours(team(undefined, ['2026-12-25']), MADRID);
    expect(withHoliday.isOpen(utc('2026-12-25T11:00'))).toBe(false);
    expect(withHoliday.closesAt(utc('2026-12-20T11:00'))).toEqual(utc('2026-12-24T23:00'));
    expect(withHoliday.nextOpening(utc('2026-12-25T11:00'))).toEqual(utc('2026-12-25T23:00'));
  });

  it('never opens with empty hours', () => {
    const never = new OfficeHours(team({}), MADRID);
    expect(never.isOpen(utc('2026-11-30T09:00'))).toBe(false);
    expect(never.nextOpening(utc('2026-11-30T09:00'))).toBeUndefined();
    expect(never.closesAt(utc('2026-11-30T09:00'))).toBeUndefined();
  });

  it('gives up after a year when every opening day is a holiday', () => {
    const once = new OfficeHours(team({ mon: '08:00-15:00' }, mondaysOf2026And2027()), MADRID);
    expect(once.nextOpening(utc('2026-01-01T00:00'))).toBeUndefined();
  });
});

describe('OfficeHours across DST in Europe/Madrid', () => {
  // 2026-03-29: 02:00 CET (01:00Z) jumps to 03:00 CEST. 2026-10-25: 03:00 CEST (01:00Z) falls back to 02:00 CET.
  const sunday = (hours: string): OfficeHours => new OfficeHours(team({ sun: hours }), MADRID);

  it('is open 01:00-04:00 on the spring-forward Sunday for two real hours', () => {
    const hours = sunday('01:00-04:00');
    expect(hours.nextOpening(utc('2026-03-28T12:00'))).toEqual(utc('2026-03-29T00:00')); // 01:00 CET
    expect(hours.isOpen(utc('2026-03-29T01:30'))).toBe(true); // 03:30 CEST
    expect(hours.closesAt(utc('2026-03-29T00:30'))).toEqual(utc('2026-03-29T02:00')); // 04:00 CEST
    expect(hours.isOpen(utc('2026-03-29T02:00'))).toBe(false);
    expect(hours.nextOpening(utc('2026-03-30T12:00'))).toEqual(utc('2026-04-04T23:00')); // 01:00 CEST
  });

  it('opens at the first valid instant when the start falls in the spring-forward gap', () => {
    const hours = sunday('02:30-05:00');
    expect(hours.nextOpening(utc('2026-03-28T12:00'))).toEqual(utc('2026-03-29T01:00')); // 03:00 CEST
    expect(hours.isOpen(utc('2026-03-29T00:59'))).toBe(false); // 01:59 CET
  });

  it('is open 01:00-04:00 on the fall-back Sunday for four real hours', () => {
    const hours = sunday('01:00-04:00');
    expect(hours.nextOpening(utc('2026-10-24T12:00'))).toEqual(utc('2026-10-24T23:00')); // 01:00 CEST
    expect(hours.closesAt(utc('2026-10-24T23:30'))).toEqual(utc('2026-10-25T03:00')); // 04:00 CET
  });

  it('takes the first occurrence of an ambiguous wall time', () => {
    expect(sunday('02:30-05:00').nextOpening(utc('2026-10-24T12:00'))).toEqual(utc('2026-10-25T00:30'));
    const early = sunday('00:00-02:30');
    expect(early.closesAt(utc('2026-10-24T23:00'))).toEqual(utc('2026-10-25T00:30')); // first 02:30, CEST
    expect(early.isOpen(utc('2026-10-25T01:15'))).toBe(false); // 02:15 again, CET: already closed
  });

  it('finds Monday 08:00 at the winter offset after the autumn change', () => {
    const weekdays = new OfficeHours(team({ mon: '08:00-15:00', fri: '08:00-15:00' }), MADRID);
    expect(weekdays.nextOpening(utc('2026-10-23T14:00'))).toEqual(utc('2026-10-26T07:00')); // CET
    expect(weekdays.nextOpening(utc('2026-10-16T14:00'))).toEqual(utc('2026-10-19T06:00')); // CEST
  });
});

describe('OfficeHours in America/Argentina/Buenos_Aires (UTC-3, no DST)', () => {
  const ba = new OfficeHours(team({ mon: '09:00-18:00' }), 'America/Argentina/Buenos_Aires');

  it('opens at 12:00Z in both Madrid winter and summer', () => {
    expect(ba.isOpen(utc('2026-11-30T11:59'))).toBe(false);
    expect(ba.isOpen(utc('2026-11-30T12:00'))).toBe(true);
    expect(ba.nextOpening(utc('2026-11-29T12:00'))).toEqual(utc('2026-11-30T12:00'));
    expect(ba.nextOpening(utc('2026-07-05T12:00'))).toEqual(utc('2026-07-06T12:00'));
    expect(ba.closesAt(utc('2026-07-06T13:00'))).toEqual(utc('2026-07-06T21:00'));
  });
});

describe('OfficeHours and describeOpening on any day', () => {
  // Weekdays 08:00-15:00, closed on New Year's Day. Asked at 16:00 local, after the day's closing.
  const office = new OfficeHours(team({ mon: '08:00-15:00', tue: '08:00-15:00', wed: '08:00-15:00', thu: '08:00-15:00', fri: '08:00-15:00' }, ['2027-01-01']), MADRID);

  it.each([
    ['Monday', '2026-11-30T15:00', 'el martes 1 de diciembre a las 08:00'],
    ['Tuesday', '2026-12-01T15:00', 'el miércoles 2 de diciembre a las 08:00'],
    ['Wednesday', '2026-12-02T15:00', 'el jueves 3 de diciembre a las 08:00'],
    ['Thursday', '2026-12-03T15:00', 'el viernes 4 de diciembre a las 08:00'],
    ['Friday', '2026-12-04T15:00', 'el lunes 7 de diciembre a las 08:00'],
    ['Saturday', '2026-12-05T15:00', 'el lunes 7 de diciembre a las 08:00'],
    ['Sunday', '2026-12-06T15:00', 'el lunes 7 de diciembre a las 08:00'],
    ['the Friday before spring-forward', '2026-03-27T15:00', 'el lunes 30 de marzo a las 08:00'], // CET -> CEST
    ['the spring-forward Sunday', '2026-03-29T14:00', 'el lunes 30 de marzo a las 08:00'],
    ['the Friday before fall-back', '2026-10-23T14:00', 'el lunes 26 de octubre a las 08:00'], // CEST -> CET
    ['the fall-back Sunday', '2026-10-25T15:00', 'el lunes 26 de octubre a las 08:00'],
    ["New Year's Eve (a Thursday; New Year's Day a holiday)", '2026-12-31T15:00', 'el lunes 4 de enero a las 08:00'],
    ["New Year's Eve at 23:30 local", '2026-12-31T22:30', 'el lunes 4 de enero a las 08:00'],
  ])('is closed after hours on %s and tells the next opening', (_day, at, text) => {
    expect(office.isOpen(utc(at))).toBe(false);
    expect(describeOpening(office.nextOpening(utc(at))!, 'es', MADRID)).toBe(text);
  });

  it.each([
    ['Monday', '2026-11-30'], ['Tuesday', '2026-12-01'], ['Wednesday', '2026-12-02'], ['Thursday', '2026-12-03'], ['Friday', '2026-12-04'],
    ['the Friday before spring-forward (CET)', '2026-03-27'], ['the Monday after spring-forward (CEST)', '2026-03-30'],
    ['the Monday after fall-back (CET)', '2026-10-26'], ["New Year's Eve", '2026-12-31'],
  ])('opens at 08:00 and closes at 15:00 local on %s', (_day, date) => {
    const opening = office.nextOpening(utc(`${date}T00:00`))!;
    expect(describeOpening(opening, 'es', MADRID)).toMatch(/ a las 08:00$/);
    expect(new Intl.DateTimeFormat('en-CA', { timeZone: MADRID }).format(opening)).toBe(date);
    expect(describeOpening(office.closesAt(opening)!, 'es', MADRID)).toMatch(/ a las 15:00$/);
  });
});

describe('OfficeHours with a country and region holiday calendar (date-holidays)', () => {
  // Weekdays 08:00-15:00, in the Comunitat Valenciana and in Catalonia.
  const hours = { mon: '08:00-15:00', tue: '08:00-15:00', wed: '08:00-15:00', thu: '08:00-15:00', fri: '08:00-15:00' };
  const valencia = new OfficeHours(team(hours, { country: 'ES', region: 'VC', local: ['2026-10-09'], except: ['2026-06-24'] }), MADRID);
  const catalonia = new OfficeHours(team(hours, { country: 'ES', region: 'CT', local: [], except: [] }), MADRID);

  it('closes on a national holiday: Tuesday 8 December 2026 (Immaculate Conception) opens again on Wednesday', () => {
    expect(valencia.isOpen(utc('2026-12-08T09:00'))).toBe(false);
    expect(catalonia.isOpen(utc('2026-12-08T09:00'))).toBe(false);
    expect(valencia.nextOpening(utc('2026-12-08T09:00'))).toEqual(utc('2026-12-09T07:00'));
    expect(valencia.closesAt(utc('2026-12-04T09:00'))).toEqual(utc('2026-12-04T14:00'));
  });

  it('closes on its region\'s holidays only: San José in Valencia, the Diada in Catalonia', () => {
    expect(valencia.isOpen(utc('2026-03-19T09:00'))).toBe(false); // Thursday
    expect(catalonia.isOpen(utc('2026-03-19T09:00'))).toBe(true);
    expect(catalonia.isOpen(utc('2026-09-11T09:00'))).toBe(false); // Friday
    expect(valencia.isOpen(utc('2026-09-11T09:00'))).toBe(true);
  });

  it('follows moveable holidays: Easter Monday 6 April 2026 in Valencia (Good Friday everywhere)', () => {
    expect(valencia.isOpen(utc('2026-04-06T08:00'))).toBe(false);
    expect(valencia.isOpen(utc('2026-04-03T08:00'))).toBe(false);
    expect(valencia.nextOpening(utc('2026-04-02T14:00'))).toEqual(utc('2026-04-07T06:00')); // Tuesday 08:00 CEST
  });

  it('adds the catalog\'s local days: 9 October (Friday), then the national 12 October (Monday)', () => {
    expect(valencia.isOpen(utc('2026-10-09T08:00'))).toBe(false);
    expect(catalonia.isOpen(utc('2026-10-09T08:00'))).toBe(true);
    expect(valencia.nextOpening(utc('2026-10-08T14:00'))).toEqual(utc('2026-10-13T06:00'));
  });

  it('opens on a day the calendar closes when the catalog excepts it (24 June, Sant Joan)', () => {
    expect(valencia.isOpen(utc('2026-06-24T08:00'))).toBe(true);
    expect(catalonia.isOpen(utc('2026-06-24T08:00'))).toBe(false);
  });

  it('is open on an ordinary working day', () => {
    expect(valencia.isOpen(utc('2026-12-09T09:00'))).toBe(true);
    expect(valencia.isOpen(utc('2026-12-09T14:00'))).toBe(false); // 15:00 local
  });

  it('keeps the DST Sundays (not holidays) right: two real hours in March, four in October', () => {
    const sundays = new OfficeHours(team({ sun: '01:00-04:00' }, { country: 'ES', region: 'VC', local: [], except: [] }), MADRID);
    expect(sundays.nextOpening(utc('2026-03-28T12:00'))).toEqual(utc('2026-03-29T00:00')); // 01:00 CET
    expect(sundays.closesAt(utc('2026-03-29T00:30'))).toEqual(utc('2026-03-29T02:00')); // 04:00 CEST
    expect(sundays.nextOpening(utc('2026-10-24T12:00'))).toEqual(utc('2026-10-24T23:00')); // 01:00 CEST
    expect(sundays.closesAt(utc('2026-10-24T23:30'))).toEqual(utc('2026-10-25T03:00')); // 04:00 CET
    // Weekdays either side of the changes: Monday 08:00 at the new offset.
    expect(valencia.nextOpening(utc('2026-03-27T14:00'))).toEqual(utc('2026-03-30T06:00')); // CEST
    expect(valencia.nextOpening(utc('2026-10-23T13:00'))).toEqual(utc('2026-10-26T07:00')); // CET
  });

  it('closes a team without hours only on the calendar\'s days', () => {
    const always = new OfficeHours(team(undefined, { country: 'ES', region: 'VC', local: [], except: [] }), MADRID);
    expect(always.isOpen(utc('2026-12-07T03:00'))).toBe(true);
    expect(always.closesAt(utc('2026-12-07T03:00'))).toEqual(utc('2026-12-07T23:00')); // midnight before the 8th
    expect(always.nextOpening(utc('2026-12-08T12:00'))).toEqual(utc('2026-12-08T23:00'));
  });

  it('uses Argentina\'s moveable national holidays in Buenos Aires (Carnival Monday and Tuesday 2026)', () => {
    const ba = new OfficeHours(team({ mon: '09:00-18:00', tue: '09:00-18:00', wed: '09:00-18:00' }, { country: 'AR', local: [], except: [] }), 'America/Argentina/Buenos_Aires');
    expect(ba.isOpen(utc('2026-02-16T13:00'))).toBe(false);
    expect(ba.nextOpening(utc('2026-02-16T13:00'))).toEqual(utc('2026-02-18T12:00'));
  });

  it('refuses an unknown country or region, naming the team', () => {
    expect(() => new OfficeHours(team(hours, { country: 'XX', local: [], except: [] }), MADRID)).toThrow(/atencion-ciudadana.*unknown country "XX"/);
    expect(() => new OfficeHours(team(hours, { country: 'ES', region: 'ZZ', local: [], except: [] }), MADRID)).toThrow(/atencion-ciudadana.*no region "ZZ".*VC/);
  });
});

describe('OfficeHours validation', () => {
  it.each([
    ['15:00-08:00', /atencion-ciudadana.*mon.*start before it ends/],
    ['08:00-08:00', /atencion-ciudadana.*mon.*start before it ends/],
    ['08:00-14:00,18:00-16:00', /atencion-ciudadana.*mon.*"18:00-16:00"/],
    ['8-15', /atencion-ciudadana.*mon.*not like/],
    ['08:00-24:30', /atencion-ciudadana.*mon.*after 24:00/],
  ])('rejects %s', (hours, message) => {
    expect(() => new OfficeHours(team({ mon: hours }), MADRID)).toThrow(message);
  });

  it('rejects an unknown time zone', () => {
    expect(() => new OfficeHours(team(undefined), 'Europe/Atlantis')).toThrow(RangeError);
  });
});

describe('describeOpening', () => {
  const monday8 = utc('2026-11-30T07:00');

  it.each([
    ['es', 'el lunes 30 de noviembre a las 08:00'],
    ['ca', 'dilluns 30 de novembre a les 08:00'],
    ['en', 'Monday 30 November at 08:00'],
  ] as const)('speaks %s', (locale, text) => {
    expect(describeOpening(monday8, locale, MADRID)).toBe(text);
  });

  it('elides "de" before a vowel in Catalan', () => {
    expect(describeOpening(utc('2026-04-06T07:00'), 'ca', MADRID)).toMatch(/^dilluns 6 d['’]abril a les 09:00$/);
  });

  it('reads the clock in the given zone', () => {
    expect(describeOpening(monday8, 'es', 'America/Argentina/Buenos_Aires')).toBe('el lunes 30 de noviembre a las 04:00');
  });
});

function mondaysOf2026And2027(): string[] {
  const days: string[] = [];
  for (let t = Date.UTC(2026, 0, 5); t < Date.UTC(2028, 0, 1); t += 7 * 86_400_000) days.push(new Date(t).toISOString().slice(0, 10));
  return days;
}
