import { randomBytes } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import { ETagConflictError } from './errors';

/**
 * Writes every item or none. An item whose eTag is set (and not '*') is written only if the stored
 * eTag still matches, which is botbuilder's optimistic concurrency contract (MemoryStorage behaves the same).
 * Values are stored as "<eTag>\n<json>" so reads are a plain MGET. An optional extra key (a turn
 * journal) is written in the same call, so it exists exactly when the state it describes does.
 * KEYS: n state keys, then the extra key if any. ARGV: ttlMs, n, per state key: expected eTag ('' =
 * unconditional), new eTag, json; then extra value and its ttlMs if any.
 */
const WRITE_LUA = `
local n = tonumber(ARGV[2])
for i = 1, n do
  local expected = ARGV[3 * i]
  if expected ~= '' then
    local cur = redis.call('GET', KEYS[i])
    if cur and string.match(cur, '^[^\\n]*') ~= expected then return i end
  end
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[3 * i + 1] .. '\\n' .. ARGV[3 * i + 2], 'PX', ARGV[1])
end
if #KEYS > n then redis.call('SET', KEYS[n + 1], ARGV[3 * n + 3], 'PX', ARGV[3 * n + 4]) end
return 0`;

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
    const values = await this.redis.mget(keys.map((k) => this.options.prefix + k));
    return values.map((raw) => (raw === null ? null : raw.slice(raw.indexOf('\n') + 1)));
  }

  async write(changes: StoreItems): Promise<void> {
    await this.commit(changes);
  }

  /**
   * Writes already-serialized state unconditionally (botbuilder's BotState always writes with eTag '*')
   * and, in the same atomic step, the `extra` key: a queue worker's turn journal (see bot/turn-state).
   */
  async commitJson(changes: ReadonlyMap<string, string>, extra: { key: string; value: string; ttlMs: number }): Promise<void> {
    const args: string[] = [String(this.ttlMs), String(changes.size)];
    const redisKeys: string[] = [];
    for (const [key, json] of changes) {
      redisKeys.push(this.options.prefix + key);
      args.push('', randomBytes(6).toString('hex'), json);
    }
    redisKeys.push(extra.key);
    args.push(extra.value, String(extra.ttlMs));
    await this.redis.stateWrite(redisKeys.length, ...redisKeys, ...args);
  }

  /** Writes `changes` (eTag-checked) and, in the same atomic step, the optional `extra` key. */
  async commit(changes: StoreItems, extra?: { key: string; value: string; ttlMs: number }): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0 && !extra) return;
    const args: string[] = [String(this.ttlMs), String(keys.length)];
    const fresh: string[] = [];
    for (const key of keys) {
      const item = changes[key] as { eTag?: string };
      const eTag = randomBytes(6).toString('hex');
      fresh.push(eTag);
      const { eTag: expected, ...rest } = item;
      args.push(expected && expected !== '*' ? expected : '', eTag, JSON.stringify(rest));
    }
    const redisKeys = keys.map((k) => this.options.prefix + k);
    if (extra) {
      redisKeys.push(extra.key);
      args.push(extra.value, String(extra.ttlMs));
    }
    const conflict = await this.redis.stateWrite(redisKeys.length, ...redisKeys, ...args);
    if (conflict !== 0) throw new ETagConflictError(`storage item "${keys[conflict - 1]}" was changed by another writer`);
    // Hand the new eTags back so a second save in the same turn is not seen as a conflict.
    keys.forEach((key, i) => ((changes[key] as { eTag?: string }).eTag = fresh[i]));
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.options.prefix + k));
  }
}

declare module 'ioredis' {
  interface RedisCommander<Context> {
    stateWrite(numKeys: number, ...args: string[]): Promise<number>;
  }
}
