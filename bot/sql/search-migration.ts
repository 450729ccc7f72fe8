import { sql, type Kysely, type Migration, type RawBuilder } from 'kysely';
import type { SqlDialect } from './migrations';

/*
 * Full-text search over transcripts and citizens' names (issue 15 part 1), one index per dialect.
 *
 * Text is Spanish, Catalan and English, often mixed in one conversation, and a message carries no
 * language of its own: a stemmer for one language would mangle the other two ("farolas" → "farol" in
 * Spanish, Catalan "fanals" untouched). So both dialects index whole words, accents folded, no stemming
 * and no stop words, and search matches the last word typed as a prefix ("farol" finds "farolas"):
 * - SQLite: FTS5 with the unicode61 tokenizer and `remove_diacritics 2` (folds à, ç, ñ, ü… and case);
 * - PostgreSQL: the built-in `simple` configuration over the text with accents translated away
 *   (FOLD_FROM → FOLD_TO). The `unaccent` extension would do the same, but it needs CREATE EXTENSION
 *   (a superuser on most managed databases) and is not IMMUTABLE, so it cannot sit in an index
 *   expression without a wrapper function; translate() is built in and immutable.
 *   Separators the `simple` parser keeps inside a token (e-mail, file path, hyphenated word, Catalan
 *   l·l) become spaces too, so words split where FTS5's unicode61 splits them.
 *
 * PostgreSQL keeps the folded tsvector in a generated column `search_vector` (messages, citizens) with a
 * GIN index on it; it is not in schema-types.ts because the app never reads it, only searches on it.
 * Read this before changing: a query's tsquery must be folded as the column is (`foldedTsquery`). A
 * shipped migration never changes: a new folding needs a new migration and new columns.
 */

/** Characters translated away before indexing (PostgreSQL), and what each becomes (same position). */
export const FOLD_FROM = 'áàâäãåéèêëíìîïóòôöõúùûüýÿçñÁÀÂÄÃÅÉÈÊËÍÌÎÏÓÒÔÖÕÚÙÛÜÝÇÑ·@/-_.';
export const FOLD_TO = 'aaaaaaeeeeiiiiooooouuuuyycnaaaaaaeeeeiiiiooooouuuuycn      ';

/** The indexed expression of a text column on PostgreSQL: `to_tsvector('simple', translate(col, …))`. */
export function foldedTsvector(column: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`to_tsvector('simple'::regconfig, translate(${column}, ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)}))`;
}

/** The same folding for a query string on PostgreSQL (the lexemes of a tsquery must be folded like the index). */
export function foldedTsquery(query: string): RawBuilder<unknown> {
  return sql`to_tsquery('simple'::regconfig, translate(${query}, ${sql.lit(FOLD_FROM)}, ${sql.lit(FOLD_TO)}))`;
}

/** The migration that creates the search indexes (and fills them from the rows already there). */
export function searchMigration(dialect: SqlDialect): Migration {
  return { up: (db) => (dialect === 'sqlite' ? upSqlite(db) : upPostgres(db)) };
}

/**
 * The tsvector is a stored generated column, not only an index expression: a query ordered by message
 * id walks the newest lines and tests each against the query, and recomputing to_tsvector there cost
 * ~20 µs a line (a common word took 0.4-2.5 s over 1M lines in bench/search.ts). Stored, the test is a
 * comparison. Adding the column rewrites the table once.
 */
async function upPostgres(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of [['messages', 'text'], ['citizens', 'display_name']] as const) {
    await sql`alter table ${sql.table(table)} add column search_vector tsvector generated always as (${foldedTsvector(sql.ref(column))}) stored`.execute(db);
    await sql`create index ${sql.raw(`${table}_search`)} on ${sql.table(table)} using gin (search_vector)`.execute(db);
  }
}

/**
 * messages_fts reads its text from `messages` (external content: the text is stored once), keyed by
 * the message id, which is an INTEGER PRIMARY KEY and so never renumbered. Citizens' ids are text, and
 * an implicit rowid may change on VACUUM, so citizens_fts keeps its own copy of the (short) names.
 */
async function upSqlite(db: Kysely<unknown>): Promise<void> {
  const statements = [
    `create virtual table messages_fts using fts5(text, content='messages', content_rowid='id', tokenize='unicode61 remove_diacritics 2')`,
    `create trigger messages_fts_insert after insert on messages begin
       insert into messages_fts(rowid, text) values (new.id, new.text); end`,
    `create trigger messages_fts_delete after delete on messages begin
       insert into messages_fts(messages_fts, rowid, text) values ('delete', old.id, old.text); end`,
    `create trigger messages_fts_update after update of text on messages begin
       insert into messages_fts(messages_fts, rowid, text) values ('delete', old.id, old.text);
       insert into messages_fts(rowid, text) values (new.id, new.text); end`,
    `insert into messages_fts(messages_fts) values ('rebuild')`,
    `create virtual table citizens_fts using fts5(citizen_id unindexed, display_name, tokenize='unicode61 remove_diacritics 2')`,
    `create trigger citizens_fts_insert after insert on citizens when new.display_name is not null begin
       insert into citizens_fts(citizen_id, display_name) values (new.id, new.display_name); end`,
    `create trigger citizens_fts_delete after delete on citizens begin
       delete from citizens_fts where citizen_id = old.id; end`,
    `create trigger citizens_fts_update after update of display_name on citizens begin
       delete from citizens_fts where citizen_id = old.id;
       insert into citizens_fts(citizen_id, display_name) select new.id, new.display_name where new.display_name is not null; end`,
    `insert into citizens_fts(citizen_id, display_name) select id, display_name from citizens where display_name is not null`,
  ];
  for (const statement of statements) await sql.raw(statement).execute(db);
}
