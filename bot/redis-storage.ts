import { randomBytes } from 'node:crypto';
import type { Storage, StoreItems } from 'botbuilder';
import type { Redis } from 'ioredis';
import { ETagConflictError } from './errors';

/**
 * Writes every item or none. An item whose eTag is set (and not '*') is written only if the stored
 * eTag still matches, which is botbuilder's optimistic concurrency contract (MemoryStorage behaves the same).
 * Values are stored as "<eTag>\n<json>" so reads are a plain MGET.
 * ARGV: ttlMs, then per key: expected eTag ('' = unconditional), new eTag, json.
 */
const WRITE_LUA = `
for i, key in ipairs(KEYS) do
  local expected = ARGV[3 * i - 1]
  if expected ~= '' then
    local cur = redis.call('GET', key)
    if cur and string.match(cur, '^[^\\n]*') ~= expected then return i end
  end
end
for i, key in ipairs(KEYS) do
  redis.call('SET', key, ARGV[3 * i] .. '\\n' .. ARGV[3 * i + 1], 'PX', ARGV[1])
end
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

  async write(changes: StoreItems): Promise<void> {
    const keys = Object.keys(changes);
    if (keys.length === 0) return;
    const args: string[] = [String(this.ttlMs)];
    const fresh: string[] = [];
    for (const key of keys) {
      const item = changes[key] as { eTag?: string };
      const eTag = randomBytes(6).toString('hex');
      fresh.push(eTag);
      const { eTag: expected, ...rest } = item;
      args.push(expected && expected !== '*' ? expected : '', eTag, JSON.stringify(rest));
    }
    const conflict = await this.redis.stateWrite(keys.length, ...keys.map((k) => this.options.prefix + k), ...args);
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
