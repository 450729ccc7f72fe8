import { loadConfig } from './config';
import { describeErrorChain } from './error-chain';
import { openDatabase } from './sql/database';

/*
 * `npm run migrate`: brings the bot's database (DATABASE_URL and DATABASE_SCHEMA, else the SQLite file
 * SQLITE_PATH) to the latest schema, prints what it did and exits; 1 with the cause when it cannot.
 * Every start of the bot does the same, so this is for running the migrations on their own before a rollout.
 * With nothing pending it only reads: it takes no lock (SQLite's is the one write lock of the file), so it
 * can run beside a busy bot (see migrateToLatest).
 */
try {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.SQLITE_PATH, schema: config.DATABASE_SCHEMA });
  await db.close();
  const where = config.DATABASE_URL ? `PostgreSQL${config.DATABASE_SCHEMA ? ` schema ${config.DATABASE_SCHEMA}` : ''}` : `SQLite ${config.SQLITE_PATH}`;
  process.stdout.write(db.migrationsRun.length > 0
    ? `${where}: ran ${db.migrationsRun.length} migration(s): ${db.migrationsRun.join(', ')}\n`
    : `${where}: up to date, nothing to run\n`);
} catch (err) {
  process.stderr.write(`${describeErrorChain(err)}\n`);
  process.exitCode = 1;
}
