import { AppError } from '../../bot/errors';
import { openDatabase } from '../../bot/sql/database';
import { SqlAppointments } from '../../connectors/appointments/sql-appointments';
import { MONDAY_EARLY, testAppointments } from '../connectors/appointments/appointments-catalog';

/*
 * A process that tries to book appointments, for tests of booking from several processes at once.
 * argv: <sqlite path | postgres url> <schema | -> <count> <label> <slot starts, comma-separated ISO>.
 * Starts all its attempts at once (attempt i asks for slot i mod the number of slots) and prints
 * {"booked": n, "codes": {"E_SLOT_FULL": m, …}} on stdout.
 */
const [target, schema, count, label, starts] = process.argv.slice(2) as [string, string, string, string, string];
const db = target.startsWith('postgres')
  ? await openDatabase({ databaseUrl: target, sqlitePath: ':memory:', schema, poolSize: 5 })
  : await openDatabase({ sqlitePath: target, busyTimeoutMs: 30_000 });
const store = new SqlAppointments(db, testAppointments(), { clock: () => MONDAY_EARLY });
const slots = starts.split(',').map((s) => new Date(s));
const results = await Promise.allSettled(
  Array.from({ length: Number(count) }, (_, i) =>
    store.book({ procedure: 'empadronamiento', office: 'oac-centro', start: slots[i % slots.length]!, citizenId: `${label}-${i}`, conversationKey: `webchat:${label}-${i}`, locale: 'es' }),
  ),
);
const codes: Record<string, number> = {};
for (const r of results) {
  if (r.status === 'rejected') {
    const code = r.reason instanceof AppError ? r.reason.code : String(r.reason);
    codes[code] = (codes[code] ?? 0) + 1;
  }
}
process.stdout.write(JSON.stringify({ booked: results.filter((r) => r.status === 'fulfilled').length, codes }));
await db.close();
