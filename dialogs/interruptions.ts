import { ActivityTypes } from 'botbuilder';
import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog, DialogTurnStatus } from './dialog-library';
import type { Locale } from '../catalog/schema';
import type { Profiles } from './citizen-profile';
import { DIALOG } from './dialog-ids';
import { handoffFromStack } from './handoff-dialog';
import type { EngineDeps } from './engine-deps';
import { t } from './i18n';
import { smallTalkIn } from './conversation/small-talk';
import { emergencyMatcher, interruptionIn } from './intents';
import { withMenu } from './menu';
import { localeOf } from './turn-keys';

/**
 * What a citizen can say at any step, checked before the active dialog sees the message:
 *
 * 1. an emergency (recognised by meaning, any language: dialogs/emergency): the emergency number
 *    at once, and nothing else in that turn (no question again, no intake); the next message
 *    continues where the conversation was;
 * 2. help: the help text, then the current question again;
 * 3. cancel / start over: every dialog is cancelled;
 * 4. a language switch: the current question again, in the new language;
 * 5. a person ("quiero hablar con una persona"): the conversation, with what intake collected so far,
 *    goes to the team's queue (see HandoffDialog);
 * 6. while a question is open, a greeting or an insult: one polite line and the question again.
 *
 * Used by the root dialog in both `onBeginDialog` and `onContinueDialog` (botbuilder's interruption
 * pattern), so it works whether or not a dialog was running.
 */
export class Interruptions {
  private readonly isEmergency: (text: string) => boolean;

  constructor(
    private readonly deps: EngineDeps,
    private readonly profiles: Profiles,
  ) {
    this.isEmergency = emergencyMatcher(deps.catalog);
  }

  /** Handles an interruption and returns the turn's result; undefined lets the message through. */
  async handle(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const ctx = dc.context;
    if (ctx.activity.type !== ActivityTypes.Message) return undefined;
    const text = ctx.activity.text ?? '';
    const running = dc.activeDialog !== undefined;

    if (this.isEmergency(text)) {
      this.deps.log.warn({ conversationId: ctx.activity.conversation.id, channel: ctx.activity.channelId }, 'emergency: answered with the emergency number only');
      await ctx.sendActivity(t(localeOf(ctx), 'emergency', { number: this.deps.catalog.city.emergencyNumber }));
      // The number and nothing else this turn: no question again, no intake, no menu (issue 13 part 5).
      // A running dialog keeps waiting, so the next message continues where the conversation was.
      return running ? Dialog.EndOfTurn : { status: DialogTurnStatus.complete };
    }

    const command = interruptionIn(text);
    switch (command?.kind) {
      case 'help': {
        const help = t(localeOf(ctx), 'help', { emergency: this.deps.catalog.city.emergencyNumber });
        if (!running) {
          await ctx.sendActivity(withMenu(localeOf(ctx), help));
          return { status: DialogTurnStatus.complete };
        }
        await ctx.sendActivity(help);
        return this.askAgain(dc);
      }
      case 'cancel':
        await dc.cancelAllDialogs();
        await ctx.sendActivity(withMenu(localeOf(ctx), t(localeOf(ctx), 'cancel.done')));
        return { status: DialogTurnStatus.cancelled };
      case 'human': {
        // Without handoff queues (no people configured) the request is an ordinary message.
        if (!this.deps.handoff) return undefined;
        const options = handoffFromStack('asked', dc.stack);
        await dc.cancelAllDialogs();
        return dc.beginDialog(DIALOG.handoff, options);
      }
      case 'language':
        // While the language question itself is open, its prompt takes the answer.
        if (dc.stack.some((d) => d.id === DIALOG.language)) return undefined;
        if (!command.locale) return dc.beginDialog(DIALOG.language);
        return this.switchTo(dc, command.locale, running);
      default:
        return running ? this.smallTalk(dc) : undefined;
    }
  }

  /**
   * "hola" or an insult while a question is open is no answer to it (it would become an address or a
   * description): one polite line, then the question again. Thanks and "ok" may be answers ("¿Te
   * sirvió?" → "gracias") and go through; with nothing running the root dialog answers small talk.
   */
  private async smallTalk(dc: DialogContext): Promise<DialogTurnResult | undefined> {
    const talk = smallTalkIn(dc.context.activity.text ?? '');
    if (talk?.kind !== 'greeting' && talk?.kind !== 'insult') return undefined;
    const locale = localeOf(dc.context);
    await dc.context.sendActivity(talk.kind === 'greeting' ? t(locale, 'smallTalk.greeting', { city: this.deps.catalog.city.name }) : t(locale, 'smallTalk.insult'));
    return this.askAgain(dc);
  }

  private async switchTo(dc: DialogContext, locale: Locale, running: boolean): Promise<DialogTurnResult> {
    await this.profiles.chooseLocale(dc.context, locale);
    await dc.context.sendActivity(t(locale, 'language.changed'));
    if (!running) return { status: DialogTurnStatus.complete };
    return this.askAgain(dc);
  }

  private async askAgain(dc: DialogContext): Promise<DialogTurnResult> {
    await dc.repromptDialog();
    return Dialog.EndOfTurn;
  }
}
