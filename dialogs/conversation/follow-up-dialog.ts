import { MessageFactory } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from '../dialog-library';
import { positionOf } from '../../bot/choice-position';
import { ConnectorUnavailableError } from '../../bot/errors';
import type { TicketState, TicketStatus } from '../../connectors/connector';
import { LOCALES, type Locale } from '../../catalog/schema';
import { normalize } from '../classify/normalize';
import { REROUTE } from '../csat-dialog';
import { DIALOG } from '../dialog-ids';
import type { EngineDeps } from '../engine-deps';
import { render, say, t } from '../i18n';
import type { IntakeSeed } from '../intake-draft';
import type { MyTicketsOptions } from '../my-tickets-dialog';
import type { StatusOptions } from '../status-dialog';
import { citizenIdOf, localeOf } from '../turn-keys';
import type { FollowUp } from './follow-up';

/** Tickets still being worked on: the ones a citizen asks "how is it going" about. */
const OPEN: readonly TicketState[] = ['open', 'in_progress'];
// The classifier's reading of a short topic ("la farola") counts fully only when it is fairly sure.
const SURE = 0.3;
const ALTERNATIVE = 0.1;

interface OfferState {
  topic: string;
}

const YES = new Set(['si', 'yes', 'y', 'vale', 'ok', 'okay', 'dale', 'claro', 'sure', 'please', 'si por favor', 'si us plau', 'yes please', 'registralo', 'registrar', 'file it', 'd acord', 'endavant']);
const NO = new Set(['no', 'nope', 'no gracias', 'no gracies', 'no thanks', 'no thank you', 'dejalo', 'deixa ho', 'never mind']);

/**
 * "¿Cómo va lo de la farola?": finds the citizen's open ticket about that topic (the classifier's
 * service for the topic, and the topic's words in what they wrote) and tells its status through the
 * status dialog (ticketViewFor decides what is shown). Several matches: a numbered list (my tickets,
 * filtered); none: says so and offers to file one now.
 */
export class FollowUpDialog extends Dialog<FollowUp> {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.followUp);
  }

  override async beginDialog(dc: DialogContext, options?: FollowUp): Promise<DialogTurnResult> {
    const topic = options?.topic ?? '';
    const { connector, log } = this.deps;
    // Without a list by citizen, the my-tickets dialog says how to ask by reference.
    if (!connector.listForCitizen) return dc.replaceDialog(DIALOG.myTickets);
    let tickets: TicketStatus[];
    try {
      tickets = await connector.listForCitizen(citizenIdOf(dc.context));
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      log.warn({ err }, 'follow-up not answered: back office unavailable');
      await dc.context.sendActivity(render(this.deps.catalog, localeOf(dc.context), say('tickets.unavailable')));
      return dc.endDialog();
    }
    const matches = await this.matching(tickets.filter((x) => OPEN.includes(x.status)), topic, localeOf(dc.context));
    if (matches.length === 1) return dc.replaceDialog(DIALOG.status, { reference: matches[0]!.reference } satisfies StatusOptions);
    if (matches.length > 1) return dc.replaceDialog(DIALOG.myTickets, { references: matches.map((m) => m.reference), intro: 'followUp.several' } satisfies MyTicketsOptions);
    const locale = localeOf(dc.context);
    await dc.context.sendActivity(MessageFactory.suggestedActions([t(locale, 'followUp.fileIt'), t(locale, 'followUp.noThanks')], t(locale, 'followUp.none')));
    (dc.activeDialog!.state as OfferState).topic = topic;
    return Dialog.EndOfTurn;
  }

  /** The answer to "shall I file one?": yes starts intake with the topic, no ends kindly, anything else is a new message. */
  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const { topic } = dc.activeDialog!.state as OfferState;
    const text = dc.context.activity.text ?? '';
    const answer = answerOf(text);
    if (answer === 'yes') return dc.replaceDialog(DIALOG.intake, { text: topic } satisfies IntakeSeed);
    if (answer === 'no') {
      await dc.context.sendActivity(t(localeOf(dc.context), 'followUp.declined'));
      return dc.endDialog();
    }
    return dc.endDialog(REROUTE);
  }

  /** The open tickets that best match the topic: by service (classifier) and by words the citizen wrote. */
  private async matching(open: TicketStatus[], topic: string, locale: Locale): Promise<TicketStatus[]> {
    if (open.length === 0 || topic === '') return [];
    const reading = await this.deps.classifier.classify(topic, locale);
    const byService = new Map<string, number>();
    for (const alt of reading.alternatives) if (alt.confidence >= ALTERNATIVE) byService.set(alt.service, 1);
    byService.set(reading.service, reading.confidence >= SURE ? 2 : 1);
    const words = stems(topic);
    const scored = open.map((ticket) => {
      const said = new Set(stems(ticket.summary ?? ''));
      const shared = words.filter((w) => said.has(w)).length;
      return { ticket, score: (byService.get(ticket.service) ?? 0) + Math.min(shared, 2) };
    });
    const best = Math.max(...scored.map((s) => s.score));
    return best >= 2 ? scored.filter((s) => s.score === best).map((s) => s.ticket) : [];
  }
}

/** Content words cut to five letters, so "farola" and "farolas", "fanal" and "fanals" meet. */
function stems(text: string): string[] {
  return normalize(text).split(' ').filter((w) => w.length >= 4).map((w) => w.slice(0, 5));
}

function answerOf(text: string): 'yes' | 'no' | undefined {
  const c = normalize(text);
  const label = (key: 'followUp.fileIt' | 'followUp.noThanks') => LOCALES.some((l) => normalize(t(l, key)) === c);
  if (label('followUp.fileIt') || YES.has(c) || positionOf(text) === 1) return 'yes';
  if (label('followUp.noThanks') || NO.has(c) || positionOf(text) === 2) return 'no';
  return undefined;
}
