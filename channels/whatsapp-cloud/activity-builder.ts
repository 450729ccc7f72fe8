import type { Activity, Attachment } from 'botbuilder';
import type { NumberedChoices } from '../render';
import { CHANNEL_ID, toActivity } from './to-activity';
import type { InboundMessage } from './webhook-payload';

/**
 * Builds the activity to ingest for a message: toActivity, then, for typed text, the option a "2" (or
 * "segundo", or an option's title) names when our last message offered numbered options, so the dialog
 * sees what a button press would have sent.
 */
export class ActivityBuilder {
  constructor(
    private readonly numbered: NumberedChoices,
    /** The business phone number id (the activities' recipient). */
    private readonly botId: string,
  ) {}

  async build(message: InboundMessage, displayName: string | undefined, attachments: Attachment[] = []): Promise<Partial<Activity>> {
    const activity = toActivity(message, { displayName, attachments, botId: this.botId });
    if (message.type !== 'text' || !activity.text) return activity;
    const value = await this.numbered.resolve(CHANNEL_ID, message.from, activity.text);
    return value === undefined ? activity : { ...activity, text: value };
  }
}
