import pino from 'pino';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../catalog/load-catalog';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import type { OutboundItem } from '../../queues/outbound';
import { AppointmentReminders } from '../../queues/appointment-reminders';
import { sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';
import { redisClient } from '../support/redis';

/*
 * The reminder the day before (issue 16 part 1), one run at a time on the shipped offices, the built-in
 * store in SQLite and the clock pinned: appointments starting within 24 hours are reminded once, on the
 * conversation they were booked from, with the calendar file; two runs at once remind each once; a
 * reminder that cannot be queued is given back and goes with the next run; later ones wait.
 */

const plan = loadCatalog('config/catalog.yaml').appointments!;
const MONDAY_8 = Date.parse('2027-03-01T07:00:00.000Z'); // Monday 08:00 in Madrid
let test: TestDatabase;
let now: number;
let store: SqlAppointments;
let pushed: Array<{ key: string; item: OutboundItem; dedupeId?: string }>;
let failPush: boolean;
const redis = redisClient();

function job(): AppointmentReminders {
  return new AppointmentReminders(redis, `test-reminders-${Math.random()}`, {
    store, plan, clock: () => now, log: pino({ level: 'silent' }),
    outbound: { push: async (key, item, dedupeId) => {
      if (failPush) throw new Error('Redis is restarting');
      pushed.push({ key, item, ...(dedupeId ? { dedupeId } : {}) });
      return true;
    } },
    calendarFile: async (a) => ({ contentType: 'text/calendar', name: `${a.reference}.ics`, contentUrl: `https://bot.example/media/${a.reference}.ics` }),
  });
}
const book = (start: string, conversation: string, locale: 'es' | 'ca' = 'es') =>
  store.book({ procedure: 'empadronamiento', office: 'oac-centro', start: new Date(start), citizenId: `citizen-${conversation}`, conversationKey: `telegram:${conversation}`, locale });

beforeEach(async () => {
  test = await sqliteTestDatabase();
  now = MONDAY_8;
  store = new SqlAppointments(test.db, plan, { clock: () => now });
  pushed = [];
  failPush = false;
});
afterEach(async () => {
  await test.drop();
});
afterAll(async () => {
  await redis.quit();
});

describe('appointment reminders', () => {
  it('reminds appointments within 24 hours once, on their conversation, with the calendar file', async () => {
    const tomorrow = await book('2027-03-02T08:00:00.000Z', '111', 'ca'); // Tuesday 09:00: 25 h away
    const today = await book('2027-03-01T12:00:00.000Z', '222'); // Monday 13:00
    const reminders = job();
    expect(await reminders.runOnce()).toBe(1);
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.key).toBe('telegram:222');
    expect(pushed[0]!.dedupeId).toBe(`r-${today.id}-0`);
    expect(pushed[0]!.item.activities[0]!.text).toBe(`Recordatorio: tienes cita para Empadronamiento el lunes, 1 de marzo, 13:00 en Oficina de Atención Ciudadana — Centro (Plaza del Ayuntamiento 1). Tu número de cita es **${today.reference}**. Si no puedes ir, escribe «anular cita ${today.reference}».`);
    expect(pushed[0]!.item.activities[0]!.attachments).toEqual([{ contentType: 'text/calendar', name: `${today.reference}.ics`, contentUrl: `https://bot.example/media/${today.reference}.ics` }]);
    expect(await reminders.runOnce()).toBe(0);

    now = MONDAY_8 + 2 * 3_600_000; // 10:00: Tuesday 09:00 is now within 24 hours
    expect(await reminders.runOnce()).toBe(1);
    expect(pushed[1]!.key).toBe('telegram:111');
    expect(pushed[1]!.item.activities[0]!.text).toMatch(/^Recordatori: tens cita per a Empadronament el dimarts, 2 de març, 09:00/);
    expect(pushed[1]!.dedupeId).toBe(`r-${tomorrow.id}-0`);
    await reminders.close();
  });

  it('two runs at once remind each appointment once', async () => {
    for (let i = 0; i < 5; i++) await book(`2027-03-01T${String(8 + i).padStart(2, '0')}:00:00.000Z`, `c${i}`);
    const [a, b] = [job(), job()];
    const counts = await Promise.all([a.runOnce(), b.runOnce()]);
    expect(counts[0]! + counts[1]!).toBe(5);
    expect(new Set(pushed.map((p) => p.key)).size).toBe(5);
    await Promise.all([a.close(), b.close()]);
  });

  it('gives back a reminder that could not be queued, and sends it with the next run', async () => {
    await book('2027-03-01T12:00:00.000Z', '333');
    const reminders = job();
    failPush = true;
    expect(await reminders.runOnce()).toBe(0);
    failPush = false;
    expect(await reminders.runOnce()).toBe(1);
    expect(pushed.map((p) => p.key)).toEqual(['telegram:333']);
    await reminders.close();
  });
});
