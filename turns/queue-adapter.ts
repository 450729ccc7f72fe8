import {
  ActivityTypes, BotAdapter, TurnContext,
  type Activity, type ConversationReference, type ResourceResponse,
} from 'botbuilder';
import { uniqueId } from '../bot/unique-id';

const OUTBOX = Symbol('outbox');

/**
 * A reply's id: the id of the message it answers and its position among that message's replies, so two
 * runs of one message's turn (a worker that stalled past its lock, then another) name their replies
 * alike and a channel that dedupes by id (web chat's batch marker, the transcript's unique row) shows
 * them once (issue 12 part 8). A proactive turn (no message) gets fresh ids.
 */
const replyIdOf = (inboundId: string | undefined, position: number): string => (inboundId ? `${inboundId}~r${position}` : uniqueId());

/**
 * botbuilder's BotAdapter for a queue worker: it runs a turn for an Activity taken from the inbound
 * queue, and collects what the bot says instead of calling a platform. The caller puts the collected
 * activities on the outbound queue, so the channel that the citizen came from renders and delivers them.
 */
export class QueueAdapter extends BotAdapter {
  /** Runs one turn and returns the activities the bot sent during it, in order. */
  async runTurn(
    activity: Partial<Activity>,
    logic: (ctx: TurnContext) => Promise<void>,
    turnState: ReadonlyMap<string | symbol, unknown> = new Map(),
  ): Promise<Partial<Activity>[]> {
    const ctx = new TurnContext(this, activity);
    const outbox: Partial<Activity>[] = [];
    ctx.turnState.set(OUTBOX, outbox);
    for (const [k, v] of turnState) ctx.turnState.set(k, v);
    await this.runMiddleware(ctx, logic);
    return outbox;
  }

  async sendActivities(ctx: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const outbox = ctx.turnState.get(OUTBOX) as Partial<Activity>[] | undefined;
    if (!outbox) throw new Error('sendActivities called outside QueueAdapter.runTurn');
    return activities.map((a) => {
      const id = a.id ?? replyIdOf(ctx.activity.id, outbox.length);
      // botbuilder's "delay" pseudo-activity means nothing on a queue: the channel paces its own sends.
      if (a.type !== 'delay') outbox.push({ ...a, id, timestamp: new Date() });
      return { id };
    });
  }

  async updateActivity(): Promise<void> {
    throw new Error('updating a sent message is not supported by the queued channels');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('deleting a sent message is not supported by the queued channels');
  }

  /** Proactive turn (agent replies, status changes): runs `logic` against an event for `reference`. */
  async continueConversation(
    reference: Partial<ConversationReference>,
    logic: (ctx: TurnContext) => Promise<void>,
  ): Promise<void> {
    const event = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continueConversation' }, reference, true);
    await this.runTurn(event, logic);
  }
}
