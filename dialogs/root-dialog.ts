import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { ComponentDialog, DialogTurnStatus } from './dialog-library';
import { locationOf } from '../bot/activity';
import type { Profiles } from './citizen-profile';
import { AnswerQuestionDialog, type AnswerQuestionOptions } from './answer-question-dialog';
import { CsatDialog, REROUTE } from './csat-dialog';
import { followUpIn } from './conversation/follow-up';
import { FollowUpDialog } from './conversation/follow-up-dialog';
import { smallTalkIn } from './conversation/small-talk';
import { SmallTalkDialog } from './conversation/small-talk-dialog';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { handoffDialog, type HandoffMemo } from './handoff-dialog';
import type { IntakeSeed } from './intake-draft';
import { IntakeDialog } from './intake-dialog';
import { commandIn } from './intents';
import { Interruptions } from './interruptions';
import { looksLikeQuestion } from './knowledge/question-shape';
import { languageDialog } from './language-dialog';
import { LinkPhoneDialog } from './link-phone-dialog';
import { myDataDialog } from './my-data-dialog';
import { eraseDataDialog } from './erase-data-dialog';
import { myRecordsDialog, type MyRecordsOptions } from './my-records-dialog';
import { bookAppointmentDialog, type BookAppointmentOptions } from './book-appointment-dialog';
import { myAppointmentsDialog, type MyAppointmentsOptions } from './my-appointments-dialog';
import { verifyIdentityDialog } from './verify-identity-dialog';
import { ActForDialog } from './act-for-dialog';
import { ForWhomDialog } from './for-whom-dialog';
import { MyTicketsDialog } from './my-tickets-dialog';
import { t } from './i18n';
import { withMenu } from './menu';
import { attachmentsOf, ChoiceAsk, TextAsk } from './prompts';
import { OFFICE_PROMPT, OfficeAsk } from './appointment-place';
import { asksForAppointment } from './appointment-procedure';
import { citizenIdOf, localeOf, readingOf } from './turn-keys';
import { StatusDialog, type StatusOptions } from './status-dialog';

/** Begin the root dialog with this to start one of its dialogs directly (after a handoff ends). */
export interface RootStart {
  start: { dialog: string; options?: object };
}

/**
 * The top of every conversation. Checks interruptions first (emergency, help, cancel, language),
 * then either lets the running dialog take the message or, when nothing runs, routes it: a ticket
 * reference → status; "¿cómo va lo de la farola?" → that ticket; "mis reclamos" → my tickets; "hola" → small talk; "vincular mi WhatsApp" → linking; anything else → intake.
 */
export class RootDialog extends ComponentDialog {
  private readonly interruptions: Interruptions;
  private readonly preferences: EngineDeps['preferences'];
  private readonly deps: EngineDeps;

  constructor(deps: EngineDeps, profiles: Profiles, memo: StatePropertyAccessor<HandoffMemo | undefined>) {
    super(DIALOG.root);
    this.interruptions = new Interruptions(deps, profiles);
    this.preferences = deps.preferences;
    this.deps = deps;
    this.addDialog(new AnswerQuestionDialog(deps, memo));
    this.addDialog(new IntakeDialog(deps, memo));
    this.addDialog(handoffDialog(deps, memo));
    this.addDialog(new CsatDialog(deps));
    this.addDialog(new TextAsk(PROMPT.text, deps.catalog, 3));
    this.addDialog(new StatusDialog(deps));
    this.addDialog(new MyTicketsDialog(deps));
    this.addDialog(new FollowUpDialog(deps));
    this.addDialog(new SmallTalkDialog(deps));
    this.addDialog(new LinkPhoneDialog(deps));
    this.addDialog(myDataDialog(deps));
    this.addDialog(eraseDataDialog(deps));
    this.addDialog(myRecordsDialog(deps));
    this.addDialog(bookAppointmentDialog(deps));
    this.addDialog(myAppointmentsDialog(deps));
    this.addDialog(verifyIdentityDialog(deps));
    this.addDialog(new ActForDialog(deps));
    this.addDialog(new ForWhomDialog(deps));
    this.addDialog(languageDialog(deps, profiles));
    this.addDialog(new ChoiceAsk(PROMPT.choice, deps.catalog));
    this.addDialog(new OfficeAsk(OFFICE_PROMPT, deps.catalog, deps));
  }

