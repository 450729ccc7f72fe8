import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { AppointmentsSchema, dayRanges } from '../../catalog/appointments-schema';
import { CatalogSchema } from '../../catalog/schema';

const EXAMPLE = parse(readFileSync(new URL('../fixtures/appointments-catalog.yaml', import.meta.url), 'utf8')).appointments;
const SHIPPED = parse(readFileSync(new URL('../../config/catalog.yaml', import.meta.url), 'utf8'));
const clone = <T>(v: T): T => structuredClone(v);
const issues = (raw: unknown): string[] => {
  const r = AppointmentsSchema.safeParse(raw);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
};

describe('the appointments catalog schema', () => {
  it('accepts the example block and fills its defaults (time zone, holidays)', () => {
    const a = AppointmentsSchema.parse(EXAMPLE);
    expect(a.horizonDays).toBe(30);
    expect(a.offices.map((o) => [o.code, o.timezone, o.placesPerSlot])).toEqual([
      ['oac-centro', 'Europe/Madrid', 3],
      ['oac-norte', 'Europe/Madrid', 2],
    ]);
    expect(a.offices[1]?.holidays).toEqual({ country: 'ES', region: 'VC', local: ['2027-01-22'], except: [] });
    expect(a.procedures.map((p) => [p.code, p.offices, p.slotMinutes])).toEqual([
      ['empadronamiento', ['oac-centro', 'oac-norte'], 15],
      ['registro', ['oac-centro'], 10],
    ]);
  });

  it('is an optional key of the city catalog: the shipped catalog validates with and without it', () => {
    // The example city ships the block (config/catalog.yaml); a city without appointments leaves it out.
    expect(CatalogSchema.parse(SHIPPED).appointments?.procedures.map((p) => p.code)).toEqual(['empadronamiento', 'registro']);
    const { appointments: _unused, ...without } = clone(SHIPPED) as Record<string, unknown>;
    expect(CatalogSchema.parse(without).appointments).toBeUndefined();
    expect(CatalogSchema.parse({ ...without, appointments: EXAMPLE }).appointments?.offices).toHaveLength(2);
  });

  it('reads a day of one or more ranges, and refuses reversed, overlapping or malformed ones', () => {
    expect(dayRanges('09:00-14:00,16:00-18:30')).toEqual([[540, 840], [960, 1110]]);
    expect(dayRanges('16:00-24:00, 08:00-09:00')).toEqual([[480, 540], [960, 1440]]);
    for (const bad of ['14:00-09:00', '09:00-09:00', '09:00-14:00,13:00-15:00', '9:00-14:00', '09:00-24:30', '']) {
      expect(dayRanges(bad), bad).toBeUndefined();
    }
    const raw = clone(EXAMPLE);
    raw.offices[0].hours.mon = '14:00-09:00';
    expect(issues(raw)).toEqual([expect.stringMatching(/^offices\.0\.hours\.mon: hours like/)]);
  });

  it('names an unknown office, a duplicate code, a bad time zone and an unknown holiday region', () => {
    const raw = clone(EXAMPLE);
    raw.procedures[1].offices = ['oac-sur'];
    raw.procedures[1].code = 'empadronamiento';
    raw.offices[1].timezone = 'Europe/Nowhere';
    raw.offices[0].holidays.region = 'XX';
    expect(issues(raw).sort()).toEqual([
      expect.stringMatching(/^offices\.0\.holidays\.region: country ES has no region "XX"/),
      'offices.1.timezone: an IANA time zone like Europe/Madrid',
      'procedures.1.code: duplicate procedure "empadronamiento"',
      'procedures.1.offices.0: unknown office "oac-sur"',
    ]);
  });

  it('refuses a region without its country, zero places and slots shorter than five minutes', () => {
    const raw = clone(EXAMPLE);
    raw.offices[0].holidays = { region: 'VC' };
    raw.offices[1].placesPerSlot = 0;
    raw.procedures[0].slotMinutes = 2;
    expect(issues(raw).map((i) => i.split(':')[0]).sort()).toEqual(['offices.0.holidays.region', 'offices.1.placesPerSlot', 'procedures.0.slotMinutes']);
  });
});
