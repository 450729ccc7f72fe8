import type { Activity } from 'botbuilder';
import { BadInputError, ChannelUnavailableError } from '../../bot/errors';
import type { Ingest } from '../../bot/channel';
import { isEmptyMessage, type PostedActivity } from './activity-schema';
import { CONVERSATION_TTL_S, type ConversationMeta, type ConversationStore } from './conversation-store';
import { personalConversation } from '../../bot/activity';
import type { MediaStore } from '../../bot/media-store';
import { webchatMediaOwner } from './media-access';

/** What the pipeline needs of the media store: our URLs recognised, owners checked, links signed. */
export type InboundMedia = Pick<MediaStore, 'nameOf' | 'ownerOf' | 'withSignedAttachments'>;

/** Longest thumbnail an echo keeps: Web Chat's (a JPEG at most 360 px wide, as a data: URL) weigh a few tens of KB. */
export const MAX_THUMBNAIL_CHARS = 128 * 1024;
const INLINE_IMAGE = /^data:image\/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+={0,2}$/;

/** The thumbnail when it is an inline image of a sane size; undefined otherwise. */
const inlineThumbnail = (url: string | undefined): string | undefined =>
  url !== undefined && url.length <= MAX_THUMBNAIL_CHARS && INLINE_IMAGE.test(url) ? url : undefined;

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
    /** Where uploads are kept: the only files an attachment may point to. */
    private readonly media: InboundMedia,
  ) {}

  async accept(meta: ConversationMeta, userId: string, posted: PostedActivity): Promise<{ id: string }> {
    const conversationId = meta.conversationId;
    if (posted.type !== 'message') {
      // Typing and events (webchat/join, …) are acknowledged like Direct Line does, but the bot has no use for them.
      const [id] = await this.store.nextIds(conversationId, 1);
      return { id: id ?? '' };
    }
    if (isEmptyMessage(posted)) throw new BadInputError('a message needs text, attachments, entities or a value');
    for (const a of posted.attachments ?? []) if (a.contentUrl !== undefined) await this.assertOwnUpload(a.contentUrl, conversationId);
    const ingest = this.getIngest();
    if (!ingest) throw new ChannelUnavailableError('the webchat channel is not started');

    const { from, attachments, ...rest } = posted;
    const activity: Partial<Activity> = {
      ...rest,
      // A thumbnail is for the citizen's own screen (see echoOf): the bot has the file itself.
      ...(attachments ? { attachments: attachments.map(({ thumbnailUrl: _shownOnly, ...a }) => a) } : {}),
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
    const echoed = await this.store.append(conversationId, [this.echoOf(activity, attachments ?? [])], { assignIds: true, ...(clientActivityId !== undefined ? { claimClientActivity: clientActivityId } : {}) });
    if (echoed.status === 'appended') activity.id = echoed.firstId;
    // A retry: its first post got this id (and its echo).
    else if (echoed.status === 'claimed') activity.id = echoed.id;
    else throw new ChannelUnavailableError('webchat echo was not appended');
    // A retry ingests again: the inbound queue drops an activity id it has seen (see Ingest).
    await ingest(activity);
    return { id: activity.id };
  }

  /**
   * An attachment may only be a file uploaded in this conversation (`/upload` stores it for it): the bot
   * downloads attachments and shows them to agents and back offices, so a URL elsewhere would let a page
   * make it fetch anything, and another conversation's file would be shown as this citizen's.
   */
  private async assertOwnUpload(url: string, conversationId: string): Promise<void> {
    const name = this.media.nameOf(url);
    if (name === undefined || (await this.media.ownerOf(name)) !== webchatMediaOwner(conversationId)) {
      throw new BadInputError('attachments must be uploaded through /upload');
    }
  }

  /**
   * The copy the citizen's client gets back: its files as signed links, for an `<img>` cannot send the
   * Direct Line token that `GET /media/<name>` asks for. They live as long as the conversation, since
   * only its token holder reads its activities and a shorter life would break the pictures of a
   * conversation taken up again. The bot keeps the canonical URLs.
   *
   * Each attachment keeps the `thumbnailUrl` its client posted when that is an inline image (a `data:`
   * URL, as Microsoft's Web Chat makes of a photo before uploading it): Web Chat shows the citizen's own
   * upload as a picture only when its echo has one, and as a file card otherwise. Any other URL is
   * dropped, so an echo never makes the client fetch from elsewhere.
   */
  private echoOf(activity: Partial<Activity>, posted: readonly { thumbnailUrl?: string }[]): Partial<Activity> {
    const signed = this.media.withSignedAttachments(activity, CONVERSATION_TTL_S);
    const thumbnails = posted.map((a) => inlineThumbnail(a.thumbnailUrl));
    if (!thumbnails.some((t) => t !== undefined)) return signed;
    return { ...signed, attachments: signed.attachments?.map((a, i) => (thumbnails[i] === undefined ? a : { ...a, thumbnailUrl: thumbnails[i] })) };
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
