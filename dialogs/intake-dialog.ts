import { randomUUID } from 'node:crypto';
import type { StatePropertyAccessor } from 'botbuilder';
import { ComponentDialog, WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import { AnswerQuestionDialog, type AnswerQuestionOptions } from './answer-question-dialog';
import { collectFieldsDialog } from './collect-fields-dialog';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { handoffDialog, type HandoffMemo, type HandoffOptions } from './handoff-dialog';
import { backOfficeQuestionsDialog, type QuestionsOptions } from './back-office-questions-dialog';
import { say } from './i18n';
import { newDraft, type IntakeDraft, type IntakeSeed } from './intake-draft';
import { pickServiceDialog, type PickServiceOptions, type PickServiceResult } from './pick-service-dialog';
import { ask, ChoiceAsk, ContactAsk, LocationAsk, PhotoAsk, TextAsk } from './prompts';
import { submitDialog, type SubmitOptions } from './submit-dialog';

/** The draft as it stands between steps (waterfall `values`, kept in dialog state). */
interface StepValues {
  draft: IntakeDraft;
}

/**
 * From a citizen's report to a filed ticket: describe (when the first message had no text) →
 * pick the service → collect the missing fields → summary and confirm → file.
 *
 * Options: the first message's text, shared pin and photos. The draft (with its idempotency key,
 * generated here once) travels through the steps in dialog state.
 */
export class IntakeDialog extends ComponentDialog {
  constructor(deps: EngineDeps, memo: StatePropertyAccessor<HandoffMemo | undefined>) {
    super(DIALOG.intake);
    const { catalog } = deps;
    this.addDialog(
      new WaterfallDialog<IntakeSeed>(DIALOG.intakeMain, [
        async function describe(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const draft = newDraft(randomUUID(), step.options);
          (step.values as StepValues).draft = draft;
          const text = draft.texts[0];
          if (text !== undefined && /\p{L}/u.test(text)) return step.next(text);
          // A pin, a photo or the greeting's "report a problem" button: ask what is going on first.
          (step.values as StepValues).draft = { ...draft, texts: [], asked: ['description'] } satisfies IntakeDraft;
          return step.prompt(PROMPT.text, ask(say('intake.askDescription'), { retrySay: say('intake.askDescriptionRetry') }));
        },

        async function pick(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const draft = (step.values as StepValues).draft;
          const text = step.result as string;
          const texts = draft.texts.length > 0 ? draft.texts : [text];
          (step.values as StepValues).draft = { ...draft, texts } satisfies IntakeDraft;
          const options: PickServiceOptions = { text, texts, misses: 0 };
          return step.beginDialog(DIALOG.pickService, options);
        },

        async function collect(step: WaterfallStepContext<IntakeSeed>): Promise<DialogTurnResult> {
          const picked = step.result as PickServiceResult;
          const draft: IntakeDraft = {
            ...(step.values as StepValues).draft,
            service: picked.service,
            type: picked.type,
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
    this.addDialog(backOfficeQuestionsDialog());
    this.addDialog(new AnswerQuestionDialog(deps, memo));
    this.addDialog(new TextAsk(PROMPT.answer, catalog, 1));
    this.addDialog(new ChoiceAsk(PROMPT.choice, catalog));
    // "ok" or "?" is not a description; anything from three characters on deserves a try.
    this.addDialog(new TextAsk(PROMPT.text, catalog, 3));
    this.addDialog(new LocationAsk(PROMPT.location, catalog));
    this.addDialog(new PhotoAsk(PROMPT.photo, catalog));
    this.addDialog(new ContactAsk(PROMPT.contact, catalog));
    this.initialDialogId = DIALOG.intakeMain;
  }
}
