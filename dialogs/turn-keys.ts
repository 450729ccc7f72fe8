import type { TurnContext } from 'botbuilder';
import type { Locale } from './catalog/schema';

/**
 * `ctx.turnState` key under which the queue worker puts the citizen's id (one id across channels)
 * before calling `run(ctx)`. When it is absent the engine uses `${channelId}:${from.id}`.
 */
export const CITIZEN_ID = 'citybot.citizenId';

/** `ctx.turnState` key of the language this turn speaks; set by the engine at the start of each turn. */
export const LOCALE = 'citybot.locale';

/** The citizen id of this turn: the worker's, or one derived from the channel identity. */
export function citizenIdOf(ctx: TurnContext): string {
  const id: unknown = ctx.turnState.get(CITIZEN_ID);
  if (typeof id === 'string' && id.length > 0) return id;
  return `${ctx.activity.channelId}:${ctx.activity.from.id}`;
}

/** The language of this turn. The engine sets it before any dialog runs; `es` only guards misuse. */
export function localeOf(ctx: TurnContext): Locale {
  const locale: unknown = ctx.turnState.get(LOCALE);
  return locale === 'ca' || locale === 'en' || locale === 'es' ? locale : 'es';
}

/**
 * `ctx.turnState` key under which a queue worker may put the conversation's handoff hold, read with the
 * message (a `Hold`, or null for none). Absent: the engine asks the HandoffPort.
 */
export const HOLD = 'citybot.hold';
