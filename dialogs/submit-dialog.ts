import type { TurnContext } from 'botbuilder';
import type { DialogContext, DialogReason, DialogTurnResult, FoundChoice, PromptOptions, PromptRecognizerResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { ComponentDialog, WaterfallDialog } from './dialog-library';
import { locationOf } from '../bot/activity';
import { ConnectorUnavailableError, TicketRejectedError } from '../bot/errors';
import type { TicketRef } from '../connectors/connector';
import { isReachable, parseContact } from './answers';
import { PROCEDURE_TYPES, type Catalog, type ProcedureType } from '../catalog/schema';
import { normalize } from './classify/normalize';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say } from './i18n';
import { confirmationOf, harvest, toTicketDraft, type IntakeDraft } from './intake-draft';
import { pickServiceDialog, typeKey, type PickServiceOptions, type PickServiceResult } from './pick-service-dialog';
import { ask, attachmentsOf, ChoiceAsk, ContactAsk, LocationAsk, PhotoAsk, TextAsk, yesNo, type ChoiceSpec, type Skippable } from './prompts';
import { collectFieldsDialog } from './collect-fields-dialog';
import { localeOf } from './turn-keys';
import { understandingOf } from './understand/of-deps';
import { rememberPlace } from './known-place';
import type { TicketAttachment, TicketLocation } from '../connectors/connector';
import { actingFor, ForWhomDialog, type ForWhom } from './for-whom-dialog';

/** What the citizen can do at the confirmation (besides sending it). */
export type Correction = 'photo' | 'type' | 'service' | 'place';

export interface SubmitOptions {
  draft: IntakeDraft;
  /** The last attempt failed because the back office was down: ask to retry instead of re-summarizing. */
  retry?: boolean;
  /** Go straight to this correction (chosen from "¿Qué quieres cambiar?"). */
  correct?: Correction;
  /** The service changed: ask for what the new one requires before confirming again. */
  collect?: boolean;
}

/** The prompt of the confirmation: its buttons, plus a pin, photos or typed corrections. */
export const CONFIRM_PROMPT = 'ask.confirm';

/** What the step after a prompt is waiting for (waterfall `values`, kept in dialog state). */
interface StepValues {
  branch?: Correction | 'menu' | 'collect' | 'forWhom';
}

// Answers meaning "not like this" without saying what: the citizen is asked what to change.
const NO = new Set(['no', 'nop', 'nope', 'no gracias', 'incorrecto', 'incorrecte', 'wrong', 'not quite', 'no es eso', 'no es aixo', 'thats wrong', 'that s wrong', 'corregir', 'cambiar', 'canviar', 'change', 'fix']);

/**
 * The one confirmation, then filing with the draft's idempotency key.
 *
 * "Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío?" with buttons: send, add a photo,
 * change the type, change the service (every service reachable), fix the place. A pin, a photo,
 * a phone or email, or a typed place sent instead of a button updates the draft and shows it again;
 * "no" asks what to change.
 *
 * When the back office is unavailable the draft stays in dialog state and the citizen is asked to
 * retry: a later "sí" files it with the same key, so a first attempt that did land (but whose
 * answer was lost) is returned instead of duplicated. With a geocoder configured, a typed place is
 * given coordinates just before filing; a geocoder that is down or slow only means no coordinates.
 */
export function submitDialog(deps: EngineDeps): ComponentDialog<SubmitOptions> {
  return new SubmitDialog(deps);
}

class SubmitDialog extends ComponentDialog<SubmitOptions> {
  constructor(deps: EngineDeps) {
    super(DIALOG.submit);
    this.addDialog(submitSteps(deps));
    // Its own prompts and service picker, so every dialog that files (intake, answers to questions) gets the same confirmation.
    this.addDialog(new ConfirmAsk(CONFIRM_PROMPT, deps.catalog));
    this.addDialog(new ChoiceAsk(PROMPT.choice, deps.catalog));
    this.addDialog(new PhotoAsk(PROMPT.photo, deps.catalog));
    this.addDialog(new LocationAsk(PROMPT.location, deps.catalog));
    this.addDialog(new TextAsk(PROMPT.text, deps.catalog, 3));
    this.addDialog(pickServiceDialog(deps));
    this.addDialog(collectFieldsDialog(deps));
    this.addDialog(new ContactAsk(PROMPT.contact, deps.catalog));
    this.addDialog(new ForWhomDialog(deps));
    this.initialDialogId = SUBMIT_STEPS;
  }

