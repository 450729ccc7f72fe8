import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Redis } from 'ioredis';
import { sql } from 'kysely';
import type { Db } from '../../bot/sql/database';

/*
 * Where a marker string the citizen wrote is still to be found after an erasure: every row of every
 * table in SQL (read whole, text and binary columns alike), every key under a Redis prefix (its name and
 * every value of whatever type), every file of a folder. Case-insensitive: full-text indexes lowercase.
 */

const has = (value: unknown, marker: string): boolean => {
  if (value === null || value === undefined) return false;
  const text = Buffer.isBuffer(value) ? value.toString('utf8') : typeof value === 'string' ? value : JSON.stringify(value);
  return text.toLowerCase().includes(marker.toLowerCase());
};

/** `table(column)` or `table` for every place in SQL that holds `marker`. */
export async function sqlTraces(db: Db, marker: string): Promise<string[]> {
  const found: string[] = [];
  if (db.dialect === 'sqlite') {
    const tables = await sql<{ name: string }>`select name from sqlite_master where type = 'table'`.execute(db.kysely);
    for (const { name } of tables.rows) {
      const rows = await sql<Record<string, unknown>>`select * from ${sql.table(name)}`.execute(db.kysely);
      for (const row of rows.rows) for (const [column, value] of Object.entries(row)) if (has(value, marker)) found.push(`${name}(${column})`);
    }
  } else {
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE'`.execute(db.kysely);
    for (const { table_name } of tables.rows) {
      // The whole row as text: every column, the generated tsvector included.
      const rows = await sql<{ row: string }>`select t::text as row from ${sql.table(table_name)} t`.execute(db.kysely);
      for (const { row } of rows.rows) if (has(row, marker)) found.push(table_name);
    }
  }
  return [...new Set(found)];
}

/** Keys under `prefix` whose name or any value holds `marker`. */
export async function redisTraces(redis: Redis, prefix: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const values: unknown[] = [key];
      if (type === 'string') values.push(await redis.getBuffer(key));
      else if (type === 'hash') values.push(...Object.entries(await redis.hgetall(key)).flat());
      else if (type === 'list') values.push(...(await redis.lrange(key, 0, -1)));
      else if (type === 'set') values.push(...(await redis.smembers(key)));
      else if (type === 'zset') values.push(...(await redis.zrange(key, '0', '-1')));
      else if (type === 'stream') values.push(...(await redis.xrange(key, '-', '+')).flatMap(([, fields]) => fields));
      else if (type !== 'none') values.push(`unread type ${type}`);
      if (values.some((v) => has(v, marker))) found.push(`${key} (${type})`);
    }
  } while (cursor !== '0');
  return found;
}

/** Files under `dir` (recursively) that hold `marker`. */
export async function fileTraces(dir: string, marker: string): Promise<string[]> {
  const found: string[] = [];
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return found;
  }
  for (const name of names) {
    const file = path.join(dir, name);
    if ((await stat(file)).isDirectory()) found.push(...(await fileTraces(file, marker)));
    else if (has(await readFile(file), marker)) found.push(file);
  }
  return found;
}
