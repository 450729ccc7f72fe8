import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { isSkip } from './answers';
import { datetimeAnswer } from './datetime-answer';
import { DIALOG, PROMPT } from './dialog-ids';
import type { ServiceQuestion } from './engine-deps';
import { say, t } from './i18n';
import { localeOf } from './turn-keys';
import type { IntakeDraft } from './intake-draft';
import { ask, type ChoiceSpec } from './prompts';

export interface QuestionsOptions {
  draft: IntakeDraft;
  questions: ServiceQuestion[];
  /** The question being asked now. */
  index: number;
}

const SKIP = '__skip__';

/**
 * Asks the back office's own questions for the service (Open311 service attributes: "¿Hay peligro
 * inmediato?"), one per turn, in the back office's wording: lists as choices, the rest as free text.
 * An optional question can be skipped ("no"); a numeric one is asked again until it is a number, a
 * datetime one until it reads as a date and time (sent as a W3C datetime in the city's time zone).
 * The back office's notices (informational attributes) are shown where they come, not asked.
 * Ends with the draft, its `attributes` filled in.
 */
export function backOfficeQuestionsDialog(timeZone: string, now: () => number = Date.now): WaterfallDialog<QuestionsOptions> {
  return new WaterfallDialog<QuestionsOptions>(DIALOG.backOfficeQuestions, [
    async function askOne(step: WaterfallStepContext<QuestionsOptions>): Promise<DialogTurnResult> {
      let index = step.options.index;
      for (let notice = step.options.questions[index]; notice?.informational; notice = step.options.questions[++index]) {
        await step.context.sendActivity(t(localeOf(step.context), 'attribute.notice', { notice: notice.text }));
      }
      if (index !== step.options.index) return step.replaceDialog(DIALOG.backOfficeQuestions, { ...step.options, index } satisfies QuestionsOptions);
      const q = step.options.questions[index];
      if (!q) return step.endDialog(step.options.draft);
      const question = say(q.required ? 'attribute.ask' : 'attribute.askOptional', { question: q.text });
      if (q.choices?.length) {
        const specs: ChoiceSpec[] = q.choices.map((c) => ({ value: c.key, label: c.name, synonyms: [c.key, c.name] }));
        if (!q.required) specs.push({ value: SKIP, label: say('attribute.skip'), synonyms: ['no', 'saltar', 'omitir', 'skip', 'ometre'] });
        return step.prompt(PROMPT.choice, ask(question, { choiceSpecs: specs, retrySay: say('choice.retryPick') }));
      }
      return step.prompt(PROMPT.answer, ask(question, { retrySay: say('attribute.retry', { question: q.text }) }));
    },

    async function store(step: WaterfallStepContext<QuestionsOptions>): Promise<DialogTurnResult> {
      const { questions, index, draft } = step.options;
      const q = questions[index]!;
      const value = q.choices?.length ? (step.result as FoundChoice).value : String(step.result).trim();
      const skipped = value === SKIP || (!q.choices?.length && !q.required && isSkip(value));
      if (!skipped && q.numeric && !/^-?\d+(?:[.,]\d+)?$/.test(value)) {
        return step.replaceDialog(DIALOG.backOfficeQuestions, { draft, questions, index } satisfies QuestionsOptions);
      }
      const when = !skipped && q.datetime ? datetimeAnswer(value, new Date(now()), timeZone) : undefined;
      if (!skipped && q.datetime && !when) {
        await step.context.sendActivity(t(localeOf(step.context), 'attribute.retryDatetime'));
        return step.replaceDialog(DIALOG.backOfficeQuestions, { draft, questions, index } satisfies QuestionsOptions);
      }
      const answer = when ?? (q.multiple ? [value] : q.numeric ? value.replace(',', '.') : value);
      const next: IntakeDraft = skipped ? draft : { ...draft, attributes: { ...draft.attributes, [q.code]: answer } };
      return step.replaceDialog(DIALOG.backOfficeQuestions, { draft: next, questions, index: index + 1 } satisfies QuestionsOptions);
    },
  ]);
}
