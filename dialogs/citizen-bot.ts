import { ActivityTypes, type Storage, type TurnContext } from 'botbuilder';
import { StagedConversationState, StagedUserState } from '../turns/turn-state';
import type { DialogState } from 'botbuilder-dialogs';
import { DialogContextError, DialogSet, DialogTurnStatus } from './dialog-library';
import { imagesOf, locationOf, MAX_TEXT_LENGTH, pdfsOf } from '../bot/activity';
import { AppError } from '../bot/errors';
import { createLogger, type Logger } from '../bot/logger';
import type { Connector } from '../connectors/connector';
import type { Catalog, Locale } from '../catalog/schema';
import { Profiles, type CitizenProfile } from './citizen-profile';
import { noticeOnFirstReply } from './privacy-notice';
import { DIALOG } from './dialog-ids';
import type { CitizenPreferences, EngineClassifier, EngineDeps, HandoffPort, Hold, PhoneLinks } from './engine-deps';
import type { HandoffMemo, HandoffOptions } from './handoff-dialog';
import type { CsatOptions } from './csat-dialog';
import { localeOfTag } from './apology';
import { LOCALE_TAGS, t } from './i18n';
import { languageEvidence, evidenceWords } from './classify/detect-locale';
import { commandIn, emergencyMatcher, interruptionIn, menuLocaleOf } from './intents';
import { withMenu } from './menu';
import { RootDialog, type RootStart } from './root-dialog';
import { useSharedDialogMemory } from './dialog-memory';
import { CITIZEN_ID, citizenIdOf, HOLD, LOCALE, localeOf } from './turn-keys';
import { KNOWN_PLACE, type KnownPlace } from './known-place';
import { HANDOFF_ENDED, type HandoffEnded } from './handoff-ended';
import { transcribeVoiceNote, voiceNoteOf } from './understand/voice-note';
import type { SpeechToText } from './understand/speech-to-text';

export interface CitizenBotDeps {
  catalog: Catalog;
  classifier: EngineClassifier;
  connector: Connector;
  /** botbuilder Storage for dialog and citizen state; in production a Redis one with eTags. */
  storage: Storage;
  /** Defaults to a JSON logger on stderr at `warn`. */
  log?: Logger;
  /** Cross-channel linking by a code sent to WhatsApp; not offered without it. */
  phones?: PhoneLinks;
  /** Team queues of people; without them the bot never hands off. */
  handoff?: HandoffPort;
  /** Citizens' choices (status updates on or off); not offered without it. */
  preferences?: CitizenPreferences;
  /** The back office's extra questions per service (Open311 attributes). */
  serviceQuestions?: EngineDeps['serviceQuestions'];
  /** The city's knowledge base; without it the bot answers no question itself. */
  knowledge?: EngineDeps['knowledge'];
  /** Street directory, geocoder and model extraction for intake; without it the offline rules alone. */
  understanding?: EngineDeps['understanding'];
  /** Citizens' copies of their own data; without it the bot sends them to a person. */
  citizenData?: EngineDeps['citizenData'];
  erasure?: EngineDeps['erasure'];
  records?: EngineDeps['records'];
  appointments?: EngineDeps['appointments'];
  identity?: EngineDeps['identity'];
  representations?: EngineDeps['representations'];
  /** Speech-to-text for voice notes; without it the citizen is asked to type. */
  speech?: SpeechToText;
}

export { HANDOFF_ENDED, type HandoffEnded } from './handoff-ended';

/** One turn of the engine, for one inbound activity. */
export interface CitizenBot {
  /**
   * Runs one turn: greets on conversationUpdate; for a message, checks it, then continues the
   * running dialog or starts the root one; finally saves conversation and citizen state.
   * Set `ctx.turnState.set(CITIZEN_ID, id)` first to file tickets under a cross-channel citizen id.
   * Rethrows retryable AppErrors (and state-save failures) so the inbound queue retries the turn.
   */
  run(ctx: TurnContext): Promise<void>;
}

// A conversation already in one language moves to another only on this many words of it.
const MIN_WORDS_TO_SWITCH_LOCALE = 5;

