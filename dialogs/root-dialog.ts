import { ComponentDialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { locationOf } from '../bot/activity';
import type { Profiles } from './citizen-profile';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import type { IntakeSeed } from './intake-draft';
import { IntakeDialog } from './intake-dialog';
import { commandIn } from './intents';
import { Interruptions } from './interruptions';
import { languageDialog } from './language-dialog';
import { LinkPhoneDialog } from './link-phone-dialog';
import { MyTicketsDialog } from './my-tickets-dialog';
import { attachmentsOf, ChoiceAsk } from './prompts';
import { StatusDialog, type StatusOptions } from './status-dialog';

/**
 * The top of every conversation. Checks interruptions first (emergency, help, cancel, language),
 * then either lets the running dialog take the message or, when nothing runs, routes it: a ticket
 * reference → status; "mis reclamos" → my tickets; "vincular mi WhatsApp" → linking; anything else → intake.
 */
export class RootDialog extends ComponentDialog {
  private readonly interruptions: Interruptions;

  constructor(deps: EngineDeps, profiles: Profiles) {
    super(DIALOG.root);
    this.interruptions = new Interruptions(deps, profiles);
    this.addDialog(new IntakeDialog(deps));
    this.addDialog(new StatusDialog(deps));
    this.addDialog(new MyTicketsDialog(deps));
    this.addDialog(new LinkPhoneDialog(deps));
    this.addDialog(languageDialog(deps, profiles));
    this.addDialog(new ChoiceAsk(PROMPT.choice, deps.catalog));
  }

  protected override async onBeginDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interruptions.handle(innerDc)) ?? this.route(innerDc);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interruptions.handle(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private route(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    const text = activity.text?.trim() ?? '';
    const command = text ? commandIn(text) : undefined;
    if (command?.kind === 'status') {
      const options: StatusOptions = { reference: command.reference };
      return dc.beginDialog(DIALOG.status, options);
    }
    if (command?.kind === 'myTickets') return dc.beginDialog(DIALOG.myTickets);
    if (command?.kind === 'linkPhone') return dc.beginDialog(DIALOG.linkPhone);
    const point = locationOf(activity);
    const photos = attachmentsOf(activity);
    const seed: IntakeSeed = {
      // The greeting's "report a problem" button is not a description of anything.
      ...(text && command?.kind !== 'report' ? { text } : {}),
      ...(point ? { point } : {}),
      ...(photos.length > 0 ? { photos } : {}),
    };
    return dc.beginDialog(DIALOG.intake, seed);
  }
}
