import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialog-library';
import { positionIn } from '../bot/choice-position';
import { ConnectorUnavailableError } from '../bot/errors';
import type { TicketStatus } from '../connectors/connector';
import { REROUTE } from './csat-dialog';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say, type MessageKey, type Say } from './i18n';
import { stateKey, type StatusOptions } from './status-dialog';
import { ticketViewFor } from './ticket-view';
import { citizenIdOf, localeOf } from './turn-keys';

// A chat message, not a report: the newest few, and a count of the rest.
const MAX_LISTED = 10;

export interface MyTicketsOptions {
  /** Only these tickets, in this order (the matches of a follow-up question); absent: all of the citizen's. */
  references?: string[];
  /** The sentence around the list. @defaultValue 'tickets.list' */
  intro?: MessageKey;
}

/** What the open list remembers: the references in the order shown, so "2" opens the second. */
interface ListState {
  references: string[];
}

/**
 * "Mis reclamos": the citizen's tickets, newest first, numbered (reference, service, state), or "none
 * yet". The list stays open for one answer: a number ("2", "el 2", "the second one", "la segona")
 * opens that ticket's status; anything else ends the list and is handled as a new message.
 */
export class MyTicketsDialog extends Dialog<MyTicketsOptions> {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.myTickets);
  }

  override async beginDialog(dc: DialogContext, options?: MyTicketsOptions): Promise<DialogTurnResult> {
    const { connector, log } = this.deps;
    // Optional capability: a back office that cannot list by citizen still answers by reference.
    if (!connector.listForCitizen) return this.reply(dc, say('tickets.unavailable'));
    const citizenId = citizenIdOf(dc.context);
    let tickets: TicketStatus[];
    try {
      tickets = await connector.listForCitizen(citizenId);
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      log.warn({ err }, 'ticket list not available: back office unavailable');
      return this.reply(dc, say('tickets.unavailable'));
    }
    if (options?.references) {
      const byReference = new Map(tickets.map((t) => [t.reference, t]));
      tickets = options.references.flatMap((r) => byReference.get(r) ?? []);
    }
    if (tickets.length === 0) return this.reply(dc, say('tickets.none'));
    // The list shows public fields only; they go through the same rule as a status question all the same.
    const shown = tickets.slice(0, MAX_LISTED).map((t) => ticketViewFor(t, citizenId));
    // Those the citizen filed on someone's behalf say for whom.
    const forOthers = tickets.some((t) => t.citizenId !== citizenId) ? await this.deps.representations?.representedBy(citizenId) : undefined;
    const items: Say[] = shown.map((t, i) => {
      const vars = { n: i + 1, reference: t.reference, service: { service: t.service }, status: say(stateKey(t.status)) };
      const name = forOthers?.get(tickets[i]!.citizenId ?? '');
      return name && tickets[i]!.citizenId !== citizenId ? say('tickets.numberedFor', { ...vars, name }) : say('tickets.numbered', vars);
    });
    if (tickets.length > MAX_LISTED) items.push(say('tickets.more', { count: tickets.length - MAX_LISTED }));
    await dc.context.sendActivity(render(this.deps.catalog, localeOf(dc.context), say(options?.intro ?? 'tickets.list', { items })));
    (dc.activeDialog!.state as ListState).references = shown.map((t) => t.reference);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { references } = dc.activeDialog!.state as ListState;
    const n = positionIn(dc.context.activity.text, references.length);
    // Not a number: the list is done with, and the message is handled afresh (a report, a reference…).
    if (n === undefined) return dc.endDialog(REROUTE);
    const reference = references[n - 1];
    if (!reference) {
      await dc.context.sendActivity(render(this.deps.catalog, localeOf(dc.context), say('tickets.noSuchItem', { n, count: references.length })));
      return Dialog.EndOfTurn;
    }
    return dc.replaceDialog(DIALOG.status, { reference } satisfies StatusOptions);
  }

  private async reply(dc: DialogContext, s: Say): Promise<DialogTurnResult> {
    await dc.context.sendActivity(render(this.deps.catalog, localeOf(dc.context), s));
    return dc.endDialog();
  }
}
