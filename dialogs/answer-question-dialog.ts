import { randomUUID } from 'node:crypto';
import { MessageFactory, type StatePropertyAccessor } from 'botbuilder';
import type { DialogContext, DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, Dialog, WaterfallDialog } from './dialog-library';
import { positionOf } from '../bot/choice-position';
import type { Locale } from '../catalog/schema';
import { normalize } from './classify/normalize';
import { collectFieldsDialog } from './collect-fields-dialog';
import { REROUTE } from './csat-dialog';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { handoffDialog, type HandoffMemo, type HandoffOptions } from './handoff-dialog';
import { markdown, t, type MessageKey } from './i18n';
import { newDraft, type IntakeDraft } from './intake-draft';
import type { KnowledgeReply } from './knowledge/knowledge-answerer';
import { withMenu } from './menu';
import { ChoiceAsk, ContactAsk, LocationAsk, PhotoAsk, TextAsk } from './prompts';
import { submitDialog, type SubmitOptions } from './submit-dialog';
import { localeOf } from './turn-keys';

/** Start options: the citizen's question, and what intake had collected if it came from there. */
export interface AnswerQuestionOptions {
  text: string;
  draft?: IntakeDraft;
}

/** What the citizen can answer to the bot's answer (or to its "I don't know"). */
type Choice = 'yes' | 'person' | 'file' | 'no' | 'decline';

interface FeedbackState {
  /** `answered`: "¿Te sirvió?"; `open`: person or inquiry ticket (after "I don't know" or "no"). */
  stage: 'answered' | 'open';
  choices: Choice[];
  /** The question as an inquiry draft: what a person sees, or what is filed. */
  draft: IntakeDraft;
  /** The question, to answer it again in the citizen's new language after "in English, please". */
  question: string;
  /** The article answered with, for the log line that says whether it helped. */
  slug?: string;
}

const ANSWER = 'answerQuestion.answer';
const FILE = 'answerQuestion.file';

const LABEL: Readonly<Record<Choice, MessageKey>> = {
  yes: 'knowledge.yes', person: 'knowledge.person', file: 'knowledge.file', no: 'choice.no', decline: 'knowledge.noThanks',
};
// Typed answers that mean a choice, besides its label in any language and its position.
const WORDS: Readonly<Record<Choice, readonly string[]>> = {
  yes: ['si', 'yes', 'vale', 'ok', 'okay', 'claro', 'perfecto', 'genial', 'gracias', 'si gracias', 'me sirvio', 'me ha servido', 'sirvio', 'gracies', 'perfecte', 'm ha servit', 'thanks', 'thank you', 'great', 'yes thanks', 'it did', 'helpful', '👍'],
  no: ['no', 'nop', 'nope', 'no me sirvio', 'no me ha servido', 'no m ha servit', 'not really', 'no it didn t', 'it didn t', '👎'],
  person: ['persona', 'una persona', 'agente', 'person', 'a person', 'human', 'agent', 'huma'],
  file: ['registrar', 'registrala', 'registrar consulta', 'registra la', 'file it', 'file', 'ticket', 'tiquet'],
  decline: ['no', 'no gracias', 'no cal', 'no thanks', 'no thank you', 'nada', 'res', 'nothing'],
};

/**
 * A citizen's question answered from the city's knowledge base (issue 13 part 6).
 *
 * Found: the best passage (or, with an LLM, a short answer grounded in the passages) with its
 * source link, and "¿Te sirvió?" — Sí / Hablar con una persona. Not found (or "no, it didn't
 * help"): the bot says so and offers a person or filing the question as an inquiry ticket.
 * "Hablar con una persona" starts the usual handoff with the question as its description.
 * Anything else the citizen writes instead of a choice ends this dialog and is handled afresh
 * (a second question gets its own answer).
 */
