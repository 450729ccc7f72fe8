import { BotState, ConversationState, UserState, type Storage, type TurnContext } from 'botbuilder';
import type { RedisStorage } from './redis-storage';

/** turnState key of the TurnStore a queue worker hands to a turn. */
export const TURN_STORE = Symbol('turnStore');

/**
 * The state a turn reads and the writes it stages, for a queue worker that commits them together with
 * the turn's journal in one atomic step (see turns/turn-worker). Change detection compares the JSON
 * that would be written with the JSON that was read: botbuilder instead hashes every state object
 * twice per turn, which was ~4% of a worker's CPU.
 */
export class TurnStore {
  /** Key → JSON as read ('' when the key did not exist). */
  private readonly loaded = new Map<string, string>();
  /** Key → JSON read ahead by `prefetch`, taken by the first `load` of that key. */
  private readonly prefetched = new Map<string, string>();
  /** Key → JSON to write, for the state that changed. */
  readonly changes = new Map<string, string>();

  constructor(private readonly storage: RedisStorage) {}

  /**
   * Reads the keys the turn will load in one round trip (instead of one per BotState), and with them the
   * plain values of `others` (Redis keys the turn needs besides its state), which it returns.
   */
  async prefetch(keys: string[], others: readonly string[] = []): Promise<(string | null)[]> {
    const read = await this.storage.readJsonWith(keys, others);
    keys.forEach((key, i) => this.prefetched.set(key, read.json[i] ?? ''));
    return read.others;
  }

  async load(key: string): Promise<Record<string, unknown>> {
    let json: string | null | undefined = this.prefetched.get(key);
    if (json === undefined) [json] = await this.storage.readJson([key]);
    else this.prefetched.delete(key);
    this.loaded.set(key, json ?? '');
    return json ? (JSON.parse(json) as Record<string, unknown>) : {};
  }

  save(key: string, state: Record<string, unknown>): void {
    const { eTag: _eTag, ...rest } = state;
    const json = JSON.stringify(rest);
    if (json !== this.loaded.get(key)) this.changes.set(key, json);
    else this.changes.delete(key);
  }
}

interface Cached { state: Record<string, unknown> }

/**
 * botbuilder's BotState, reading and writing through the turn's TurnStore when there is one (a queued
 * turn) and behaving exactly like BotState otherwise (tests on MemoryStorage).
 */
type StateClass<T extends BotState> = new (storage: Storage, namespace?: string) => T;

function staged<T extends BotState>(Base: StateClass<T>): StateClass<T> {
  // A mixin needs a `new (...args: any[])` base; the subclass only overrides two methods of T.
  class Staged extends (Base as unknown as new (...args: any[]) => BotState) {
    override async load(ctx: TurnContext, force = false): Promise<any> {
      const store = ctx.turnState.get(TURN_STORE) as TurnStore | undefined;
      if (!store) return super.load(ctx, force);
      const cached = ctx.turnState.get(stateKeyOf(this)) as Cached | undefined;
      if (cached?.state && !force) return cached.state;
      const state = await store.load(await this.storageKey(ctx));
      ctx.turnState.set(stateKeyOf(this), { state, hash: '' });
      return state;
    }

    override async saveChanges(ctx: TurnContext, force = false): Promise<void> {
      const store = ctx.turnState.get(TURN_STORE) as TurnStore | undefined;
      if (!store) return super.saveChanges(ctx, force);
      const cached = ctx.turnState.get(stateKeyOf(this)) as Cached | undefined;
      if (cached?.state) store.save(await this.storageKey(ctx), cached.state);
    }
  }
  return Staged as unknown as StateClass<T>;
}

/** BotState keeps its turn cache under a private symbol (`stateKey`); it is public in JS. */
const stateKeyOf = (state: BotState): symbol => (state as unknown as { stateKey: symbol }).stateKey;

/** The storage keys of botbuilder's UserState and ConversationState (default namespace) for an activity. */
export const stateKeysOf = (activity: { channelId?: string; from?: { id: string }; conversation?: { id: string } }): string[] => [
  `${activity.channelId}/users/${activity.from?.id}/`,
  `${activity.channelId}/conversations/${activity.conversation?.id}/`,
];

export const StagedConversationState = staged(ConversationState);
export const StagedUserState = staged(UserState);
