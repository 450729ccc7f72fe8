import {
  BufferJSON,
  initAuthCreds,
  proto,
  type AuthenticationCreds,
  type AuthenticationState,
  type SignalDataSet,
  type SignalDataTypeMap,
  type SignalKeyStore,
} from '@whiskeysockets/baileys';
import type { Redis } from 'ioredis';

/** The Baileys session of one WhatsApp number, kept in Redis. */
export interface RedisAuthState {
  /** Pass as `auth` to the socket; Baileys mutates `creds` and calls `keys.set` as the session evolves. */
  state: AuthenticationState;
  /** Writes `state.creds`; call on every `creds.update`. */
  saveCreds(): Promise<void>;
  /** Deletes the session (after a logout it is useless) and starts `state.creds` afresh for a new pairing. */
  clear(): Promise<void>;
}

// Every signal key type Baileys stores; `clear` deletes one hash per type.
const KEY_TYPES: ReadonlyArray<keyof SignalDataTypeMap> = [
  'pre-key', 'session', 'sender-key', 'sender-key-memory', 'app-state-sync-key', 'app-state-sync-version',
  'lid-mapping', 'device-list', 'tctoken', 'identity-key',
];

const encode = (value: unknown): string => JSON.stringify(value, BufferJSON.replacer);
const decode = <T>(json: string): T => JSON.parse(json, BufferJSON.reviver) as T;

/**
 * Baileys' auth state in Redis, the production replacement for `useMultiFileAuthState` (which its
 * authors say is a guide, not for production). Creds are one JSON string at `<prefix>:creds`; signal
 * keys are one hash per type at `<prefix>:keys:<type>`, field = key id. Values are serialized with
 * `BufferJSON`, so Buffers and Uint8Arrays come back as Buffers.
 *
 * Read this before changing: `keys.set` receives a batch that must land together (a session and the
 * pre-key it consumed); it is written in ONE `MULTI`, and a `null` value deletes its key.
 *
 * @example
 * ```ts
 * const auth = await loadRedisAuthState(redis, `${REDIS_PREFIX}:wa:auth`);
 * const sock = makeWASocket({ auth: auth.state });
 * sock.ev.on('creds.update', () => void auth.saveCreds());
 * ```
 */
export async function loadRedisAuthState(redis: Redis, keyPrefix: string): Promise<RedisAuthState> {
  const credsKey = `${keyPrefix}:creds`;
  const hashOf = (type: string): string => `${keyPrefix}:keys:${type}`;
  const stored = await redis.get(credsKey);
  const state: AuthenticationState = { creds: stored ? decode<AuthenticationCreds>(stored) : initAuthCreds(), keys: keyStore(redis, hashOf) };
  return {
    state,
    saveCreds: async () => {
      await redis.set(credsKey, encode(state.creds));
    },
    clear: async () => {
      await redis.del(credsKey, ...KEY_TYPES.map(hashOf));
      state.creds = initAuthCreds();
    },
  };
}

function keyStore(redis: Redis, hashOf: (type: string) => string): SignalKeyStore {
  return {
    async get(type, ids) {
      const out: Record<string, unknown> = {};
      if (ids.length === 0) return {};
      const values = await redis.hmget(hashOf(type), ...ids);
      ids.forEach((id, i) => {
        const json = values[i];
        if (json === null || json === undefined) return;
        const value = decode<object>(json);
        // Baileys reads app-state keys as protobuf objects, not plain JSON (as useMultiFileAuthState does).
        out[id] = type === 'app-state-sync-key' ? proto.Message.AppStateSyncKeyData.fromObject(value) : value;
      });
      // What `set` stored under this type is that type's value: the hash per type keeps them apart.
      return out as { [id: string]: SignalDataTypeMap[typeof type] };
    },
    async set(data: SignalDataSet) {
      const tx = redis.multi();
      let writes = 0;
      for (const [type, entries] of Object.entries(data)) {
        for (const [id, value] of Object.entries(entries ?? {})) {
          if (value === null || value === undefined) tx.hdel(hashOf(type), id);
          else tx.hset(hashOf(type), id, encode(value));
          writes++;
        }
      }
      if (writes === 0) return;
      const results = await tx.exec();
      const failed = results?.find(([err]) => err !== null)?.[0];
      if (failed) throw failed;
    },
  };
}