export class AnswerQuestionDialog extends ComponentDialog {
  constructor(deps: EngineDeps, memo: StatePropertyAccessor<HandoffMemo | undefined>) {
    super(DIALOG.answerQuestion);
    const { catalog } = deps;
    this.addDialog(new FeedbackDialog(deps));
    this.addDialog(
      new WaterfallDialog<IntakeDraft>(FILE, [
        async (step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> => step.beginDialog(DIALOG.collectFields, step.options),
        async (step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> => step.beginDialog(DIALOG.submit, { draft: step.result as IntakeDraft } satisfies SubmitOptions),
        async (step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> => step.endDialog(step.result),
      ]),
    );
    this.addDialog(handoffDialog(deps, memo));
    this.addDialog(collectFieldsDialog(deps));
    this.addDialog(submitDialog(deps));
    this.addDialog(new ChoiceAsk(PROMPT.choice, catalog));
    this.addDialog(new TextAsk(PROMPT.text, catalog, 3));
    this.addDialog(new LocationAsk(PROMPT.location, catalog));
    this.addDialog(new PhotoAsk(PROMPT.photo, catalog));
    this.addDialog(new ContactAsk(PROMPT.contact, catalog));
    this.initialDialogId = ANSWER;
  }
}

/** Answers, then reads the citizen's choice (a custom dialog, so any other message can go back to the root). */
class FeedbackDialog extends Dialog<AnswerQuestionOptions> {
  constructor(private readonly deps: EngineDeps) {
    super(ANSWER);
  }

  override async beginDialog(dc: DialogContext, options?: AnswerQuestionOptions): Promise<DialogTurnResult> {
    const locale = localeOf(dc.context);
    const text = options?.text ?? '';
    const draft: IntakeDraft = { ...(options?.draft ?? newDraft(randomUUID(), { text })), type: 'consulta' };
    const reply = text ? await this.deps.knowledge!.answer(text, locale) : undefined;
    this.deps.log.info({ found: reply !== undefined, slug: reply?.slug, composed: reply?.composed, locale }, 'question answered from the knowledge base');
    if (reply) return this.ask(dc, { stage: 'answered', choices: this.answeredChoices(), draft, question: text, slug: reply.slug }, answerText(locale, reply));
    return this.ask(dc, { stage: 'open', choices: openChoices(this.people), draft, question: text }, t(locale, this.people ? 'knowledge.unknown' : 'knowledge.unknownNoPerson'));
  }

  private get people(): boolean {
    return this.deps.handoff !== undefined;
  }

  private answeredChoices(): Choice[] {
    return this.people ? ['yes', 'person'] : ['yes', 'file'];
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as FeedbackState;
    const locale = localeOf(dc.context);
    // Not shown but understood: "no" to "¿Te sirvió?", and "no, gracias" to the offer of a person or a ticket.
    const choice = choiceIn(dc.context.activity.text ?? '', state.choices, state.stage === 'answered' ? ['no'] : ['decline']);
    // Which articles help and which do not: what a city reads to improve its knowledge base.
    if (state.stage === 'answered' && choice) this.deps.log.info({ slug: state.slug, helpful: choice === 'yes', choice }, 'knowledge answer feedback');
    switch (choice) {
      case 'yes':
        await dc.context.sendActivity(withMenu(locale, t(locale, 'knowledge.glad')));
        return dc.endDialog();
      case 'decline':
        await dc.context.sendActivity(withMenu(locale, t(locale, 'knowledge.declined')));
        return dc.endDialog();
      case 'no':
        return this.ask(dc, { ...state, stage: 'open', choices: openChoices(this.people) }, t(locale, this.people ? 'knowledge.notHelpful' : 'knowledge.notHelpfulNoPerson'));
      case 'person':
        if (!this.deps.handoff) return dc.endDialog(REROUTE);
        return dc.replaceDialog(DIALOG.handoff, { reason: 'asked', draft: state.draft } satisfies HandoffOptions);
      case 'file':
        return dc.replaceDialog(FILE, await this.withService(state.draft, locale));
      default:
        // Not a choice: a new question or a report. The root dialog takes it from the start.
        return dc.endDialog(REROUTE);
    }
  }

  /** After help or a language switch: the answer again (in the new language), or the offer again. */
  override async repromptDialog(context: DialogContext['context'], instance: { state: unknown }): Promise<void> {
    const state = instance.state as FeedbackState;
    const locale = localeOf(context);
    const reply = state.stage === 'answered' ? await this.deps.knowledge!.answer(state.question, locale) : undefined;
    const text = reply ? answerText(locale, reply) : t(locale, this.people ? 'knowledge.unknown' : 'knowledge.unknownNoPerson');
    if (!reply && state.stage === 'answered') {
      state.stage = 'open';
      state.choices = openChoices(this.people);
    }
    await context.sendActivity(MessageFactory.suggestedActions(state.choices.map((c) => t(locale, LABEL[c])), text));
  }

  private async ask(dc: DialogContext, state: FeedbackState, text: string): Promise<DialogTurnResult> {
    dc.activeDialog!.state = state;
    const locale = localeOf(dc.context);
    await dc.context.sendActivity(MessageFactory.suggestedActions(state.choices.map((c) => t(locale, LABEL[c])), text));
    return Dialog.EndOfTurn;
  }

  /** An inquiry ticket needs a service: the one intake picked, else the classifier's best reading. */
  private async withService(draft: IntakeDraft, locale: Locale): Promise<IntakeDraft> {
    const { catalog, classifier } = this.deps;
    if (draft.service && catalog.services.some((s) => s.code === draft.service)) return draft;
    const guess = await classifier.classify(draft.texts.join('\n'), locale);
    const service = catalog.services.some((s) => s.code === guess.service) ? guess.service : catalog.services[0]!.code;
    return { ...draft, service, type: 'consulta' };
  }
}

function openChoices(people: boolean): Choice[] {
  return people ? ['person', 'file'] : ['file', 'decline'];
}

/** The answer, its sources (one line each, numbered when the model cited several) and "¿Te sirvió?". */
function answerText(locale: Locale, reply: KnowledgeReply): string {
  const numbered = reply.composed && reply.sources.length > 1;
  const sources = reply.sources
    .map((s, i) => `${numbered ? `\\[${i + 1}\\] ` : ''}${t(locale, 'knowledge.source', { title: s.title, url: s.url })}`)
    .join('\n');
  // The article (or the model's answer from it) is the city's CommonMark; titles and URLs are literal.
  return t(locale, 'knowledge.answer', { answer: markdown(reply.text), sources: markdown(sources) });
}

/** Which of `offered` the citizen's words pick: a label in any language, a known word, or a position. */
function choiceIn(text: string, shown: readonly Choice[], understood: readonly Choice[]): Choice | undefined {
  const said = normalize(text);
  if (!said) return undefined;
  const offered = [...shown, ...understood];
  const locales: Locale[] = ['es', 'ca', 'en'];
  for (const c of offered) {
    if (locales.some((l) => normalize(t(l, LABEL[c])) === said)) return c;
  }
  // "no gracias" is a decline where declining is offered, not a "no".
  for (const c of [...offered].sort((a, b) => (a === 'decline' ? -1 : b === 'decline' ? 1 : 0))) {
    if (WORDS[c].some((w) => normalize(w) === said)) return c;
  }
  const position = positionOf(text);
  return position !== undefined ? shown[position - 1] : undefined;
}
