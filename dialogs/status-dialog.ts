import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialog-library';
import { ConnectorUnavailableError } from '../bot/errors';
import type { TicketState, TicketStatus } from '../connectors/connector';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { formatDate, render, say, type MessageKey } from './i18n';
import { ticketViewFor } from './ticket-view';
import { citizenIdOf, localeOf } from './turn-keys';

export interface StatusOptions {
  /** Citizen-facing reference, e.g. ALU-2026-000012. */
  reference: string;
}

/** The translated name of a ticket state. */
export function stateKey(state: TicketState): MessageKey {
  return `state.${state}`;
}

/**
 * Answers "¿cómo va ALU-2026-000012?": state, service, opening date and last update, in the citizen's
 * language. The back office's latest note only to the ticket's own citizen (see ticketViewFor): anyone
 * can type a reference. One turn, no questions.
 */
export class StatusDialog extends Dialog<StatusOptions> {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.status);
  }

  override async beginDialog(dc: DialogContext, options?: StatusOptions): Promise<DialogTurnResult> {
    const { catalog, connector, log } = this.deps;
    const locale = localeOf(dc.context);
    const reference = options?.reference ?? '';
    let status: TicketStatus | undefined;
    try {
      status = await connector.getStatus(reference);
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      log.warn({ err, reference }, 'status not available: back office unavailable');
      await dc.context.sendActivity(render(catalog, locale, say('status.unavailable')));
      return dc.endDialog();
    }
    if (!status) {
      await dc.context.sendActivity(render(catalog, locale, say('status.unknown', { reference })));
      return dc.endDialog();
    }
    const view = ticketViewFor(status, citizenIdOf(dc.context));
    const tz = catalog.city.timezone;
    const lines = [
      say('status.summary', {
        reference: view.reference,
        service: { service: view.service },
        status: say(stateKey(view.status)),
        created: formatDate(locale, view.createdAt, tz),
        updated: formatDate(locale, view.updatedAt, tz),
      }),
      ...(!view.owner ? [say('status.publicOnly')] : view.note ? [say('status.note', { note: view.note })] : []),
    ];
    await dc.context.sendActivity(lines.map((l) => render(catalog, locale, l)).join('\n'));
    return dc.endDialog(view);
  }
}
