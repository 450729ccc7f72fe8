import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppointmentsConnector, OpenSlot } from '../../../connectors/appointments/appointments-connector';
import { openDays } from '../../../connectors/appointments/open-days';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import { sqliteTestDatabase, type TestDatabase } from '../../bot/sql/test-databases';
import { MONDAY_EARLY, TUESDAY_SLOTS, testAppointments } from './appointments-catalog';

const office = { code: 'oac-centro', timezone: 'Europe/Madrid' };
const hhmm = (s: OpenSlot) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', hour: '2-digit', minute: '2-digit' }).format(s.start);

describe('openDays', () => {
  let t: TestDatabase;
  let store: SqlAppointments;
  beforeAll(async () => {
    t = await sqliteTestDatabase();
    store = new SqlAppointments(t.db, testAppointments(1), { clock: () => MONDAY_EARLY });
  });
  afterAll(async () => {
    await t?.drop();
  });

  it('offers the first days with a free place, in the office calendar, each with its free times', async () => {
    await store.book({ procedure: 'empadronamiento', office: 'oac-centro', start: TUESDAY_SLOTS[1]!, citizenId: 'a', conversationKey: 'telegram:a', locale: 'es' });
    const days = await openDays(store, { procedure: 'empadronamiento', office, from: new Date(MONDAY_EARLY), horizonDays: 14, limit: 3 });
    // Monday 1, Tuesday 2 (09:30 taken), Thursday 4 (Wednesday 3 is a holiday).
    expect(days.map((d) => d.day)).toEqual(['2027-03-01', '2027-03-02', '2027-03-04']);
    expect(days[1]?.slots.map(hhmm)).toEqual(['09:00', '10:00', '10:30']);
  });

  it('reads week after week up to the horizon, and no further', async () => {
    const reads: Array<[string, string]> = [];
    const counting: AppointmentsConnector = Object.assign(Object.create(store) as SqlAppointments, {
      listSlots: async (q: Parameters<AppointmentsConnector['listSlots']>[0]) => {
        reads.push([q.from.toISOString(), q.to.toISOString()]);
        return store.listSlots(q);
      },
    });
    const days = await openDays(counting, { procedure: 'empadronamiento', office, from: new Date(MONDAY_EARLY), horizonDays: 14, limit: 50 });
    // 1-15 March minus Wednesday 3 (holiday) and the weekends: 10 weekdays; the horizon ends at 16 March 00:00 Madrid.
    expect(days).toHaveLength(10);
    expect(days.at(-1)?.day).toBe('2027-03-15');
    expect(reads).toEqual([
      ['2027-03-01T06:00:00.000Z', '2027-03-08T06:00:00.000Z'],
      ['2027-03-08T06:00:00.000Z', '2027-03-15T06:00:00.000Z'],
      ['2027-03-15T06:00:00.000Z', '2027-03-15T23:00:00.000Z'],
    ]);
  });
});
