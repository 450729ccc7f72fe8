/**
 * CPU per transcript line moved to SQLite (HistoryStore.recordMessages, as the transcript outbox does):
 * 100 batches of 100–300 lines over 200 conversations. `npx tsx bench/history-insert.ts`
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../bot/sql/database';
import { HistoryStore, type TranscriptEntry } from '../bot/sql/history-store';
void (async () => {
  const db = await openDatabase({ sqlitePath: join(mkdtempSync(join(tmpdir(), 'h-')), 'b.sqlite') });
  const store = new HistoryStore(db);
  await db.kysely.insertInto('citizens').values(Array.from({ length: 200 }, (_, i) => ({ id: `z${i}`, created_at: new Date().toISOString() }))).execute();
  let n = 0;
  const batch = (size: number): TranscriptEntry[] => Array.from({ length: size }, () => { n++; return { channel: 'webchat', conversationId: `c${n % 200}`, citizenId: `z${n % 200}`, direction: n % 2 ? 'in' : 'out', activityId: `a${n}`, text: 'Hay una farola apagada en la calle Colón 12 desde hace una semana', at: new Date(1_790_000_000_000 + n) } as TranscriptEntry; });
  for (let i = 0; i < 20; i++) await store.recordMessages(batch(150 + (i % 7) * 13));
  const sizes = Array.from({ length: 100 }, (_, i) => 100 + ((i * 37) % 200));
  const rows = sizes.reduce((a, b) => a + b, 0);
  const before = process.cpuUsage();
  for (const s of sizes) await store.recordMessages(batch(s));
  const used = process.cpuUsage(before);
  console.log('µs per line', ((used.user + used.system) / rows).toFixed(2));
  await db.close();
})();
