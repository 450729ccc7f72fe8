import type { Activity } from 'botbuilder';
import type { Logger } from 'pino';
import type { ChannelAdapter, ChannelCapabilities, ChannelHealth, ConversationRef, Ingest, SendProgress } from '../../bot/channel';
import { AppError, ChannelUnavailableError, ServiceWindowClosedError } from '../../bot/errors';
import type { MediaStore } from '../../bot/media-store';
import { maskedId } from '../../bot/masked-id';
import { numberedLines, renderActivity, type NumberedChoices, type OutMessage } from '../render';
import type { DeliveryStatusStore } from './delivery-status-store';
import type { GraphClient } from './graph-client';
import { graphMessageOf, templateMessageOf, type GraphMessage } from './graph-message';
import type { InboundMailbox } from './inbound-mailbox';
import type { ServiceWindow } from './service-window';
import { CHANNEL_ID } from './to-activity';
import { InFlight } from '../../bot/in-flight';

/** The template that may open a conversation outside the 24-hour window; its one body parameter is our text. */
export interface TemplateSettings {
  name: string;
  /** Template language code as approved in Meta's WhatsApp Manager, e.g. `es`, `ca`, `en_US`. */
  language: string;
}

export interface WhatsappCloudAdapterOptions {
  graph: GraphClient;
  window: ServiceWindow;
  statuses: DeliveryStatusStore;
  numbered: NumberedChoices;
  mailbox: InboundMailbox;
  /** Whether this process serves the webhook, and so downloads the media of held messages (see HeldDrainer). */
  receives: boolean;
  template?: TemplateSettings;
  /** The label of the button that opens a list picker, in the reply's language (≤ 20 characters). */
  listButton: (locale: string | undefined) => string;
  log: Logger;
  /** Signs links to our own files: Meta fetches an image by link, with no token (see MediaStore). */
  media?: Pick<MediaStore, 'withSignedAttachments'>;
}

/** An interactive message's body may not exceed this; a longer question goes out as numbered text. */
const MAX_INTERACTIVE_BODY = 1_024;

/**
 * The WhatsApp Cloud API as a ChannelAdapter. Inbound arrives through the webhook router (this adapter
 * only holds the ingest function for it); `send` needs nothing but config, Redis and SQL, so it works
 * in a worker process that serves no HTTP.
 */
export class WhatsappCloudAdapter implements ChannelAdapter {
  readonly id = CHANNEL_ID;
  /** Cloud API default throughput (messages per second per phone number). */
  readonly rateLimit = { perSecond: 80 };
  readonly capabilities: ChannelCapabilities = Object.freeze({
    markup: 'whatsapp',
    choices: 'buttons',
    maxButtons: 3,
    maxButtonTitle: 20,
    maxListRows: 10,
    maxListRowTitle: 24,
    maxListRowDescription: 72,
    maxTextLength: 4_096,
    typing: true,
    images: true,
    files: true,
    location: true,
    // Interactive call-to-action URL messages (display_text up to 20 characters, like reply buttons).
    linkButtons: true,
  });
  private ingest: Ingest | undefined;
  private readonly inFlight = new InFlight();

  constructor(private readonly opts: WhatsappCloudAdapterOptions) {}

  async start(ingest: Ingest): Promise<void> {
    this.ingest = ingest;
    if (this.opts.receives) this.opts.mailbox.start();
  }

  /** The ingest function while started; the webhook answers 503 otherwise (Meta retries). */
  currentIngest(): Ingest | undefined {
    return this.ingest;
  }

  async stop(): Promise<void> {
    this.ingest = undefined;
    await this.opts.mailbox.stop();
    await this.inFlight.settled();
  }

  /** Not ready while Meta refuses our access token: no reply can go out until an operator renews it. */
  health(): ChannelHealth {
    return this.opts.graph.tokenRefused
      ? { ok: false, detail: 'the Graph API refused the access token: renew WHATSAPP_CLOUD_TOKEN' }
      : { ok: true };
  }