  /**
   * A conversation saved by the previous version (submit was a plain waterfall at its "¿Lo envío?"
   * question) has no inner dialog state: show it the new confirmation for its draft instead of
   * ending the intake without a word.
   */
  override async continueDialog(outerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.fromPreviousVersion(outerDc)) ?? super.continueDialog(outerDc);
  }

  /** Its "¿Lo envío?" prompt answered: the same, the prompt sat above the waterfall then. */
  override async resumeDialog(outerDc: DialogContext, reason: DialogReason, result?: unknown): Promise<DialogTurnResult> {
    return (await this.fromPreviousVersion(outerDc)) ?? super.resumeDialog(outerDc, reason, result);
  }

  private async fromPreviousVersion(outerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const state = outerDc.activeDialog?.state as { dialogs?: unknown; options?: Partial<SubmitOptions> } | undefined;
    if (!state || state.dialogs !== undefined || !state.options?.draft) return undefined;
    return outerDc.replaceDialog(DIALOG.submit, { draft: state.options.draft } satisfies SubmitOptions);
  }
}

// The confirmation's own loop inside the submit component: each change replaces it with the updated draft.
const SUBMIT_STEPS = 'intake.submit.steps';

function submitSteps(deps: EngineDeps): WaterfallDialog<SubmitOptions> {
  const { catalog, connector, log } = deps;
  const understanding = understandingOf(deps);

  return new WaterfallDialog<SubmitOptions>(SUBMIT_STEPS, [
    async function confirm(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
      if (step.options.retry) return step.prompt(PROMPT.choice, ask(say('intake.retryConfirm'), { choiceSpecs: yesNo(), retrySay: say('choice.retryYesNo') }));
      if (step.options.correct) return step.next({ value: step.options.correct, index: 0, score: 1 } satisfies FoundChoice);
      if (step.options.collect) {
        (step.values as StepValues).branch = 'collect';
        return step.beginDialog(DIALOG.collectFields, step.options.draft);
      }
      const { draft } = step.options;
      // "¿Para quién es?", once, before the confirmation: asked only of a citizen who acts for someone now.
      if (!draft.forWhom && deps.representations) {
        (step.values as StepValues).branch = 'forWhom';
        return step.beginDialog(DIALOG.forWhom);
      }
      return step.prompt(CONFIRM_PROMPT, ask(confirmationOf(draft), { choiceSpecs: confirmChoices(draft), retrySay: say('confirm.retry') }));
    },

    async function decide(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
      const ctx = step.context;
      const locale = localeOf(ctx);
      const { draft } = step.options;
      if ((step.values as StepValues).branch === 'collect') return step.replaceDialog(SUBMIT_STEPS, { draft: step.result as IntakeDraft } satisfies SubmitOptions);
      if ((step.values as StepValues).branch === 'forWhom') return step.replaceDialog(SUBMIT_STEPS, { draft: { ...draft, forWhom: step.result as ForWhom } } satisfies SubmitOptions);
      const answer = step.result as FoundChoice;
      switch (answer.value) {
        case 'yes':
        case 'send':
          return file(step);
        case 'no':
          if (step.options.retry) {
            await ctx.sendActivity(render(catalog, locale, say('intake.cancelled')));
            return step.endDialog();
          }
          (step.values as StepValues).branch = 'menu';
          return step.prompt(PROMPT.choice, ask(say('confirm.whatToChange'), { choiceSpecs: menuChoices(draft), retrySay: say('choice.retryPick') }));
        case 'input':
          return step.replaceDialog(SUBMIT_STEPS, { draft: await withInput(draft, ctx) } satisfies SubmitOptions);
        case 'photo':
          (step.values as StepValues).branch = 'photo';
          return step.prompt(PROMPT.photo, ask(say('confirm.askPhoto'), { retrySay: say('intake.askPhotoRetry'), skippable: true }));
        case 'type':
          (step.values as StepValues).branch = 'type';
          return step.prompt(PROMPT.choice, ask(say('confirm.pickType'), { choiceSpecs: typeChoices(catalog), retrySay: say('choice.retryPick') }));
        case 'service': {
          (step.values as StepValues).branch = 'service';
          const text = draft.texts.join('\n');
          const options: PickServiceOptions = { text, texts: draft.texts, misses: 0, ...(draft.type ? { type: draft.type } : {}), ...(draft.service ? { correcting: draft.service } : {}) };
          return step.beginDialog(DIALOG.pickService, options);
        }
        case 'place':
          (step.values as StepValues).branch = 'place';
          return step.prompt(PROMPT.location, ask(say('confirm.askPlace'), { retrySay: say('intake.askLocationRetry') }));
        default:
          // "No enviar".
          await ctx.sendActivity(render(catalog, locale, say('intake.cancelled')));
          return step.endDialog();
      }
    },

    async function apply(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
      const { draft } = step.options;
      const branch = (step.values as StepValues).branch;
      switch (branch) {
        case 'menu': {
          const chosen = (step.result as FoundChoice).value;
          if (chosen === 'cancel') {
            await step.context.sendActivity(render(catalog, localeOf(step.context), say('intake.cancelled')));
            return step.endDialog();
          }
          return step.replaceDialog(SUBMIT_STEPS, { draft, correct: chosen as Correction } satisfies SubmitOptions);
        }
        case 'photo': {
          const a = step.result as Skippable<TicketAttachment[]>;
          const photos = a.skipped ? draft.photos : [...draft.photos, ...a.value.filter((p) => !draft.photos.some((q) => q.url === p.url))];
          return step.replaceDialog(SUBMIT_STEPS, { draft: { ...draft, photos } } satisfies SubmitOptions);
        }
        case 'type': {
          const type = (step.result as FoundChoice).value as ProcedureType;
          return step.replaceDialog(SUBMIT_STEPS, { draft: { ...draft, type, typeFixed: true } } satisfies SubmitOptions);
        }
        case 'service': {
          const picked = step.result as PickServiceResult;
          // The new service may require what the old one did not (a contact for a lost pet).
          return step.replaceDialog(SUBMIT_STEPS, { draft: { ...draft, service: picked.service }, collect: true } satisfies SubmitOptions);
        }
        case 'place': {
          const a = step.result as Skippable<TicketLocation>;
          if (a.skipped) return step.replaceDialog(SUBMIT_STEPS, { draft } satisfies SubmitOptions);
          const typed = a.value.address ? understanding.placeFromAnswer(a.value.address, localeOf(step.context))?.display : undefined;
          // A new place replaces the old one whole: an old pin must not travel with a new address.
          const location: TicketLocation = { ...a.value, ...(typed ? { address: typed } : {}) };
          return step.replaceDialog(SUBMIT_STEPS, { draft: { ...draft, location } } satisfies SubmitOptions);
        }
        default:
          return step.endDialog(step.result);
      }
    },
  ]);

  /** What a message sent instead of a button adds: photos, a pin, a place, a phone or email. */
  async function withInput(draft: IntakeDraft, ctx: TurnContext): Promise<IntakeDraft> {
    const text = ctx.activity.text?.trim() ?? '';
    const point = locationOf(ctx.activity);
    let next = harvest({ ...draft, said: [...(draft.said ?? []), ...(text ? [text] : [])] }, ctx.activity);
    if (point) next = { ...next, location: { point, ...(text ? { address: text } : {}) } };
    else if (text) {
      const u = await understanding.understand(text, localeOf(ctx));
      if (u.place) next = { ...next, location: { address: u.place.display } };
      const contact = parseContact(text);
      if (isReachable(contact)) next = { ...next, contact };
    }
    return next;
  }

  async function file(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
    const ctx = step.context;
    const locale = localeOf(ctx);
    let { draft } = step.options;
    const service = catalog.services.find((s) => s.code === draft.service);
    if (!service) throw new TicketRejectedError(`intake ended on unknown service "${draft.service ?? ''}"`);
    if (draft.location?.address && !draft.location.point && understanding.geocodes) {
      const point = await understanding.geocode(draft.location, locale);
      if (point) {
        draft = { ...draft, location: { ...draft.location, point } };
        step.options.draft = draft;
      }
    }
    // Where the report is: a booking later in the conversation lists the nearest office first.
    if (draft.location?.point) await rememberPlace(ctx, { point: draft.location.point, ...(draft.location.address ? { label: draft.location.address } : {}) });
    // Checked again now: a representation chosen at the question may have expired or been revoked since.
    const acting = await actingFor(deps, ctx, draft.forWhom);
    if (!acting) return step.endDialog();
    const ticket = toTicketDraft(draft, {
      service,
      ...acting,
      channel: ctx.activity.channelId,
      conversationId: ctx.activity.conversation.id,
      locale,
    });
    let ref: TicketRef;
    try {
      ref = await connector.createTicket(ticket, draft.key);
    } catch (err) {
      if (err instanceof ConnectorUnavailableError) {
        log.warn({ err, service: service.code, conversationId: ticket.conversationId }, 'ticket not filed: back office unavailable');
        await ctx.sendActivity(render(catalog, locale, say('intake.unavailable')));
        const retry: SubmitOptions = { draft, retry: true };
        return step.replaceDialog(SUBMIT_STEPS, retry);
      }
      if (err instanceof TicketRejectedError) {
        log.error({ err, service: service.code, conversationId: ticket.conversationId }, 'ticket rejected by back office');
        await ctx.sendActivity(render(catalog, locale, say('intake.rejected')));
        return step.endDialog();
      }
      throw err;
    }
    log.info({ reference: ref.reference, service: service.code, type: ticket.type, unclassified: draft.unclassified === true }, 'ticket filed');
    await ctx.sendActivity(
      render(catalog, locale, say(ref.pending ? 'intake.filedPending' : 'intake.filed', { your: say(typeKey(ticket.type, 'your')), reference: ref.reference })),
    );
    return step.endDialog(ref);
  }
}


