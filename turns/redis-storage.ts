import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import { ETagConflictError, LockLostError } from '../bot/errors';
import type { Fence } from '../bot/fence';
import { uniqueId } from '../bot/unique-id';
import { luaScript } from '../bot/lua';

/**
 * Writes every item or none. An item whose eTag is set (and not '*') is written only if the stored
 * eTag still matches, which is botbuilder's optimistic concurrency contract (MemoryStorage behaves the same).
 * Values are stored as "<eTag>\n<json>" so reads are a plain MGET. An optional extra key (a turn
 * journal) is written, and optional values appended to a list (a turn's transcript lines), in the same
 * call, so they exist exactly when the state they describe does.
 * With a fence (see bot/fence.ts), nothing is written unless the lock still holds the fence's token (-1):
 * a queue worker that lost its conversation's lock cannot roll the state back.
 * KEYS: n state keys, then the extra key if any, then the list if any, then the fence's lock if any.
 * ARGV: ttlMs, n, hasExtra ('0'|'1'), appendCount, fence token ('' = no fence), per state key: expected
 * eTag ('' = unconditional), new eTag, json; then the extra value and its ttlMs if any; then the values to append.
 */
const WRITE_LUA = luaScript('turns/lua/redis-storage/write.lua');

export interface RedisStorageOptions {
  /** Key prefix, e.g. `citybot:state:`. */
  prefix: string;
  /** Dialog state of an abandoned conversation expires after this long. @defaultValue 30 days */
  ttlMs?: number;
}

/** botbuilder `Storage` over Redis with eTag concurrency, so dialog state survives any process. */
export class RedisStorage implements Storage {
  private readonly ttlMs: number;

  constructor(private readonly redis: Redis, private readonly options: RedisStorageOptions) {
    this.ttlMs = options.ttlMs ?? 30 * 86_400_000;
    if (!redis.stateWrite) redis.defineCommand('stateWrite', { lua: WRITE_LUA });
  }

  async read(keys: string[]): Promise<StoreItems> {
    if (keys.length === 0) return {};
    const values = await this.redis.mget(keys.map((k) => this.options.prefix + k));
    const items: StoreItems = {};
    values.forEach((raw, i) => {
      if (raw === null) return;
      const cut = raw.indexOf('\n');
      items[keys[i]!] = { ...JSON.parse(raw.slice(cut + 1)), eTag: raw.slice(0, cut) };
    });
    return items;
  }

  /** The stored JSON of each key (without its eTag), null for a missing key. */
  async readJson(keys: string[]): Promise<(string | null)[]> {
    return (await this.readJsonWith(keys, [])).json;
  }

  /** `readJson(keys)` and the plain values of `others` (Redis keys outside this storage), in one MGET. */
  async readJsonWith(keys: string[], others: readonly string[]): Promise<{ json: (string | null)[]; others: (string | null)[] }> {
    const values = await this.redis.mget([...keys.map((k) => this.options.prefix + k), ...others]);
    return {
      json: values.slice(0, keys.length).map((raw) => (raw === null ? null : raw.slice(raw.indexOf('\n') + 1))),
      others: values.slice(keys.length),
    };
  }

  /** Writes every item or none; an item whose eTag is set (and not '*') only if the stored one still matches. */
  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const items = keys.map((key) => {
      const { eTag: expected, ...rest } = changes[key] as { eTag?: string };
      return { key, expected: expected && expected !== '*' ? expected : '', eTag: newETag(), json: JSON.stringify(rest) };
    });
    const conflict = await this.put(items);
    if (conflict !== 0) throw new ETagConflictError(`storage item "${keys[conflict - 1]}" was changed by another writer`);
    // Hand the new eTags back so a second save in the same turn is not seen as a conflict.
    items.forEach(({ key, eTag }) => ((changes[key] as { eTag?: string }).eTag = eTag));
  }

  /**
   * Writes already-serialized state (botbuilder's BotState always writes with eTag '*') and, in the same
   * atomic step, the `extra` key (a queue worker's turn journal, see turns/turn-state) and the `append`
   * values (the turn's transcript lines, see queues/transcript-outbox). With `fence`, all of it only if
   * the fence's lock is still held with its token; throws LockLostError (and writes nothing) otherwise.
   */
  async commitJson(changes: ReadonlyMap<string, string>, extra: Extra, append?: Append, fence?: Fence): Promise<void> {
    const result = await this.put([...changes].map(([key, json]) => ({ key, expected: '', eTag: newETag(), json })), extra, append, fence);
    if (result === -1) throw new LockLostError(`lock ${fence?.key} is no longer held with this turn's token: nothing committed`);
  }

  /** One WRITE_LUA call; returns 0, -1 when the fence no longer holds, or the 1-based index of the item whose eTag no longer matched. */
  private async put(items: Array<{ key: string; expected: string; eTag: string; json: string }>, extra?: Extra, append?: Append, fence?: Fence): Promise<number> {
    const redisKeys = items.map((i) => this.options.prefix + i.key);
    const values = append?.values ?? [];
    const args = [String(this.ttlMs), String(items.length), extra ? '1' : '0', String(values.length), fence?.token ?? '', ...items.flatMap((i) => [i.expected, i.eTag, i.json])];
    if (extra) {
      redisKeys.push(extra.key);
      args.push(extra.value, String(extra.ttlMs));
    }
    if (append && values.length > 0) {
      redisKeys.push(append.key);
      args.push(...values);
    }
    if (fence) redisKeys.push(fence.key);
    return this.redis.stateWrite(redisKeys.length, ...redisKeys, ...args);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.options.prefix + k));
  }
}

/** A key written in the same call as the state (a turn journal). */
interface Extra { key: string; value: string; ttlMs: number }
/** Values appended to a list in the same call as the state. */
interface Append { key: string; values: readonly string[] }

// eTags only need to differ from the previous writer's.
const newETag = uniqueId;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    stateWrite(numKeys: number, ...args: string[]): Promise<number>;
  }
}
