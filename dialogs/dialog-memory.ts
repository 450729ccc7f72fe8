import { createRequire } from 'node:module';
import type { DialogContext, DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { DialogStateManager } from './dialog-library';
import type { TurnContext } from 'botbuilder';
import { LRUCache } from 'lru-cache';

/*
 * botbuilder-dialogs' memory set-up, built once per process instead of once per dialog context.
 *
 * Every DialogContext (three or four per turn: one per nested component dialog) constructs a
 * DialogStateManager, whose constructor registers a NEW DialogsComponentRegistration — a service
 * collection, a dependency graph and a zod check — and, for the first context of a turn, asks every
 * registered component for fresh memory scopes and path resolvers (more zod checks). None of it depends
 * on the turn: memory scopes and resolvers read everything from the dialog context they are given. It
 * was ~8% of a turn's CPU and much of its garbage. The registration is made a singleton (the same
 * object botbuilder would register, constructed once) and each turn is handed the finished configuration
 * through the turn-state slot botbuilder itself caches it in.
 *
 * Likewise every context writes `turn.activity` and tracks the change, which parses the same few memory
 * paths character by character several times per context (the largest single source of a turn's garbage):
 * a path without brackets always parses to the same segments, so those are parsed once per process.
 */

interface RegistrationModule { DialogsComponentRegistration: new () => object }

const require = createRequire(import.meta.url);
const registrationModule = require('botbuilder-dialogs/lib/dialogsComponentRegistration') as RegistrationModule;

type ParsePath = (this: DialogStateManager, path: string, allowNestedPaths?: boolean) => Array<string | number>;

/** Remembers the segments of paths without brackets (only `a[b.c]` reads memory while parsing). */
function rememberParsedPaths(): void {
  const proto = DialogStateManager.prototype as unknown as { parsePath: ParsePath & { remembered?: true } };
  if (proto.parsePath.remembered) return;
  const parse = proto.parsePath;
  const parsed = new LRUCache<string, ReadonlyArray<string | number>>({ max: 1_000 });
  const remembered: ParsePath & { remembered?: true } = function (this: DialogStateManager, path, allowNestedPaths = true) {
    if (path.includes('[')) return parse.call(this, path, allowNestedPaths);
    const key = allowNestedPaths ? path : `\u0000${path}`;
    let segments = parsed.get(key);
    if (!segments) parsed.set(key, (segments = parse.call(this, path, allowNestedPaths)));
    // A copy: deleteValue pops the last segment off the array it gets.
    return segments.slice();
  };
  remembered.remembered = true;
  proto.parsePath = remembered;
}

/** Makes `new DialogsComponentRegistration()` return one shared instance (it holds only factories). */
function shareRegistration(): void {
  const Real = registrationModule.DialogsComponentRegistration;
  if ((Real as { shared?: true }).shared) return;
  const instance = new Real();
  // A constructor that returns an object yields that object from `new`; instanceof still holds.
  const Shared = function DialogsComponentRegistration() { return instance; } as unknown as (new () => object) & { shared?: true };
  Shared.prototype = Real.prototype;
  Shared.shared = true;
  registrationModule.DialogsComponentRegistration = Shared;
}

let configured: { key: string | symbol; configuration: DialogStateManagerConfiguration } | undefined;

/**
 * Builds the configuration the way botbuilder does (a DialogStateManager over an empty turn), and finds
 * the turn-state key botbuilder caches it under: the one entry that constructor added.
 */
function build(): NonNullable<typeof configured> {
  shareRegistration();
  rememberParsedPaths();
  const turnState = new Map<string | symbol, unknown>();
  const manager = new DialogStateManager({ context: { turnState } } as unknown as DialogContext);
  const keys = [...turnState.keys()];
  if (keys.length !== 1) throw new Error(`botbuilder-dialogs changed how it caches its memory configuration (${keys.length} turn-state entries)`);
  return { key: keys[0]!, configuration: manager.configuration };
}

/** Gives this turn's dialog contexts the process-wide memory configuration (call before createContext). */
export function useSharedDialogMemory(ctx: TurnContext): void {
  configured ??= build();
  if (!ctx.turnState.has(configured.key)) ctx.turnState.set(configured.key, configured.configuration);
}
