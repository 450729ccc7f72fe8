import type { TurnContext } from 'botbuilder';
import type { Locale } from '../catalog/schema';
import type { Classification } from './classify/classifier';
import type { EngineClassifier } from './engine-deps';

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

const READINGS = Symbol('citybot.readings');

/**
 * The classifier's reading of `text` in this turn, asked once: the question check (root dialog) and
 * intake (pick-service) both read a new report, and with a model configured each reading is a model
 * call on the citizen's allowance. Scoped to the turn, so a retrained model is used from the next one.
 */
export function readingOf(ctx: TurnContext, classifier: EngineClassifier, text: string, locale: Locale): Promise<Classification> {
  let readings = ctx.turnState.get(READINGS) as Map<string, Promise<Classification>> | undefined;
  if (!readings) ctx.turnState.set(READINGS, (readings = new Map()));
  const key = `${locale}\u0000${text}`;
  let reading = readings.get(key);
  if (!reading) readings.set(key, (reading = classifier.classify(text, locale)));
  return reading;
}
