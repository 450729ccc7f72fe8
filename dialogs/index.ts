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
export { createCitizenBot, type CitizenBot, type CitizenBotDeps } from './citizen-bot';
export type { CitizenProfile } from './citizen-profile';
export type { EngineClassifier } from './engine-deps';
export { t, type MessageKey } from './i18n';
export { CITIZEN_ID } from './turn-keys';
