import { WaterfallDialog, type DialogTurnResult, type FoundChoice, type WaterfallStepContext } from 'botbuilder-dialogs';
import { ConnectorUnavailableError, TicketRejectedError } from '../bot/errors';
import type { TicketRef } from '../connectors/connector';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say } from './i18n';
import { summaryOf, toTicketDraft, type IntakeDraft } from './intake-draft';
import { typeKey } from './pick-service-dialog';
import { ask, yesNo } from './prompts';
import { citizenIdOf, localeOf } from './turn-keys';

export interface SubmitOptions {
  draft: IntakeDraft;
  /** The last attempt failed because the back office was down: ask to retry instead of re-summarizing. */
  retry?: boolean;
}

/**
 * Shows the summary, and on "sí" files the ticket with the draft's idempotency key.
 *
 * When the back office is unavailable the draft stays in dialog state and the citizen is asked to
 * retry: a later "sí" files it with the same key, so a first attempt that did land (but whose
 * answer was lost) is returned instead of duplicated.
 */
export function submitDialog(deps: EngineDeps): WaterfallDialog<SubmitOptions> {
  const { catalog, connector, log } = deps;

  return new WaterfallDialog<SubmitOptions>(DIALOG.submit, [
    async function confirm(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
      const question = step.options.retry ? say('intake.retryConfirm') : summaryOf(step.options.draft);
      return step.prompt(PROMPT.choice, ask(question, { choiceSpecs: yesNo(), retrySay: say('choice.retryYesNo') }));
    },

    async function file(step: WaterfallStepContext<SubmitOptions>): Promise<DialogTurnResult> {
      const ctx = step.context;
      const locale = localeOf(ctx);
      const { draft } = step.options;
      if ((step.result as FoundChoice).value !== 'yes') {
        await ctx.sendActivity(render(catalog, locale, say('intake.cancelled')));
        return step.endDialog();
      }
      const service = catalog.services.find((s) => s.code === draft.service);
      if (!service) throw new TicketRejectedError(`intake ended on unknown service "${draft.service ?? ''}"`);
      const ticket = toTicketDraft(draft, {
        service,
        citizenId: citizenIdOf(ctx),
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
          return step.replaceDialog(DIALOG.submit, retry);
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
    },
  ]);
}
