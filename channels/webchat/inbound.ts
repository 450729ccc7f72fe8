import type { Activity } from 'botbuilder';
import { BadInputError, ChannelUnavailableError } from '../../bot/errors';
import type { Ingest } from '../../bot/channel';
import { isEmptyMessage, type PostedActivity } from './activity-schema';
import type { ConversationMeta, ConversationStore } from './conversation-store';
import { personalConversation } from '../../bot/activity';

/** The id of the one `conversationUpdate` a conversation ever ingests: fixed, so a retried start is deduped downstream. */
export const greetingIdOf = (conversationId: string): string => `${conversationId}|0000000`;

/**
 * The single path every citizen activity takes, whether posted as JSON or as a multipart upload:
 * assign a Direct Line id, echo it into the conversation's stream, then hand it to `ingest`.
 *
 * Echo before ingest, so that the citizen's message always precedes the bot's reply in the stream.
 * With a `clientActivityID`, a retried post gets the first post's id and is not echoed again; it is
 * ingested again, which the inbound queue drops as a duplicate, so one client activity is handled once.
 */
export class InboundPipeline {
  constructor(
    private readonly store: ConversationStore,
    private readonly getIngest: () => Ingest | undefined,
    /** `${publicUrl}/media/`: the only URLs an attachment posted as JSON may point to. */
    private readonly mediaPrefix: string,
  ) {}

  async accept(meta: ConversationMeta, userId: string, posted: PostedActivity): Promise<{ id: string }> {
    const conversationId = meta.conversationId;
    if (posted.type !== 'message') {
      // Typing and events (webchat/join, …) are acknowledged like Direct Line does, but the bot has no use for them.
      const [id] = await this.store.nextIds(conversationId, 1);
      return { id: id ?? '' };
    }
    if (isEmptyMessage(posted)) throw new BadInputError('a message needs text, attachments, entities or a value');
    for (const a of posted.attachments ?? []) {
      // The bot downloads attachments (to show agents, to attach to tickets): a URL elsewhere would let a page make it fetch anything.
      if (a.contentUrl !== undefined && !a.contentUrl.startsWith(this.mediaPrefix)) {
        throw new BadInputError('attachments must be uploaded through /upload');
      }
    }
    const ingest = this.getIngest();
    if (!ingest) throw new ChannelUnavailableError('the webchat channel is not started');

    const { from, ...rest } = posted;
    const activity: Partial<Activity> = {
      ...rest,
      channelId: 'webchat',
      conversation: personalConversation(conversationId),
      from: { id: userId, role: 'user', name: from?.name ?? '' },
      recipient: { id: 'bot', role: 'bot', name: '' },
      timestamp: new Date(),
      ...(posted.locale ?? meta.locale ? { locale: posted.locale ?? meta.locale } : {}),
    };
    // One round trip: the id is allocated in the same step that echoes the message, and with a
    // clientActivityID that step also claims it, so a retried post is not echoed twice.
    const clientActivityId = posted.channelData?.clientActivityID;
    const echoed = await this.store.append(conversationId, [activity], { assignIds: true, ...(clientActivityId !== undefined ? { claimClientActivity: clientActivityId } : {}) });
    if (echoed.status === 'appended') activity.id = echoed.firstId;
    else if (echoed.status === 'claimed') {
      // A retry: its first post got this id. Records from before claim and echo were one step may say
      // the first post only reserved the id (echo it now) or was fully ingested (nothing left to do).
      activity.id = echoed.id;
      if (echoed.state === 'ingested') return { id: echoed.id };
      if (echoed.state === 'reserved') await this.store.append(conversationId, [activity], { clientActivityId: clientActivityId! });
    } else throw new ChannelUnavailableError('webchat echo was not appended');
    // A retry ingests again: the inbound queue drops an activity id it has seen (see Ingest).
    await ingest(activity);
    return { id: activity.id };
  }

  /** Ingests the conversation's `conversationUpdate` (the user joined) once, so the bot can greet. */
  async greet(meta: ConversationMeta): Promise<void> {
    if (meta.greeted) return;
    const ingest = this.getIngest();
    if (!ingest) throw new ChannelUnavailableError('the webchat channel is not started');
    const user = { id: meta.userId, role: 'user', name: '' };
    await ingest({
      type: 'conversationUpdate',
      id: greetingIdOf(meta.conversationId),
      channelId: 'webchat',
      conversation: personalConversation(meta.conversationId),
      from: user,
      recipient: { id: 'bot', role: 'bot', name: '' },
      membersAdded: [user],
      timestamp: new Date(),
      ...(meta.locale ? { locale: meta.locale } : {}),
    });
    await this.store.markGreeted(meta.conversationId);
  }
}
