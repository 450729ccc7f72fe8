import { randomUUID } from 'node:crypto';
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogTurnResult, PromptRecognizerResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialog-library';
import { AnswerQuestionDialog, type AnswerQuestionOptions } from './answer-question-dialog';
import { collectFieldsDialog } from './collect-fields-dialog';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { handoffDialog, type HandoffMemo, type HandoffOptions } from './handoff-dialog';
import { backOfficeQuestionsDialog, type QuestionsOptions } from './back-office-questions-dialog';
import { say } from './i18n';
import { harvest, newDraft, withUnderstood, type IntakeDraft, type IntakeSeed } from './intake-draft';
import { localeOf } from './turn-keys';
import { nonAnswer } from './understand/non-answer';
import { understandingOf } from './understand/of-deps';
import { pickServiceDialog, type PickServiceOptions, type PickServiceResult } from './pick-service-dialog';
import { ask, ChoiceAsk, ContactAsk, LocationAsk, PhotoAsk, TextAsk } from './prompts';
import { submitDialog, type SubmitOptions } from './submit-dialog';

/** The draft as it stands between steps (waterfall `values`, kept in dialog state). */
interface StepValues {
  draft: IntakeDraft;
}

/**
 * From a citizen's report to a filed ticket: describe (when the first message had no text) →
 * pick the service → collect the missing required fields → one confirmation → file.
 *
 * Said once is enough: the place, the description and a phone or email are read out of every
 * message (dialogs/understand) and never asked for again; a report that says what and where is
 * confirmed in the bot's first answer and filed with the citizen's second message.
 *
 * Options: the first message's text, shared pin and photos. The draft (with its idempotency key,
 * generated here once) travels through the steps in dialog state.
 */
export class IntakeDialog extends ComponentDialog {
  constructor(deps: EngineDeps, memo: StatePropertyAccessor<HandoffMemo | undefined>) {
    super(DIALOG.intake);
    const { catalog } = deps;
    const understanding = understandingOf(deps);
    this.addDialog(
      new WaterfallDialog<IntakeSeed>(DIALOG.intakeMain, [
        async function describe(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const seeded = newDraft(randomUUID(), step.options);
          const text = seeded.texts[0];
          if (text !== undefined && /\p{L}/u.test(text)) {
            // What the first message says besides what is wrong: where, and a phone or email.
            const u = await understanding.understand(text, localeOf(step.context));
            const draft = withUnderstood(seeded, u);
            if (u.describes || !u.place) {
              (step.values as StepValues).draft = draft;
              return step.next(text);
            }
            // Only a place ("calle Colón 12"): ask what is wrong there; the place is kept.
            (step.values as StepValues).draft = { ...draft, texts: [], asked: ['description'] } satisfies IntakeDraft;
            return step.prompt(DESCRIPTION_PROMPT, ask(say('intake.askDescriptionAt', { place: u.place.display }), { retrySay: say('intake.reaskDescription') }));
          }
          // A pin, a photo or the greeting's "report a problem" button: ask what is going on first.
          (step.values as StepValues).draft = { ...seeded, texts: [], asked: ['description'] } satisfies IntakeDraft;
          return step.prompt(DESCRIPTION_PROMPT, ask(say('intake.askDescription'), { retrySay: say('intake.reaskDescription') }));
        },

        async function pick(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          let draft = (step.values as StepValues).draft;
          const text = step.result as string;
          if (draft.texts.length === 0) {
            // The answer to "what is going on?" may say where too ("la farola de la calle Mayor 3").
            draft = withUnderstood({ ...draft, said: [...(draft.said ?? []), text] }, await understanding.understand(text, localeOf(step.context)));
            draft = harvest(draft, step.context.activity);
          }
          const texts = draft.texts.length > 0 ? draft.texts : [text];
          (step.values as StepValues).draft = { ...draft, texts } satisfies IntakeDraft;
          const options: PickServiceOptions = { text: texts.join('\n'), texts, misses: 0, ...(draft.typeFixed && draft.type ? { type: draft.type } : {}) };
          return step.beginDialog(DIALOG.pickService, options);
        },

        async function collect(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const picked = step.result as PickServiceResult;
          const before = (step.values as StepValues).draft;
          const draft: IntakeDraft = {
            ...before,
            service: picked.service,
            // A type the citizen chose (the "Hacer un reclamo" button) is never re-classified.
            type: before.typeFixed && before.type ? before.type : picked.type,
            texts: picked.texts,
            ...(picked.unclassified ? { unclassified: true } : {}),
          };
          // An inquiry: answered from the knowledge base, or the citizen chooses a person or an inquiry ticket.
          if (draft.type === 'consulta' && !draft.unclassified && deps.knowledge) {
            return step.replaceDialog(DIALOG.answerQuestion, { text: draft.texts.join('\n'), draft } satisfies AnswerQuestionOptions);
          }
          // Unsure twice: a person reads it instead of the bot guessing a third time.
          if (picked.unclassified && deps.handoff) return step.replaceDialog(DIALOG.handoff, { reason: 'unsure', draft } satisfies HandoffOptions);
          return step.beginDialog(DIALOG.collectFields, draft);
        },

        async function backOfficeQuestions(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const draft = step.result as IntakeDraft;
          // The bot has no answers of its own to inquiries: a person of the service's team answers
          // (or, when the team is closed, the inquiry is filed for them).
          if (draft.type === 'consulta' && deps.handoff) return step.replaceDialog(DIALOG.handoff, { reason: 'escalated', draft } satisfies HandoffOptions);
          const questions = draft.service ? ((await deps.serviceQuestions?.(draft.service)) ?? []) : [];
          if (questions.length === 0) return step.next(draft);
          return step.beginDialog(DIALOG.backOfficeQuestions, { draft, questions, index: 0 } satisfies QuestionsOptions);
        },

        async function submit(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const draft = step.result as IntakeDraft;
          const options: SubmitOptions = { draft };
          return step.beginDialog(DIALOG.submit, options);
        },

        async function done(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          return step.endDialog(step.result);
        },
      ]),
    );
    this.addDialog(pickServiceDialog(deps));
    this.addDialog(collectFieldsDialog(deps));
    this.addDialog(submitDialog(deps));
    this.addDialog(handoffDialog(deps, memo));
    this.addDialog(backOfficeQuestionsDialog(catalog.city.timezone));
    this.addDialog(new AnswerQuestionDialog(deps, memo));
    this.addDialog(new TextAsk(PROMPT.answer, catalog, 1));
    this.addDialog(new ChoiceAsk(PROMPT.choice, catalog));
    // "ok" or "?" is not a description; anything from three characters on deserves a try.
    this.addDialog(new TextAsk(PROMPT.text, catalog, 3));
    this.addDialog(new DescriptionAsk(DESCRIPTION_PROMPT, catalog, 3));
    this.addDialog(new LocationAsk(PROMPT.location, catalog));
    this.addDialog(new PhotoAsk(PROMPT.photo, catalog));
    this.addDialog(new ContactAsk(PROMPT.contact, catalog));
    this.initialDialogId = DIALOG.intakeMain;
  }
}

// "What is going on?": any text of three characters or more, but "sí", "no sé" or "ya te lo dije" is asked again.
const DESCRIPTION_PROMPT = 'ask.description';

class DescriptionAsk extends TextAsk {
  protected override async onRecognize(ctx: TurnContext): Promise<PromptRecognizerResult<string>> {
    if (nonAnswer(ctx.activity.text)) return { succeeded: false };
    return super.onRecognize(ctx);
  }
}
