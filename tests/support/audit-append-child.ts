import { AuditLog } from '../../bot/sql/audit-log';
import { openDatabase } from '../../bot/sql/database';

/*
 * A process that appends to an audit log, for tests of appends from several processes at once.
 * argv: <sqlite path | postgres url> <schema | -> <count> <label>. Starts all its appends at once, exits 0
 * when every one was written.
 */
const [target, schema, count, label] = process.argv.slice(2) as [string, string, string, string];
const db = target.startsWith('postgres')
  ? await openDatabase({ databaseUrl: target, sqlitePath: ':memory:', schema, poolSize: 5 })
  : await openDatabase({ sqlitePath: target, busyTimeoutMs: 30_000 });
const audit = new AuditLog(db);
await Promise.all(Array.from({ length: Number(count) }, (_, i) => audit.record({ actor: { id: label, role: 'agent' }, action: 'transcript.open', handoffId: `${label}-${i}` })));
await db.close();
