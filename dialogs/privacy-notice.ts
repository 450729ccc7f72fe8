import { ActivityTypes, type TurnContext } from 'botbuilder';
import type { PrivacyNotice } from '../catalog/schema';
import type { Profiles } from './citizen-profile';
import { localeOf } from './turn-keys';

/**
 * The privacy notice (GDPR art. 13), once per citizen on each channel: on their first contact, at the
 * end of the first message the bot sends them (the greeting, or the first answer where a channel has no
 * greeting), so it arrives with the first reply and never as a message of its own that could be read
 * out of order. Remembered in the citizen's profile (saved with the turn's state): a turn that sends
 * nothing (a conversation held by a person) leaves it for the next. No notice configured: nothing.
 */
export async function noticeOnFirstReply(ctx: TurnContext, notice: PrivacyNotice | undefined, profiles: Profiles): Promise<void> {
  if (!notice) return;
  const { type } = ctx.activity;
  if (type !== ActivityTypes.Message && type !== ActivityTypes.ConversationUpdate) return;
  if ((await profiles.get(ctx)).privacyNoticeSent) return;
  let added = false;
  ctx.onSendActivities(async (_ctx, activities, next) => {
    const first = added ? undefined : activities.find((a) => a.type === ActivityTypes.Message && a.text);
    if (first) {
      const { text, url } = notice[localeOf(ctx)];
      first.text = `${first.text}\n\n${text} ${url}`;
      added = true;
      await profiles.noticeSent(ctx);
    }
    return next();
  });
}
