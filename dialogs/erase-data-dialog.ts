import type { DialogTurnResult, FoundChoice, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { DIALOG, PROMPT } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { say, t, type MessageKey } from './i18n';
import { ask, yesNo } from './prompts';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

/**
 * "Quiero que borréis mis datos": after the citizen confirms, stores a request to erase their data (GDPR
 * art. 17) for an admin to review; the outcome is told later on this same conversation. Like a copy, it
 * is about the citizen this channel identity belongs to, never anyone the message names.
 */
export function eraseDataDialog(deps: EngineDeps): WaterfallDialog {
  const finish = async (step: WaterfallStepContext, key: MessageKey): Promise<DialogTurnResult> => {
    await step.context.sendActivity(t(localeOf(step.context), key));
    return step.endDialog();
  };
  return new WaterfallDialog(DIALOG.eraseData, [
    async function confirm(step: WaterfallStepContext): Promise<DialogTurnResult> {
      if (!deps.erasure) return finish(step, 'eraseData.unavailable');
      return step.prompt(PROMPT.choice, ask(say('eraseData.confirm'), { choiceSpecs: yesNo(), retrySay: say('choice.retryYesNo') }));
    },
    async function request(step: WaterfallStepContext): Promise<DialogTurnResult> {
      if ((step.result as FoundChoice | undefined)?.value !== 'yes') return finish(step, 'eraseData.cancelled');
      const ctx = step.context;
      const { activity } = ctx;
      await deps.erasure!.request({
        citizenId: (ctx.turnState.get(CITIZEN_ID) as string | undefined) ?? citizenIdOf(ctx),
        channel: activity.channelId, conversationId: activity.conversation.id, locale: localeOf(ctx),
        ...(activity.from?.id ? { userId: activity.from.id } : {}),
      });
      deps.log.info({ channel: activity.channelId }, 'erasure requested by the citizen');
      return finish(step, 'eraseData.requested');
    },
  ]);
}
