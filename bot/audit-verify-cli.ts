import { loadConfig } from './config';
import { describeErrorChain } from './error-chain';
import { AuditLog } from './sql/audit-log';
import { openDatabase } from './sql/database';

/*
 * `npm run audit:verify`: walks the audit log's hash chain (bot/sql/audit-chain.ts) in the bot's database
 * (DATABASE_URL and DATABASE_SCHEMA, else SQLITE_PATH) and recomputes every hash.
 * Exits 0 printing the number of entries and the head hash when the chain is intact; 2 naming the first
 * entry that does not follow when an entry was altered, deleted, inserted or moved; 1 when it cannot read
 * the log. Keep the printed head hash somewhere else (a ticket, a signed mail): an intact chain whose
 * newest entries were cut off still verifies, and only an older head shows it.
 */
try {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH, schema: config.DATABASE_SCHEMA });
  try {
    const result = await new AuditLog(db).verify();
    if (result.ok) {
      process.stdout.write(`audit log intact: ${result.count} entr${result.count === 1 ? 'y' : 'ies'}, head ${result.head}\n`);
    } else {
      process.stderr.write(`audit log broken at entry ${result.brokenAt}: ${result.reason} (${result.count} entries before it verify)\n`);
      process.exitCode = 2;
    }
  } finally {
    await db.close();
  }
} catch (err) {
  process.stderr.write(`${describeErrorChain(err)}\n`);
  process.exitCode = 1;
}
