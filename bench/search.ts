/**
 * Search latency over 1,000,000 transcript lines (issue 15 part 1 target: p99 < 200 ms on both databases).
 * `npm run bench:search` (BENCH_SEARCH_LINES=… for another size, BENCH_SEARCH_ONLY=sqlite|postgres for one
 * database, TEST_DATABASE_URL for another PostgreSQL, BENCH_SEARCH_KEEP=1 to keep its schema).
 *
 * Generated text only (Spanish, Catalan and English sentences from templates, with made-up street and
 * people's names), never real citizens' data: 50 lines per conversation, a citizen per conversation,
 * a fifth of the conversations handed off to one of four teams. Loaded into a temporary SQLite file and
 * into a PostgreSQL schema of its own (dropped at the end), through the migrations the bot runs, then
 * the same few hundred searches (common and rare words, two words, prefixes, accents, phone numbers,
 * ticket references; as a supervisor and as an agent of one team) go through SearchStore on each.
 * Prints p50/p99 per database and per kind of search; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { openDatabase, type Db } from '../bot/sql/database';
import { SearchStore, type SearchScope } from '../bot/sql/search-store';

const LINES = Number(process.env.BENCH_SEARCH_LINES ?? 1_000_000);
const PER_CONVERSATION = 50;
const CONVERSATIONS = Math.ceil(LINES / PER_CONVERSATION);
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** `sqlite` or `postgres` to run one database only. */
const ONLY = process.env.BENCH_SEARCH_ONLY;
const TEAMS = ['aguas', 'alumbrado', 'limpieza', 'atencion-ciudadana'];

/** A small deterministic PRNG (mulberry32), so every run loads the same text. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
let rand = prng(15);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
/** Each loader starts from the same seed, so both databases hold the same text. */
const reseed = () => void (rand = prng(16));

const THINGS = {
  es: ['la farola', 'el contenedor', 'un bache', 'una fuga de agua', 'el semáforo', 'un árbol caído', 'la papelera', 'el banco del parque', 'la alcantarilla', 'un coche abandonado'],
  ca: ['el fanal', 'el contenidor', 'un sot', 'una fuita d\'aigua', 'el semàfor', 'un arbre caigut', 'la paperera', 'el banc del parc', 'la claveguera', 'un cotxe abandonat'],
  en: ['the street light', 'the bin', 'a pothole', 'a water leak', 'the traffic light', 'a fallen tree', 'the litter bin', 'the park bench', 'the drain', 'an abandoned car'],
};
const PROBLEMS = {
  es: ['está roto', 'no funciona desde ayer', 'huele fatal', 'lleva semanas así', 'está lleno', 'hace mucho ruido por la noche'],
  ca: ['està trencat', 'no funciona des d\'ahir', 'fa molta pudor', 'fa setmanes que està així', 'està ple', 'fa molt de soroll a la nit'],
  en: ['is broken', 'has not worked since yesterday', 'smells awful', 'has been like this for weeks', 'is full', 'makes a lot of noise at night'],
};
const STREETS = { es: 'en la calle', ca: 'al carrer', en: 'on' } as const;
const REPLIES = {
  es: ['Gracias, ¿me indica la dirección exacta?', '¿Puede enviar una foto?', 'He registrado su incidencia con la referencia', 'Un agente le atenderá en breve'],
  ca: ['Gràcies, em pot indicar l\'adreça exacta?', 'Pot enviar una foto?', 'He registrat la seva incidència amb la referència', 'Un agent l\'atendrà aviat'],
  en: ['Thanks, could you tell me the exact address?', 'Could you send a photo?', 'I have filed your report with reference', 'An agent will be with you shortly'],
};
const SYLLABLES = ['ba', 'ce', 'di', 'fo', 'gu', 'la', 'me', 'ni', 'po', 'ra', 'se', 'ti', 'vo', 'xa', 'ya', 'zu', 'cor', 'mar', 'ser', 'tal', 'ven', 'ñe', 'çà', 'lló'];
/** Made-up names (streets, people): a large vocabulary of rare words, as real transcripts have. */
const names = Array.from({ length: 20_000 }, () => {
  const n = 2 + Math.floor(rand() * 3);
  const w = Array.from({ length: n }, () => pick(SYLLABLES)).join('');
  return w[0]!.toUpperCase() + w.slice(1);
});

function line(lang: keyof typeof THINGS, i: number): string {
  if (i % 2 === 1) return `${pick(REPLIES[lang])} ${i % 10 === 1 ? `ALU-2026-${String(Math.floor(rand() * 999_999)).padStart(6, '0')}` : ''}`.trim();
  return `${pick(THINGS[lang])} ${pick(PROBLEMS[lang])} ${STREETS[lang]} ${pick(names)} ${1 + Math.floor(rand() * 120)}`;
}

