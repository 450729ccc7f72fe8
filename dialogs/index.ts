/**
 * The dialog engine: one `run(ctx)` per inbound activity, whatever the channel.
 *
 * ```ts
 * const bot = createCitizenBot({ catalog, classifier, connector, storage, log });
 * // inside the queue worker's BotAdapter turn:
 * ctx.turnState.set(CITIZEN_ID, citizenId);
 * await bot.run(ctx);
 * ```
 */
export { createCitizenBot, HANDOFF_ENDED, type CitizenBot, type CitizenBotDeps, type HandoffEnded } from './citizen-bot';
export type { CitizenProfile } from './citizen-profile';
export type { EngineClassifier, ForwardFlags, HandoffOutcome, HandoffPort, HandoffReason, HandoffRequest, HandoffSummary, Hold } from './engine-deps';
export { describeOpening } from './opening-time';
export { teamName } from './handoff-summary';
export { t, type MessageKey } from './i18n';
export { CITIZEN_ID, HOLD } from './turn-keys';
