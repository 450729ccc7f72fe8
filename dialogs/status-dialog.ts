import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { ConnectorUnavailableError } from '../bot/errors';
import type { TicketState, TicketStatus } from '../connectors/connector';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { formatDate, render, say, type MessageKey } from './i18n';
import { localeOf } from './turn-keys';

export interface StatusOptions {
  /** Citizen-facing reference, e.g. ALU-2026-000012. */
  reference: string;
}

/** The translated name of a ticket state. */
export function stateKey(state: TicketState): MessageKey {
  return `state.${state}`;
}

/**
 * Answers "¿cómo va ALU-2026-000012?": state, service, opening date and last update (with the back
 * office's latest note), in the citizen's language. One turn, no questions.
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
    const tz = catalog.city.timezone;
    const lines = [
      say('status.summary', {
        reference: status.reference,
        service: { service: status.service },
        status: say(stateKey(status.status)),
        created: formatDate(locale, status.createdAt, tz),
        updated: formatDate(locale, status.updatedAt, tz),
      }),
      ...(status.note ? [say('status.note', { note: status.note })] : []),
    ];
    await dc.context.sendActivity(lines.map((l) => render(catalog, locale, l)).join('\n'));
    return dc.endDialog(status);
  }
}