interface Row { id: number; conv: string; citizen: string; text: string; dir: 'in' | 'out'; at: string }
function* rows(): Generator<Row> {
  const t0 = Date.UTC(2026, 0, 1);
  let id = 0;
  for (let c = 0; c < CONVERSATIONS; c++) {
    const lang = pick(['es', 'es', 'ca', 'en'] as const);
    for (let i = 0; i < PER_CONVERSATION && id < LINES; i++) {
      id++;
      yield { id, conv: `webchat:c${c}`, citizen: `z${c}`, text: line(lang, i), dir: i % 2 ? 'out' : 'in', at: new Date(t0 + id * 1_000).toISOString() };
    }
  }
}
const citizenName = () => `${pick(names)} ${pick(names)}`;
const phoneOf = (c: number) => `346${String(10_000_000 + c).padStart(8, '0')}`;
const teamOf = (c: number) => (c % 5 === 0 ? TEAMS[(c / 5) % TEAMS.length] : undefined);

async function loadSqlite(file: string): Promise<void> {
  reseed();
  const db = new SQLite(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  const citizen = db.prepare('insert into citizens (id, display_name, created_at) values (?, ?, ?)');
  const identity = db.prepare('insert into channel_identities (channel, channel_user_id, citizen_id, created_at) values (?, ?, ?, ?)');
  const conversation = db.prepare('insert into conversations (id, channel, channel_conversation_id, citizen_id, started_at, last_activity_at) values (?, ?, ?, ?, ?, ?)');
  const handoff = db.prepare(`insert into handoffs (id, conversation_id, channel, channel_conversation_id, user_id, citizen_id, team, priority, reason, summary, locale, status, created_at, queued_at)
    values (?, ?, 'webchat', ?, ?, ?, ?, 5, 'asked', '{}', 'es', 'closed', ?, ?)`);
  const message = db.prepare('insert into messages (id, conversation_id, direction, activity_id, text, created_at) values (?, ?, ?, ?, ?, ?)');
  const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
  db.transaction(() => {
    for (let c = 0; c < CONVERSATIONS; c++) {
      citizen.run(`z${c}`, citizenName(), at);
      identity.run('whatsapp', phoneOf(c), `z${c}`, at);
      conversation.run(`webchat:c${c}`, 'webchat', `c${c}`, `z${c}`, at, at);
      const team = teamOf(c);
      if (team) handoff.run(`h${c}`, `webchat:c${c}`, `c${c}`, `u${c}`, `z${c}`, team, at, at);
    }
  })();
  let batch: Row[] = [];
  const flush = db.transaction((b: Row[]) => { for (const r of b) message.run(r.id, r.conv, r.dir, `a${r.id}`, r.text, r.at); });
  for (const r of rows()) {
    batch.push(r);
    if (batch.length === 50_000) { flush(batch); batch = []; }
  }
  flush(batch);
  db.close();
}

/** Multi-row INSERTs of 1,000 rows (pg-copy-streams is not installed); the GIN index is built after the load. */
async function loadPostgres(schema: string): Promise<void> {
  reseed();
  const client = new pg.Client({ connectionString: PG_URL, options: `-c search_path=${schema}` });
  await client.connect();
  try {
    const def = (await client.query<{ indexdef: string }>(`select indexdef from pg_indexes where schemaname = $1 and indexname = 'messages_search'`, [schema])).rows[0]!.indexdef;
    await client.query('drop index messages_search');
    const at = new Date(Date.UTC(2026, 0, 1)).toISOString();
    const insert = async (sqlHead: string, width: number, values: unknown[][]) => {
      for (let i = 0; i < values.length; i += 1_000) {
        const chunk = values.slice(i, i + 1_000);
        const params = chunk.flat();
        const tuples = chunk.map((_, r) => `(${Array.from({ length: width }, (_, k) => `$${r * width + k + 1}`).join(',')})`);
        await client.query(`${sqlHead} values ${tuples.join(',')}`, params);
      }
    };
    const cs = Array.from({ length: CONVERSATIONS }, (_, c) => c);
    await client.query('begin');
    await insert('insert into citizens (id, display_name, created_at)', 3, cs.map((c) => [`z${c}`, citizenName(), at]));
    await insert('insert into channel_identities (channel, channel_user_id, citizen_id, created_at)', 4, cs.map((c) => ['whatsapp', phoneOf(c), `z${c}`, at]));
    await insert('insert into conversations (id, channel, channel_conversation_id, citizen_id, started_at, last_activity_at)', 6, cs.map((c) => [`webchat:c${c}`, 'webchat', `c${c}`, `z${c}`, at, at]));
    await insert(`insert into handoffs (id, conversation_id, channel, channel_conversation_id, user_id, citizen_id, team, priority, reason, summary, locale, status, created_at, queued_at)`, 14,
      cs.filter((c) => teamOf(c)).map((c) => [`h${c}`, `webchat:c${c}`, 'webchat', `c${c}`, `u${c}`, `z${c}`, teamOf(c), 5, 'asked', '{}', 'es', 'closed', at, at]));
    let batch: unknown[][] = [];
    const head = 'insert into messages (id, conversation_id, direction, activity_id, text, created_at)';
    for (const r of rows()) {
      batch.push([r.id, r.conv, r.dir, `a${r.id}`, r.text, r.at]);
      if (batch.length === 50_000) { await insert(head, 6, batch); batch = []; }
    }
    await insert(head, 6, batch);
    await client.query('commit');
    await client.query(`set maintenance_work_mem = '256MB'`);
    await client.query(def);
    await client.query('analyze');
  } finally {
    await client.end();
  }
}

/** The searches, the same on both databases: [kind, query, scope]. */
function searches(): Array<[string, string, SearchScope]> {
  const q = prng(99);
  const p = <T>(xs: readonly T[]): T => xs[Math.floor(q() * xs.length)]!;
  const all: SearchScope = { kind: 'all' };
  const agent = (team: string): SearchScope => ({ kind: 'agent', agentId: 'nobody', teams: [team], services: [] });
  const out: Array<[string, string, SearchScope]> = [];
  for (let i = 0; i < 40; i++) {
    out.push(['common word', p(['farola', 'contenidor', 'pothole', 'semáforo', 'fuita', 'bench', 'paperera', 'alcantarilla']), all]);
    out.push(['rare name', p(names), all]);
    out.push(['two words', `${p(['farola', 'fanal', 'bin', 'bache'])} ${p(names)}`, all]);
    out.push(['prefix', p(names).slice(0, 4), all]);
    out.push(['no accents', p(['semaforo', 'arbol caido', 'carrer', 'gracies', 'incidencia']), all]);
    out.push(['agent, common word', p(['farola', 'contenedor', 'leak', 'fuita']), agent(p(TEAMS))]);
    out.push(['agent, rare name', p(names), agent(p(TEAMS))]);
    out.push(['phone', `+34 6${String(10_000_000 + Math.floor(q() * CONVERSATIONS)).padStart(8, '0').slice(0, 8)}`, all]);
    out.push(['reference', `ALU-2026-${String(Math.floor(q() * 999_999)).padStart(6, '0')}`, all]);
  }
  return out;
}

async function measure(label: string, db: Db): Promise<void> {
  const store = new SearchStore(db);
  const list = searches();
  for (const [, text, scope] of list.slice(0, 20)) await store.search(text, { scope }); // warm caches
  const times = new Map<string, number[]>();
  const every: number[] = [];
  let found = 0;
  for (const [kind, text, scope] of list) {
    const t0 = performance.now();
    const r = await store.search(text, { scope });
    const ms = performance.now() - t0;
    if (r.conversations.length + r.citizens.length + r.tickets.length > 0) found++;
    every.push(ms);
    times.set(kind, [...(times.get(kind) ?? []), ms]);
  }
  console.log(`\n${label}: ${list.length} searches (${found} with results) over ${LINES.toLocaleString('en')} lines — p50 ${pct(every, 50)} ms, p99 ${pct(every, 99)} ms, max ${pct(every, 100)} ms`);
  for (const [kind, ms] of times) console.log(`  ${kind.padEnd(20)} p50 ${pct(ms, 50).padStart(7)} ms  p99 ${pct(ms, 99).padStart(7)} ms`);
}

function pct(xs: number[], p: number): string {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!.toFixed(1);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-search-'));
  const schema = `bench_search_${process.pid}`;
  try {
    if (ONLY !== 'postgres') {
      const file = join(dir, 'search.sqlite');
      await (await openDatabase({ sqlitePath: file })).close();
      const t0 = performance.now();
      await loadSqlite(file);
      console.log(`SQLite: ${LINES.toLocaleString('en')} lines loaded (FTS5 kept by its triggers) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const sqlite = await openDatabase({ sqlitePath: file });
      await measure('SQLite (FTS5)', sqlite);
      await sqlite.close();
    }
    if (ONLY !== 'sqlite') {
      await (await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema })).close();
      const t0 = performance.now();
      await loadPostgres(schema);
      console.log(`\nPostgreSQL: ${LINES.toLocaleString('en')} lines loaded and GIN index built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
      const postgres = await openDatabase({ databaseUrl: PG_URL, sqlitePath: ':memory:', schema });
      await measure('PostgreSQL (GIN, tsvector)', postgres);
      await postgres.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    // BENCH_SEARCH_KEEP=1 leaves the PostgreSQL schema to look at query plans (drop it by hand).
    if (process.env.BENCH_SEARCH_KEEP === '1') return console.log(`kept schema ${schema}`);
    const client = new pg.Client({ connectionString: PG_URL });
    await client.connect();
    await client.query(`drop schema if exists "${schema}" cascade`);
    await client.end();
  }
}

void main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