  protected override async onBeginDialog(innerDc: DialogContext, options?: RootStart): Promise<DialogTurnResult> {
    if (options?.start) return innerDc.beginDialog(options.start.dialog, options.start.options);
    return (await this.interruptions.handle(innerDc)) ?? this.route(innerDc);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const result = (await this.interruptions.handle(innerDc)) ?? (await super.onContinueDialog(innerDc));
    // A dialog that let the message go (the satisfaction survey answered with a new report) hands it back.
    if (result.status === DialogTurnStatus.complete && result.result === REROUTE) return this.route(innerDc);
    return result;
  }

  private async setUpdates(dc: DialogContext, on: boolean): Promise<DialogTurnResult> {
    await this.preferences!.setStatusUpdates(citizenIdOf(dc.context), on);
    const locale = localeOf(dc.context);
    await dc.context.sendActivity(withMenu(locale, t(locale, on ? 'updates.on' : 'updates.off')));
    return { status: DialogTurnStatus.complete };
  }

  private async route(dc: DialogContext): Promise<DialogTurnResult> {
    const activity = dc.context.activity;
    const text = activity.text?.trim() ?? '';
    const command = text ? commandIn(text) : undefined;
    if (command?.kind === 'status') {
      const options: StatusOptions = { reference: command.reference };
      return dc.beginDialog(DIALOG.status, options);
    }
    // "¿Cómo va lo de la farola?" names its ticket by topic: before "mis reclamos", which lists them all.
    const followUp = text ? followUpIn(text) : undefined;
    if (followUp) return dc.beginDialog(DIALOG.followUp, followUp);
    if (command?.kind === 'myTickets') return dc.beginDialog(DIALOG.myTickets);
    if (command?.kind === 'linkPhone') return dc.beginDialog(DIALOG.linkPhone);
    if (command?.kind === 'myData') return dc.beginDialog(DIALOG.myData);
    if (command?.kind === 'eraseData') return dc.beginDialog(DIALOG.eraseData);
    if (command?.kind === 'myRecords') return dc.beginDialog(DIALOG.myRecords, { lookup: command.lookup } satisfies MyRecordsOptions);
    // "Cita para empadronarme…": no set phrase, but an appointment word and a procedure of the catalog.
    if (!command && asksForAppointment(text, this.deps.catalog.appointments?.procedures)) return dc.beginDialog(DIALOG.bookAppointment);
    if (command?.kind === 'bookAppointment') return dc.beginDialog(DIALOG.bookAppointment, { ...(command.procedure ? { procedure: command.procedure } : {}), ...(command.move ? { move: command.move } : {}) } satisfies BookAppointmentOptions);
    if (command?.kind === 'verifyIdentity') return dc.beginDialog(DIALOG.verifyIdentity);
    if (command?.kind === 'actFor') return dc.beginDialog(DIALOG.actFor);
    if (command?.kind === 'myAppointments') return dc.beginDialog(DIALOG.myAppointments, { ...(command.cancel ? { cancel: command.cancel } : {}) } satisfies MyAppointmentsOptions);
    if (command?.kind === 'updates' && this.preferences) return this.setUpdates(dc, command.on);
    const point = locationOf(activity);
    const photos = attachmentsOf(activity);
    // "hola", "gracias", "chau": a short reply, not the service list (a greeting followed by a report is a report).
    const talk = text && !point && photos.length === 0 ? smallTalkIn(text) : undefined;
    if (talk) return dc.beginDialog(DIALOG.smallTalk, talk);
    if (text && !point && photos.length === 0 && command?.kind !== 'report' && (await this.isKnownQuestion(dc.context, text, localeOf(dc.context)))) {
      return dc.beginDialog(DIALOG.answerQuestion, { text } satisfies AnswerQuestionOptions);
    }
    const seed: IntakeSeed = {
      // The greeting's "report a problem" button is not a description of anything, but it decides the type.
      ...(text && command?.kind !== 'report' ? { text } : {}),
      ...(command?.kind === 'report' ? { type: 'reclamo' as const } : {}),
      ...(point ? { point } : {}),
      ...(photos.length > 0 ? { photos } : {}),
    };
    return dc.beginDialog(DIALOG.intake, seed);
  }

  /** A question the knowledge base answers: it reads as a question (or the classifier calls it an inquiry) and the base has a relevant passage. */
  private async isKnownQuestion(ctx: TurnContext, text: string, locale: ReturnType<typeof localeOf>): Promise<boolean> {
    const { knowledge, classifier } = this.deps;
    if (!knowledge) return false;
    // The cheap tests first: a search of the base (fuzzy, up to three languages) costs more than the
    // rest of a turn, and most messages are reports; their reading is kept for intake (readingOf).
    if (!looksLikeQuestion(text) && (await readingOf(ctx, classifier, text, locale)).type !== 'consulta') return false;
    return knowledge.knows(text, locale);
  }
}
