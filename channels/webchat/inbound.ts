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
 * With a `clientActivityID`, a retried post gets the first post's id and resumes where it stopped
 * (echo, then ingest) instead of starting over, so one client activity is ingested once.
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
    const clientActivityId = posted.channelData?.clientActivityID;
    if (clientActivityId === undefined) {
      // The common case in one round trip: the id is allocated in the same step that echoes the message.
      const echoed = await this.store.append(conversationId, [activity], { assignIds: true });
      if (echoed.status !== 'appended') throw new ChannelUnavailableError('webchat echo was not appended');
      activity.id = echoed.firstId;
      await ingest(activity);
      return { id: activity.id };
    }

    const [candidate] = await this.store.nextIds(conversationId, 1);
    const claim = await this.store.claimClientActivity(conversationId, clientActivityId, candidate ?? '');
    activity.id = claim.id;
    if (claim.state === 'ingested') return { id: claim.id };
    if (claim.state === 'reserved') await this.store.append(conversationId, [activity], { clientActivityId });
    await ingest(activity);
    await this.store.markClientActivityIngested(conversationId, clientActivityId, claim.id);
    return { id: claim.id };
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
