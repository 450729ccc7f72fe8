import { WaterfallDialog, type DialogTurnResult, type WaterfallStepContext } from 'botbuilder-dialogs';
import type { TicketAttachment, TicketContact, TicketLocation } from '../connectors/connector';
import type { Field } from './catalog/schema';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { say } from './i18n';
import { harvest, nextField, type IntakeDraft } from './intake-draft';
import { ask, type Skippable } from './prompts';

/**
 * Asks, one at a time, for the fields the chosen service needs and the citizen has not given yet
 * (location, description, photo, contact), then ends with the completed draft. Each answer replaces
 * the dialog with an updated draft, so the loop's whole state is the draft itself.
 */
/** What the loop remembers between asking and storing (waterfall `values`, kept in dialog state). */
interface StepValues {
  field: Field;
}

export function collectFieldsDialog(deps: EngineDeps): WaterfallDialog<IntakeDraft> {
  const serviceOf = (draft: IntakeDraft) => deps.catalog.services.find((s) => s.code === draft.service);

  return new WaterfallDialog<IntakeDraft>(DIALOG.collectFields, [
    async function askNext(step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> {
      const service = serviceOf(step.options);
      const next = service && nextField(step.options, service);
      if (!next) return step.endDialog(step.options);
      (step.values as StepValues).field = next.field;
      const skippable = !next.required;
      switch (next.field) {
        case 'location':
          return step.prompt(
            PROMPT.location,
            ask(say(next.required ? 'intake.askLocation' : 'intake.askLocationOptional'), { retrySay: say('intake.askLocationRetry'), skippable }),
          );
        case 'description':
          return step.prompt(
            PROMPT.text,
            ask(say(step.options.texts.length > 0 ? 'intake.describeMore' : 'intake.askDescription'), { retrySay: say('intake.askDescriptionRetry') }),
          );
        case 'photo':
          return step.prompt(
            PROMPT.photo,
            ask(say(next.required ? 'intake.askPhotoRequired' : 'intake.askPhoto'), {
              retrySay: say(next.required ? 'intake.askPhotoRequired' : 'intake.askPhotoRetry'),
              skippable,
            }),
          );
        case 'contact':
          return step.prompt(
            PROMPT.contact,
            ask(say(next.required ? 'intake.askContactRequired' : 'intake.askContact'), { retrySay: say('intake.askContactRetry'), skippable }),
          );
      }
    },

    async function store(step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> {
      const { field } = step.values as StepValues;
      const draft = withAnswer({ ...step.options, asked: [...step.options.asked, field] }, field, step.result);
      return step.replaceDialog(DIALOG.collectFields, harvest(draft, step.context.activity));
    },
  ]);
}

function withAnswer(draft: IntakeDraft, field: Field, answer: unknown): IntakeDraft {
  switch (field) {
    case 'description':
      return { ...draft, texts: [...draft.texts, answer as string] };
    case 'location': {
      const a = answer as Skippable<TicketLocation>;
      return a.skipped ? draft : { ...draft, location: { ...draft.location, ...a.value } };
    }
    case 'photo': {
      const a = answer as Skippable<TicketAttachment[]>;
      return a.skipped ? draft : { ...draft, photos: [...draft.photos, ...a.value] };
    }
    case 'contact': {
      const a = answer as Skippable<TicketContact>;
      return a.skipped ? draft : { ...draft, contact: a.value };
    }
  }
}
