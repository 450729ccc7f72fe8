import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import type { TicketAttachment, TicketContact, TicketLocation } from '../connectors/connector';
import { isReachable, parseContact } from './answers';
import type { Field } from '../catalog/schema';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { say, type MessageKey } from './i18n';
import { harvest, nextField, type IntakeDraft } from './intake-draft';
import { ask, type Skippable } from './prompts';
import { describesProblem } from './understand/describe';
import { afterNonAnswer, nonAnswer } from './understand/non-answer';
import { understandingOf } from './understand/of-deps';

/**
 * Asks, one at a time, for the fields the chosen service requires and the citizen has not given yet
 * (location, description, contact), then ends with the completed draft. Each answer replaces the
 * dialog with an updated draft, so the loop's whole state is the draft itself.
 *
 * An answer that is not an answer ("sí" to the contact question, "no sé", "ya te lo di") is never
 * stored: the value is taken from what the citizen wrote earlier in this intake when it is there,
 * else the question is asked again once, politely.
 */
/** What the loop remembers between asking and storing (waterfall `values`, kept in dialog state). */
interface StepValues {
  field: Field;
  required: boolean;
}

export function collectFieldsDialog(deps: EngineDeps): WaterfallDialog<IntakeDraft> {
  const serviceOf = (draft: IntakeDraft) => deps.catalog.services.find((s) => s.code === draft.service);
  const understanding = understandingOf(deps);

  return new WaterfallDialog<IntakeDraft>(DIALOG.collectFields, [
    async function askNext(step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> {
      const service = serviceOf(step.options);
      const next = service && nextField(step.options, service);
      if (!next) return step.endDialog(step.options);
      Object.assign(step.values as StepValues, { field: next.field, required: next.required } satisfies StepValues);
      const skippable = !next.required;
      const reasked = step.options.reasked?.includes(next.field) === true;
      switch (next.field) {
        case 'location':
          return step.prompt(
            PROMPT.location,
            ask(say(reasked ? 'intake.reaskPlace' : next.required ? 'intake.askLocation' : 'intake.askLocationOptional'), { retrySay: say('intake.askLocationRetry'), skippable }),
          );
        case 'description': {
          const place = step.options.location?.address;
          const first: MessageKey = step.options.texts.length > 0 ? 'intake.describeMore' : 'intake.askDescription';
          return step.prompt(
            PROMPT.text,
            ask(reasked ? say('intake.reaskDescription') : place && step.options.texts.length === 0 ? say('intake.askDescriptionAt', { place }) : say(first), {
              retrySay: say('intake.askDescriptionRetry'),
            }),
          );
        }
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
            ask(say(reasked ? (next.required ? 'intake.reaskContact' : 'intake.reaskContactOptional') : next.required ? 'intake.askContactRequired' : 'intake.askContact'), {
              retrySay: say('intake.askContactRetry'),
              skippable,
            }),
          );
      }
    },

    async function store(step: WaterfallStepContext<IntakeDraft>): Promise<DialogTurnResult> {
      const { field, required } = step.values as StepValues;
      const text = step.context.activity.text?.trim() ?? '';
      const heard: IntakeDraft = { ...step.options, said: [...(step.options.said ?? []), ...(text ? [text] : [])] };
      const pinOrPhoto = harvest(heard, step.context.activity);
      const not = field === 'photo' ? undefined : nonAnswer(text);
      if (not && !(field === 'location' && pinOrPhoto.location?.point && !heard.location?.point)) {
        // "ya te dije, calle Mayor 3": the value may follow the complaint.
        const rest = afterNonAnswer(text);
        const earlier = recall(field, rest && rest !== text ? [rest] : [], step.options);
        if (earlier) return step.replaceDialog(DIALOG.collectFields, pinOrPhoto.location?.point && field === 'location' ? pinOrPhoto : { ...pinOrPhoto, ...earlier });
        const reasked = step.options.reasked ?? [];
        if (!reasked.includes(field)) return step.replaceDialog(DIALOG.collectFields, { ...pinOrPhoto, reasked: [...reasked, field] });
        // Asked twice: an optional field is dropped; a required one is asked again (still never stored).
        if (!required) return step.replaceDialog(DIALOG.collectFields, { ...pinOrPhoto, asked: [...pinOrPhoto.asked, field] });
        return step.replaceDialog(DIALOG.collectFields, pinOrPhoto);
      }
      const draft = withAnswer({ ...pinOrPhoto, asked: [...pinOrPhoto.asked, field] }, field, step.result);
      return step.replaceDialog(DIALOG.collectFields, await absorb(draft, field, text));
    },
  ]);

  /** A value the citizen gave earlier in this intake (or right after "ya te lo dije,"). */
  function recall(field: Field, fresh: string[], draft: IntakeDraft): Partial<IntakeDraft> | undefined {
    const texts = [...fresh, ...[...(draft.said ?? draft.texts)].reverse()];
    for (const t of texts) {
      if (nonAnswer(t)) continue;
      if (field === 'location') {
        const place = understanding.read(t).place;
        if (place) return { location: { ...draft.location, address: place.display } };
      } else if (field === 'contact') {
        const contact = parseContact(t);
        if (isReachable(contact)) return { contact };
      } else if (field === 'description') {
        if (describesProblem(t, understanding.read(t).place)) return { texts: [...draft.texts, t] };
      }
    }
    return undefined;
  }

  /** What an answer also says: a place typed as an address is read like any other message. */
  async function absorb(draft: IntakeDraft, field: Field, text: string): Promise<IntakeDraft> {
    if (!text) return draft;
    if (field === 'location' && draft.location?.address === text) {
      const place = understanding.placeFromAnswer(text);
      if (place) return { ...draft, location: { ...draft.location, address: place.display } };
    }
    if (field === 'description') {
      const u = understanding.read(text);
      return {
        ...draft,
        ...(u.place && !draft.location ? { location: { address: u.place.display } } : {}),
        ...(u.contact && !draft.contact ? { contact: u.contact } : {}),
      };
    }
    return draft;
  }
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