/** The confirmation's buttons. */
function confirmChoices(draft: IntakeDraft): ChoiceSpec[] {
  return [
    // The shared yes-words ("sí", "dale", "envíalo", "send it"…) by name: dialog state stays small.
    { value: 'send', label: say('confirm.send'), synonyms: 'yes' },
    { value: 'photo', label: say('confirm.addPhoto'), synonyms: ['foto', 'una foto', 'photo', 'picture', 'añadir foto', 'afegir foto', 'add photo'] },
    { value: 'type', label: say('confirm.changeType'), synonyms: ['tipo', 'tipus', 'type', 'cambiar tipo', 'canviar tipus', 'change type'] },
    { value: 'service', label: say('confirm.changeService'), synonyms: ['servicio', 'servei', 'service', 'cambiar servicio', 'canviar servei', 'change service'] },
    { value: 'place', label: say(draft.location ? 'confirm.changePlace' : 'confirm.addPlace'), synonyms: ['lugar', 'lloc', 'place', 'direccion', 'dirección', 'adreça', 'address', 'ubicacion', 'ubicación', 'location'] },
  ];
}

/** "¿Qué quieres cambiar?" after a plain "no". */
function menuChoices(draft: IntakeDraft): ChoiceSpec[] {
  return [
    ...confirmChoices(draft).filter((c) => c.value === 'type' || c.value === 'service' || c.value === 'place'),
    { value: 'cancel', label: say('confirm.dontSend'), synonyms: ['no enviar', 'cancelar', 'cancel', "don't send", 'dont send', 'no ho enviïs', 'nada', 'res'] },
  ];
}