/** Builds the channel-agnostic dialog engine on the given storage. */
export function createCitizenBot(options: CitizenBotDeps): CitizenBot {
  const log = options.log ?? createLogger('warn', { component: 'dialogs' });
  const deps: EngineDeps = {
    catalog: options.catalog, classifier: options.classifier, connector: options.connector, log,
    ...(options.phones ? { phones: options.phones } : {}),
    ...(options.handoff ? { handoff: options.handoff } : {}),
    ...(options.preferences ? { preferences: options.preferences } : {}),
    ...(options.serviceQuestions ? { serviceQuestions: options.serviceQuestions } : {}),
    ...(options.knowledge ? { knowledge: options.knowledge } : {}),
    ...(options.understanding ? { understanding: options.understanding } : {}),
    ...(options.citizenData ? { citizenData: options.citizenData } : {}),
    ...(options.erasure ? { erasure: options.erasure } : {}),
    ...(options.records ? { records: options.records } : {}),
    ...(options.appointments ? { appointments: options.appointments } : {}),
    ...(options.identity ? { identity: options.identity } : {}),
    ...(options.representations ? { representations: options.representations } : {}),
  };
  // Staged: in a queue worker, state is written with the turn's journal in one step (turns/turn-state).
  const conversationState = new StagedConversationState(options.storage);
  const userState = new StagedUserState(options.storage);
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  const profiles = new Profiles(userState.createProperty<CitizenProfile>('profile'));
  const memo = conversationState.createProperty<HandoffMemo | undefined>('handoff');
  const knownPlace = conversationState.createProperty<KnownPlace | undefined>('place');
  const dialogs = new DialogSet(dialogState);
  dialogs.add(new RootDialog(deps, profiles, memo));
  const isEmergency = emergencyMatcher(deps.catalog);

  /**
   * The citizen's language: chosen; else remembered, unless this message is clearly in another one;
   * else detected from this message; else the channel's. Only words count as evidence: references,
   * numbers, addresses, names and emojis are taken out first (languageEvidence), so "alu 2026 1",
   * "Colón 12" or "Marta" never switch a conversation.
   */
  async function resolveLocale(ctx: TurnContext): Promise<Locale> {
    const profile = await profiles.get(ctx);
    if (profile.locale && profile.localeChosen) return profile.locale;
    const device = localeOfTag(ctx.activity.locale);
    const fallback = profile.locale ?? device ?? deps.catalog.city.defaultLocale;
    const text = ctx.activity.type === ActivityTypes.Message ? (ctx.activity.text?.trim() ?? '') : '';
    if (!text || text.length > MAX_TEXT_LENGTH) return fallback;
    const answer = localeOfMessage(text, profile.locale !== undefined || device !== undefined, profile.locale !== undefined, fallback);
    // The language the bot answers in is the conversation's from then on, until clear evidence of another.
    if (answer !== profile.locale) await profiles.detectedLocale(ctx, answer);
    return answer;
  }

  /**
   * The language to answer `text` in. A remembered language, or the one the citizen's device says
   * (`established`), changes only on several words of another one, confidently detected: "sois unos
   * inútiles" is too short to move a Spanish phone to Catalan, and a command ("mis reclamos") never moves
   * a remembered one.
   */
  function localeOfMessage(text: string, established: boolean, remembered: boolean, fallback: Locale): Locale {
    // A greeting button says in which language the citizen read the menu; "Ver mis tickets" fools a detector.
    const menu = remembered ? undefined : menuLocaleOf(text);
    if (menu) return menu;
    const detect = deps.classifier.detectLocale?.bind(deps.classifier);
    if (!detect || (remembered && (interruptionIn(text) || commandIn(text)))) return fallback;
    const prose = languageEvidence(text);
    if (evidenceWords(prose) < (established ? MIN_WORDS_TO_SWITCH_LOCALE : 1)) return fallback;
    return detect(prose, fallback);
  }

  async function greet(ctx: TurnContext): Promise<void> {
    const added = ctx.activity.membersAdded ?? [];
    if (!added.some((m) => m.id !== ctx.activity.recipient?.id)) return;
    const locale = localeOf(ctx);
    await ctx.sendActivity(withMenu(locale, t(locale, 'greeting', { city: deps.catalog.city.name })));
  }

  async function onMessage(ctx: TurnContext): Promise<void> {
    const a = ctx.activity;
    const text = a.text?.trim() ?? '';
    if (text.length > MAX_TEXT_LENGTH) {
      await ctx.sendActivity(t(localeOf(ctx), 'input.tooLong', { max: MAX_TEXT_LENGTH }));
      return;
    }
    if (!text && !locationOf(a) && imagesOf(a).length === 0 && pdfsOf(a).length === 0) {
      // A voice note not transcribed (no STT, or it failed): the audio stays in the transcript for agents.
      await ctx.sendActivity(t(localeOf(ctx), voiceNoteOf(a) ? 'input.voiceTypeInstead' : 'input.unsupported'));
      return;
    }
    const dc = await dialogs.createContext(ctx);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) await dc.beginDialog(DIALOG.root);
  }

  /** The hold the worker read with the message, else the port's answer. */
  async function holdOf(ctx: TurnContext, port: HandoffPort): Promise<Hold | undefined> {
    const known = ctx.turnState.get(HOLD) as Hold | null | undefined;
    if (known !== undefined) return known ?? undefined;
    return port.holdOf(ctx.activity.channelId, ctx.activity.conversation.id);
  }

  /**
   * People hold the conversation: the bot stays silent and the message goes to them. Only an emergency
   * is still answered at once (the number, nothing else, and the agents see the message flagged), and
   * while waiting the citizen can leave the queue ("cancelar").
   */
  async function heldTurn(ctx: TurnContext, port: HandoffPort, hold: Hold): Promise<void> {
    const text = ctx.activity.text ?? '';
    const locale = localeOf(ctx);
    const emergency = isEmergency(text);
    await port.forward(hold, ctx.activity, emergency ? { emergency } : undefined);
    if (emergency) {
      await ctx.sendActivity(t(locale, 'emergency', { number: deps.catalog.city.emergencyNumber }));
      return;
    }
    if (hold.status === 'queued' && interruptionIn(text)?.kind === 'cancel') {
      await port.leave(hold);
      await memo.delete(ctx);
      await dialogState.delete(ctx);
      await ctx.sendActivity(withMenu(locale, t(locale, 'handoff.left')));
    }
  }

  /** People let go of the conversation: the bot speaks again, asks for satisfaction, or files what nobody took. */
  async function onHandoffEnded(ctx: TurnContext, ended: HandoffEnded): Promise<void> {
    const locale = localeOf(ctx);
    const remembered = await memo.get(ctx);
    await memo.delete(ctx);
    // Whatever the bot was doing before the handoff is stale now.
    await dialogState.delete(ctx);
    if (ended.outcome === 'released') {
      await ctx.sendActivity(withMenu(locale, t(locale, 'handoff.released')));
      return;
    }
    const start: RootStart['start'] = ended.outcome === 'closed'
      ? { dialog: DIALOG.csat, options: { handoffId: ended.handoffId } satisfies CsatOptions }
      : { dialog: DIALOG.handoff, options: { reason: 'asked', ...(remembered?.draft ? { draft: remembered.draft } : {}), ended: { outcome: 'expired', handoffId: ended.handoffId, team: ended.team } } satisfies HandoffOptions };
    const dc = await dialogs.createContext(ctx);
    await dc.beginDialog(DIALOG.root, { start } satisfies RootStart);
  }

  return {
    /**
     * The turn's one error boundary. A retryable failure (Redis or the database down) leaves the turn
     * unsaved and goes to the queue, which runs the message again (and after its last attempt sends
     * `apologyFor`'s "send it again"). Anything else is logged, the dialog stack is dropped (a dialog that
     * just threw would throw again on the next message) and the citizen is told something went wrong.
     */
    async run(ctx: TurnContext): Promise<void> {
      if (!ctx.turnState.get(CITIZEN_ID)) ctx.turnState.set(CITIZEN_ID, citizenIdOf(ctx));
      useSharedDialogMemory(ctx);
      ctx.turnState.set(KNOWN_PLACE, knownPlace);
      // Every reply says its language (read at send time: a switch mid-turn counts), so channels and
      // the outbound queue can pick templates or fonts without knowing the dialogs.
      ctx.onSendActivities(async (_ctx, activities, next) => {
        for (const a of activities) a.locale ??= LOCALE_TAGS[localeOf(ctx)];
        return next();
      });
      try {
        ctx.turnState.set(LOCALE, await resolveLocale(ctx));
        // A voice note becomes the message's text before anything reads it (handoff, classification, transcript).
        if (options.speech) await transcribeVoiceNote(ctx, options.speech, localeOf(ctx), log);
        await noticeOnFirstReply(ctx, deps.catalog.privacy.notice, profiles);
        const a = ctx.activity;
        const hold = deps.handoff && a.type === ActivityTypes.Message ? await holdOf(ctx, deps.handoff) : undefined;
        if (hold) await heldTurn(ctx, deps.handoff!, hold);
        else if (a.type === ActivityTypes.ConversationUpdate) await greet(ctx);
        else if (a.type === ActivityTypes.Message) await onMessage(ctx);
        else if (a.type === ActivityTypes.Event && a.name === HANDOFF_ENDED) await onHandoffEnded(ctx, a.value as HandoffEnded);
        await conversationState.saveChanges(ctx);
        await userState.saveChanges(ctx);
      } catch (err) {
        const cause = unwrap(err);
        if (cause instanceof AppError && cause.retryable) throw cause;
        // The wrapper, when there is one, names the dialog stack the failure happened in.
        log.error({ err, channel: ctx.activity.channelId, conversationId: ctx.activity.conversation?.id }, 'turn failed');
        if (!ctx.turnState.get(LOCALE)) ctx.turnState.set(LOCALE, localeOfTag(ctx.activity.locale) ?? deps.catalog.city.defaultLocale);
        await dialogState.delete(ctx);
        await conversationState.saveChanges(ctx);
        await ctx.sendActivity(t(localeOf(ctx), 'error.generic'));
      }
    },
  };
}

/** The error a dialog threw: botbuilder wraps it (once per dialog level) in DialogContextError. */
function unwrap(err: unknown): unknown {
  let e = err;
  while (e instanceof DialogContextError) e = e.error;
  return e;
}
