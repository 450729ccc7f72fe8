import { TestAdapter, TurnContext, type Activity } from 'botbuilder';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RedisStorage } from '../../turns/redis-storage';
import { StagedConversationState, StagedUserState, stateKeysOf, TURN_STORE, TurnStore } from '../../turns/turn-state';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

let redis: Redis;
let prefix: string;
beforeEach(() => {
  redis = redisClient();
  prefix = testPrefix();
});
afterEach(async () => {
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

const activity: Partial<Activity> = { type: 'message', channelId: 'webchat', from: { id: 'u-1', name: '' }, conversation: { id: 'c-1', isGroup: false, conversationType: 'personal', name: '' }, text: 'hola' };

describe('TurnStore', () => {
  it('serves both botbuilder states of a turn from the one read made before the turn', async () => {
    const storage = new RedisStorage(redis, { prefix: `${prefix}:state:` });
    const user = new StagedUserState(storage);
    const conversation = new StagedConversationState(storage);
    // What an earlier turn left: written the way a queued turn commits.
    const keys = stateKeysOf(activity);
    expect(keys).toEqual([user.getStorageKey(new TurnContext(new TestAdapter(), activity)), conversation.getStorageKey(new TurnContext(new TestAdapter(), activity))]);
    await storage.commitJson(new Map([[keys[0]!, '{"name":"Ana"}'], [keys[1]!, '{"step":3}']]), { key: `${prefix}:journal`, value: '{}', ttlMs: 60_000 });

    let reads = 0;
    const readJson = storage.readJson.bind(storage);
    const readJsonWith = storage.readJsonWith.bind(storage);
    storage.readJson = (k: string[]) => { reads++; return readJson(k); };
    storage.readJsonWith = (k: string[], o: readonly string[]) => { reads++; return readJsonWith(k, o); };
    await redis.set(`${prefix}:other`, 'beside the state');
    const store = new TurnStore(storage);
    // Keys outside the state storage ride in the same read.
    expect(await store.prefetch(keys, [`${prefix}:other`, `${prefix}:missing`])).toEqual(['beside the state', null]);
    const ctx = new TurnContext(new TestAdapter(), activity);
    ctx.turnState.set(TURN_STORE, store);
    expect(await user.load(ctx)).toMatchObject({ name: 'Ana' });
    expect(await conversation.load(ctx)).toMatchObject({ step: 3 });
    expect(reads).toBe(1);
  });
});
