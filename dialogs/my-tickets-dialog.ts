import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { ConnectorUnavailableError } from '../bot/errors';
import type { TicketStatus } from '../connectors/connector';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type Say } from './i18n';
import { stateKey } from './status-dialog';
import { ticketViewFor } from './ticket-view';
import { citizenIdOf, localeOf } from './turn-keys';

// A chat message, not a report: the newest few, and a count of the rest.
const MAX_LISTED = 10;

/** "Mis reclamos": the citizen's tickets, newest first (reference, service, state), or "none yet". */
export class MyTicketsDialog extends Dialog {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.myTickets);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { catalog, connector, log } = this.deps;
    const locale = localeOf(dc.context);
    const reply = async (s: Say): Promise<DialogTurnResult> => {
      await dc.context.sendActivity(render(catalog, locale, s));
      return dc.endDialog();
    };
    // Optional capability: a back office that cannot list by citizen still answers by reference.
    if (!connector.listForCitizen) return reply(say('tickets.unavailable'));
    const citizenId = citizenIdOf(dc.context);
    let tickets: TicketStatus[];
    try {
      tickets = await connector.listForCitizen(citizenId);
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      log.warn({ err }, 'ticket list not available: back office unavailable');
      return reply(say('tickets.unavailable'));
    }
    if (tickets.length === 0) return reply(say('tickets.none'));
    // The list shows public fields only; they go through the same rule as a status question all the same.
    const items: Say[] = tickets
      .slice(0, MAX_LISTED)
      .map((t) => ticketViewFor(t, citizenId))
      .map((t) => say('tickets.item', { reference: t.reference, service: { service: t.service }, status: say(stateKey(t.status)) }));
    if (tickets.length > MAX_LISTED) items.push(say('tickets.more', { count: tickets.length - MAX_LISTED }));
    return reply(say('tickets.list', { items }));
  }
}