  /**
   * Sends the activities in order. Inside the 24-hour window: text, reply buttons (≤ 3 options), a
   * list (≤ 10) or numbered text, images by link, and "typing…". Outside it: the configured template
   * carrying the batch's text, or ServiceWindowClosedError (not retryable) when there is none.
   * Graph failures: DeliveryRejectedError (4xx, not retryable) or ChannelUnavailableError (retryable);
   * messages that went out before a failure (`progress`) are not sent again when the job is retried.
   */
  async send(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    try {
      const shared = activities.map((a) => this.opts.media?.withSignedAttachments(a) ?? a);
      await this.inFlight.track(this.deliver(ref, shared, progress));
    } catch (err) {
      if (err instanceof AppError) throw err;
      throw new ChannelUnavailableError('whatsapp-cloud send failed', { cause: err });
    }
  }

  private async deliver(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    if (activities.length === 0) return;
    if (!(await this.opts.window.isOpen(ref.conversationId))) return this.deliverTemplate(ref, activities, progress);
    const parts = activities.flatMap((activity) => renderActivity(activity, this.capabilities).flatMap(fitInteractive).map((out) => ({ activity, out })));
    for (const [i, { activity, out }] of parts.entries()) {
      if (i < (progress?.delivered ?? 0)) continue;
      if (out.kind === 'typing') await this.typing(ref.conversationId);
      const message = graphMessageOf(out, ref.conversationId, this.opts.listButton(activity.locale ?? ref.locale));
      if (message) await this.sent(ref, activity.id, message);
      await progress?.mark(i + 1);
    }
    await this.opts.numbered.track(ref, parts.map((p) => p.out));
  }

  /** Outside the window only a template may go out: one per batch, carrying all its text on one line. */
  private async deliverTemplate(ref: ConversationRef, activities: Partial<Activity>[], progress?: SendProgress): Promise<void> {
    if ((progress?.delivered ?? 0) > 0) return;
    const caps: ChannelCapabilities = { ...this.capabilities, choices: 'numbered', images: false, files: false, linkButtons: false };
    const rendered = activities.flatMap((a) => renderActivity(a, caps));
    const text = rendered
      .map((m) => (m.kind === 'text' ? m.text : ''))
      .filter((t) => t.trim() !== '')
      .join('\n');
    if (text === '') return;
    const template = this.opts.template;
    if (!template) {
      throw new ServiceWindowClosedError(
        'the citizen last wrote more than 24 hours ago (or never): WhatsApp allows only a template message, and WHATSAPP_CLOUD_TEMPLATE is not set',
      );
    }
    this.opts.log.info({ conversation: maskedId(ref.conversationId), template: template.name }, 'outside the 24-hour window: sending the template');
    await this.sent(ref, activities[0]?.id, templateMessageOf(ref.conversationId, template.name, template.language, text));
    await progress?.mark(1);
    // The options went out numbered: a "2" in the citizen's answer must mean the second one.
    await this.opts.numbered.track(ref, rendered);
  }

  /** One Graph call; its wamid is recorded so delivery statuses land on the message. */
  private async sent(ref: ConversationRef, activityId: string | undefined, message: GraphMessage): Promise<void> {
    await this.opts.statuses.recordSent(await this.opts.graph.sendMessage(message), ref.conversationId, activityId);
  }

  /** "typing…" (which also marks the citizen's last message as read). Best effort: a failure costs nothing but the dots. */
  private async typing(conversationId: string): Promise<void> {
    try {
      const last = await this.opts.window.lastMessageId(conversationId);
      if (last) await this.opts.graph.markRead(last, true);
    } catch (err) {
      this.opts.log.debug({ err }, 'typing indicator failed');
    }
  }
}

/**
 * An interactive message needs a body of 1 to 1024 characters. Options without a question, or with one
 * too long, go out as a message of numbered lines after the question (digits pick by position); a
 * separate message, because the question alone may already be at the 4096-character text limit.
 */
function fitInteractive(out: OutMessage): OutMessage[] {
  if (out.kind === 'text' && out.link && (out.text.trim() === '' || out.text.length > MAX_INTERACTIVE_BODY)) {
    const { link, ...text } = out;
    return [{ ...text, text: `${out.text}\n\n${link.title}: ${link.url}`.trim() }];
  }
  if (out.kind !== 'text' || !out.choices || out.choices.style === 'numbered') return [out];
  const question = out.text.trim() !== '';
  if (question && out.text.length <= MAX_INTERACTIVE_BODY) return [out];
  const numbered: OutMessage = { kind: 'text', text: numberedLines(out.choices.options), choices: { style: 'numbered', options: out.choices.options } };
  return question ? [{ kind: 'text', text: out.text }, numbered] : [numbered];
}
