import { MessageFactory } from 'botbuilder';
import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { say, t, type MessageKey } from './i18n';
import { ask, yesNo } from './prompts';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

/**
 * "Quiero una copia de mis datos": after the citizen confirms, sends their copy (GDPR art. 15) as files
 * on their own channel. The copy is of the citizen this channel identity belongs to (their linked
 * channels included), never of anyone the message names.
 */
export function myDataDialog(deps: EngineDeps): WaterfallDialog {
  const finish = async (step: WaterfallStepContext, key: MessageKey): Promise<DialogTurnResult> => {
    await step.context.sendActivity(t(localeOf(step.context), key));
    return step.endDialog();
  };
  return new WaterfallDialog(DIALOG.myData, [
    async function confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
      if (!deps.citizenData) return finish(step, 'myData.unavailable');
      return step.prompt(PROMPT.choice, ask(say('myData.confirm'), { choiceSpecs: yesNo(), retrySay: say('choice.retryYesNo') }));
    },
    async function send(step: WaterfallStepContext): Promise<DialogTurnResult> {
      if ((step.result as FoundChoice | undefined)?.value !== 'yes') return finish(step, 'myData.cancelled');
      const ctx = step.context;
      const citizenId = (ctx.turnState.get(CITIZEN_ID) as string | undefined) ?? citizenIdOf(ctx);
      const reply = MessageFactory.text(t(localeOf(ctx), 'myData.ready'));
      reply.attachments = await deps.citizenData!.copyFor(citizenId, localeOf(ctx));
      deps.log.info({ channel: ctx.activity.channelId, files: reply.attachments.length }, 'citizen data copy sent');
      await ctx.sendActivity(reply);
      return step.endDialog();
    },
  ]);
}
