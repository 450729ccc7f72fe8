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
   * Writes already-serialized state unconditionally (botbuilder's BotState always writes with eTag '*')
   * and, in the same atomic step, the `extra` key: a queue worker's turn journal (see bot/turn-state).
   */
  async commitJson(changes: ReadonlyMap<string, string>, extra: { key: string; value: string; ttlMs: number }): Promise<void> {
    await this.put([...changes].map(([key, json]) => ({ key, expected: '', eTag: newETag(), json })), extra);
  }

  /** One WRITE_LUA call; returns 0, or the 1-based index of the item whose eTag no longer matched. */
  private async put(items: Array<{ key: string; expected: string; eTag: string; json: string }>, extra?: { key: string; value: string; ttlMs: number }): Promise<number> {
    const redisKeys = items.map((i) => this.options.prefix + i.key);
    const args = [String(this.ttlMs), String(items.length), ...items.flatMap((i) => [i.expected, i.eTag, i.json])];
    if (extra) {
      redisKeys.push(extra.key);
      args.push(extra.value, String(extra.ttlMs));
    }
    return this.redis.stateWrite(redisKeys.length, ...redisKeys, ...args);
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length > 0) await this.redis.del(...keys.map((k) => this.options.prefix + k));
  }
}

const newETag = (): string => randomBytes(6).toString('hex');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    stateWrite(numKeys: number, ...args: string[]): Promise<number>;
  }
}