/** The procedure types, named as the catalog names them. */
function typeChoices(catalog: Catalog): ChoiceSpec[] {
  return PROCEDURE_TYPES.map((type) => {
    const names = catalog.types[type]?.names;
    return { value: type, label: { type }, synonyms: [type, ...(names ? [names.es, names.ca, names.en] : []), ...(type === 'reclamo' ? ['queja', 'queixa', 'complaint', 'reclamació'] : [])] };
  });
}

/**
 * The confirmation's prompt: its buttons (in any language, or by number), "no", and anything sent
 * instead of a button that updates the report (a photo, a pin, a place, a phone or an email).
 */
export class ConfirmAsk extends ChoiceAsk {
  protected override async onRecognize(ctx: TurnContext, state: object, options: PromptOptions): Promise<PromptRecognizerResult<FoundChoice>> {
    const text = ctx.activity.text?.trim() ?? '';
    const input = (value: string): PromptRecognizerResult<FoundChoice> => ({ succeeded: true, value: { value, index: -1, score: 1, synonym: text } });
    if (attachmentsOf(ctx.activity).length > 0 || locationOf(ctx.activity)) return input('input');
    const found = await super.onRecognize(ctx, state, options);
    if (found.succeeded && found.value && normalize(text).split(' ').length <= 4) return found;
    if (NO.has(normalize(text))) return input('no');
    if (text && (understandingOf({}).read(text).place || isReachable(parseContact(text)))) return input('input');
    return found;
  }
}
