import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from '../dialog-library';
import { ConnectorUnavailableError } from '../../bot/errors';
import { DIALOG } from '../dialog-ids';
import type { EngineDeps } from '../engine-deps';
import { t, type MessageKey } from '../i18n';
import { citizenIdOf, localeOf } from '../turn-keys';
import type { SmallTalk, SmallTalkKind } from './small-talk';

const REPLY: Readonly<Record<Exclude<SmallTalkKind, 'greeting'>, MessageKey>> = {
  thanks: 'smallTalk.thanks',
  goodbye: 'smallTalk.goodbye',
  ack: 'smallTalk.ack',
  insult: 'smallTalk.insult',
};

// Thanks within this long of filing a ticket are thanks for that ticket: the reply names it.
const RECENT_TICKET_MS = 2 * 60 * 60 * 1000;

/**
 * One short, polite line for a greeting, thanks, a goodbye, an "ok" or an insult, in the citizen's
 * language; no menu, no intake. A greeting says in one line what the bot can do; thanks right after
 * a ticket was filed name its reference and say the citizen will hear back here; an insult gets a
 * calm reply that offers help and a person, never the same tone back.
 */
export class SmallTalkDialog extends Dialog<SmallTalk> {
  constructor(
    private readonly deps: EngineDeps,
    private readonly now: () => number = Date.now,
  ) {
    super(DIALOG.smallTalk);
  }

  override async beginDialog(dc: DialogContext, options?: SmallTalk): Promise<DialogTurnResult> {
    const locale = localeOf(dc.context);
    const kind = options?.kind ?? 'greeting';
    if (kind === 'greeting') {
      await dc.context.sendActivity(t(locale, 'smallTalk.greeting', { city: this.deps.catalog.city.name }));
      return dc.endDialog();
    }
    const reference = kind === 'thanks' ? await this.recentTicket(dc) : undefined;
    await dc.context.sendActivity(reference ? t(locale, 'smallTalk.thanksTicket', { reference }) : t(locale, REPLY[kind]));
    return dc.endDialog();
  }

  /** The reference of a ticket the citizen filed in the last couple of hours, if the back office can list them. */
  private async recentTicket(dc: DialogContext): Promise<string | undefined> {
    const { connector, log } = this.deps;
    if (!connector.listForCitizen) return undefined;
    try {
      const newest = (await connector.listForCitizen(citizenIdOf(dc.context)))[0];
      if (!newest || this.now() - Date.parse(newest.createdAt) > RECENT_TICKET_MS) return undefined;
      return newest.reference;
    } catch (err) {
      if (!(err instanceof ConnectorUnavailableError)) throw err;
      log.warn({ err }, 'thanks answered without the ticket: back office unavailable');
      return undefined;
    }
  }
}
