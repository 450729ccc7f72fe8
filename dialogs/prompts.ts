import { ActionTypes, InputHints, MessageFactory, type Activity, type TurnContext } from 'botbuilder';
import type { Token, Choice, FoundChoice, PromptOptions, PromptRecognizerResult } from 'botbuilder-dialogs';
import { ChoiceFactory, defaultTokenizer, ListStyle, Prompt, recognizeChoices } from './dialog-library';
import { LRUCache } from 'lru-cache';
import { imagesOf, locationOf } from '../bot/activity';
import { positionOf } from '../bot/choice-position';
import type { TicketAttachment, TicketContact, TicketLocation } from '../connectors/connector';
import { isReachable, isSkip, parseContact } from './answers';
import type { Catalog } from '../catalog/schema';
import { render, renderValue, say, type Say, type SayVar } from './i18n';
import { localeOf } from './turn-keys';

/**
 * Prompts that speak the citizen's current language at every (re)prompt.
 *
 * botbuilder prompts store the rendered prompt text in dialog state when they begin, so a re-prompt
 * after "english please" would repeat the old language. These prompts store a `Say` instead and
 * render it each time. Choices are recognized in all three languages at once (every label and
 * synonym is offered to the matcher), which is how Catalan works although the prompts' built-in
 * cultures lack it; digits ("1", "2") pick by position in any language.
 */
export interface AskOptions extends PromptOptions {
  say: Say;
  retrySay?: Say;
  /** Choice prompts: the options; labels are rendered per locale, synonyms are matched in any. */
  choiceSpecs?: ChoiceSpec[];
  /** Free-text prompts: "no" (and friends) is accepted and yields a skipped answer. */
  skippable?: boolean;
}

/** One option of a choice prompt. `value` is what the dialog receives. */
export interface ChoiceSpec {
  value: string;
  /** Rendered in the citizen's language: a sentence, a service name, or fixed text (a language's own name). */
  label: SayVar;
  /** Words that pick it; a shared list by name, so dialog state (read and written every turn) stays small. */
  synonyms: string[] | SharedWords;
}

/** Builds the options of a prompt. */
export function ask(s: Say, extra: Omit<AskOptions, 'say'> = {}): AskOptions {
  return { ...extra, say: s };
}

const YES_WORDS = ['si', 'sí', 'yes', 'y', 'yep', 'yeah', 'vale', 'dale', 'ok', 'okay', 'claro', 'correcto', 'exacto', 'perfecto', 'de acuerdo', "d'acord", 'dacord', 'correcte', 'exacte', 'endavant', 'perfecte', 'sure', 'right', 'correct', 'go ahead', 'send it', 'envialo', 'envíalo', 'enviar', "envia-ho", 'affirmative', '👍'];
const NO_WORDS = ['no', 'nop', 'nope', 'incorrecto', 'incorrecte', 'wrong', 'not really', 'para nada', 'gens', 'negatiu', 'negativo', '👎'];
const OTHER_WORDS = ['otro', 'otra', 'otra cosa', 'ninguno', 'ninguna', 'altre', 'un altre', 'una altra cosa', 'cap', 'other', 'something else', 'none', 'none of them'];

const SHARED_WORDS = { yes: YES_WORDS, no: NO_WORDS, other: OTHER_WORDS } as const;
type SharedWords = keyof typeof SHARED_WORDS;

/** Yes / No, recognized in es, ca and en. Values: `yes`, `no`. */
export function yesNo(): ChoiceSpec[] {
  return [
    { value: 'yes', label: say('choice.yes'), synonyms: 'yes' },
    { value: 'no', label: say('choice.no'), synonyms: 'no' },
  ];
}

/** The "something else" option closing a list of services. Value: `other`. */
export function otherChoice(): ChoiceSpec {
  return { value: 'other', label: say('choice.other'), synonyms: 'other' };
}

/** The prompt options with `prompt`, `retryPrompt` and `choices` rendered in this turn's language. */
function localize(catalog: Catalog, ctx: TurnContext, options: PromptOptions): PromptOptions {
  const o = options as AskOptions;
  const locale = localeOf(ctx);
  return {
    ...o,
    prompt: render(catalog, locale, o.say),
    ...(o.retrySay ? { retryPrompt: render(catalog, locale, o.retrySay) } : {}),
    ...(o.choiceSpecs
      ? {
          choices: o.choiceSpecs.map((c): Choice => {
            const title = String(renderValue(catalog, locale, c.label));
            return { value: c.value, action: { type: ActionTypes.ImBack, title, value: title }, synonyms: typeof c.synonyms === 'string' ? [...SHARED_WORDS[c.synonyms]] : [...c.synonyms] };
          }),
        }
      : {}),
  };
}

/**
 * botbuilder's tokenizer, remembering its answers: the recognizer tokenizes every synonym of every
 * option on every message a prompt sees (the yes/no lists alone are 44 strings), which was a tenth of a
 * turn's garbage. Tokens are only read by the matcher. Bounded: citizens' messages pass through too.
 */
const tokens = new LRUCache<string, Token[], string | undefined>({
  max: 4_096,
  memoMethod: (text, _stale, { context: locale }) => defaultTokenizer(text, locale),
});
function rememberedTokenizer(text: string, locale?: string): Token[] {
  return tokens.memo(text, { context: locale });
}

/**
 * A choice shown as suggested actions (the channel renders buttons or numbered text). What botbuilder's
 * ChoicePrompt does with that style, without it: ChoicePrompt loads Microsoft's text recognizers for its
 * cultures (see dialog-library.ts), and words in any of our languages and positions are all we match.
 */
export class ChoiceAsk extends Prompt<FoundChoice> {
  constructor(
    dialogId: string,
    private readonly catalog: Catalog,
  ) {
    super(dialogId);
  }

  protected override async onPrompt(ctx: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const localized = localize(this.catalog, ctx, options);
    const text = isRetry && localized.retryPrompt ? localized.retryPrompt : localized.prompt;
    const choices = ChoiceFactory.toChoices(localized.choices);
    await ctx.sendActivity(this.appendChoices(text ?? '', ctx.activity.channelId, choices, ListStyle.suggestedAction));
  }

  protected override async onRecognize(ctx: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const localized = localize(this.catalog, ctx, options);
    const utterance = ctx.activity.text;
    if (!utterance) return { succeeded: false };
    const choices = ChoiceFactory.toChoices(localized.choices);
    const [match] = recognizeChoices(utterance, choices, { recognizeNumbers: false, recognizeOrdinals: false, tokenizer: rememberedTokenizer });
    const found: PromptRecognizerResult<FoundChoice> = match ? { succeeded: true, value: match.resolution } : { succeeded: false };
    if (found.succeeded) return found;
    // botbuilder's number and ordinal recognizers cost ~10% of a worker's CPU (huge regexes run on every
    // message a prompt sees, interruptions included); positions are all we need from them.
    const index = positionOf(ctx.activity.text);
    const choice = index === undefined ? undefined : localized.choices?.[index - 1];
    if (!choice) return found;
    const value = typeof choice === 'string' ? choice : choice.value;
    return { succeeded: true, value: { value, index: index! - 1, score: 1, synonym: ctx.activity.text ?? '' } };
  }
}

/** Base of the free-form prompts: sends the rendered text, with a "No" button when skippable. */
abstract class LocalizedPrompt<T> extends Prompt<T> {
  constructor(
    dialogId: string,
    protected readonly catalog: Catalog,
  ) {
    super(dialogId);
  }

  protected async onPrompt(ctx: TurnContext, _state: object, options: PromptOptions, isRetry: boolean): Promise<void> {
    const o = options as AskOptions;
    const locale = localeOf(ctx);
    const text = render(this.catalog, locale, isRetry && o.retrySay ? o.retrySay : o.say);
    const activity: Partial<Activity> = o.skippable
      ? MessageFactory.suggestedActions([render(this.catalog, locale, say('choice.no'))], text, undefined, InputHints.ExpectingInput)
      : MessageFactory.text(text, undefined, InputHints.ExpectingInput);
    await ctx.sendActivity(activity);
  }
}

/** Any text of at least `minLength` characters (default 1). */
export class TextAsk extends LocalizedPrompt<string> {
  constructor(
    dialogId: string,
    catalog: Catalog,
    private readonly minLength = 1,
  ) {
    super(dialogId, catalog);
  }

  protected async onRecognize(ctx: TurnContext): Promise<PromptRecognizerResult<string>> {
    const text = ctx.activity.text?.trim() ?? '';
    return text.length >= this.minLength ? { succeeded: true, value: text } : { succeeded: false };
  }
}

/** Answer of a skippable prompt: `skipped` when the citizen said "no". */
export type Skippable<T> = { skipped: true } | { skipped: false; value: T };

/** Where the problem is: a shared pin (the Place entity) or an address typed as text. */
export class LocationAsk extends LocalizedPrompt<Skippable<TicketLocation>> {
  protected async onRecognize(ctx: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<Skippable<TicketLocation>>> {
    const point = locationOf(ctx.activity);
    const text = ctx.activity.text?.trim() ?? '';
    if (point) return { succeeded: true, value: { skipped: false, value: text ? { point, address: text } : { point } } };
    if ((options as AskOptions).skippable && isSkip(text)) return { succeeded: true, value: { skipped: true } };
    // Three characters is the shortest plausible address ("c/1" aside, "Mayor 3" and up).
    return text.length >= 3 ? { succeeded: true, value: { skipped: false, value: { address: text } } } : { succeeded: false };
  }
}

/** Photos sent as image attachments; "no" skips when allowed. */
export class PhotoAsk extends LocalizedPrompt<Skippable<TicketAttachment[]>> {
  protected async onRecognize(ctx: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<Skippable<TicketAttachment[]>>> {
    const photos = attachmentsOf(ctx.activity);
    if (photos.length > 0) return { succeeded: true, value: { skipped: false, value: photos } };
    if ((options as AskOptions).skippable && isSkip(ctx.activity.text)) return { succeeded: true, value: { skipped: true } };
    return { succeeded: false };
  }
}

/** A name, phone and/or email. Required contacts need a phone or an email. */
export class ContactAsk extends LocalizedPrompt<Skippable<TicketContact>> {
  protected async onRecognize(ctx: TurnContext, _state: object, options: PromptOptions): Promise<PromptRecognizerResult<Skippable<TicketContact>>> {
    const text = ctx.activity.text?.trim() ?? '';
    const skippable = (options as AskOptions).skippable === true;
    if (skippable && isSkip(text)) return { succeeded: true, value: { skipped: true } };
    const contact = parseContact(text);
    const usable = skippable ? Object.keys(contact).length > 0 : isReachable(contact);
    return usable ? { succeeded: true, value: { skipped: false, value: contact } } : { succeeded: false };
  }
}

/** The image attachments of an activity as ticket attachments. */
export function attachmentsOf(activity: Partial<Activity>): TicketAttachment[] {
  return imagesOf(activity).map((a) => ({
    contentType: a.contentType,
    // imagesOf only returns attachments with a string contentUrl.
    url: a.contentUrl as string,
    ...(a.name ? { name: a.name } : {}),
  }));
}
