import { randomInt } from 'node:crypto';
import type { PhoneLinks } from '../dialogs/engine-deps';
import type { Locale } from '../catalog/schema';
import { conversationKey } from '../bot/conversation-key';
import type { OutboundQueues } from '../queues/outbound';
import type { TranscriptOutbox } from '../queues/transcript-outbox';
import type { ChannelRegistry } from './channel-registry';
import type { CitizenDirectory } from '../turns/citizen-directory';
import type { LinkAttemptLimits } from './link-attempt-limits';
import type { HistoryStore } from './sql/history-store';

/** How each WhatsApp channel names a number: its conversation id and the sender id of its messages. */
const WHATSAPP_ADDRESS: Record<string, (digits: string) => string> = {
  'whatsapp-cloud': (digits) => digits,
  // Baileys: the phone JID. A chat Baileys addresses by LID (a privacy id) is a different identity.
  whatsapp: (digits) => `${digits}@s.whatsapp.net`,
};

/**
 * Cross-channel identity by proof of a WhatsApp number (the dialogs' PhoneLinks): the code goes out
 * through the outbound queue of the city's WhatsApp channel (the Cloud API preferred), and a proven
 * link folds the chat's citizen into the citizen of that WhatsApp number.
 */
export function createPhoneLinks(deps: {
  channels: Pick<ChannelRegistry, 'get'>;
  outbound: Pick<OutboundQueues, 'push'>;
  /** Live codes and the limits on sending and guessing them. */
  limits: LinkAttemptLimits;
  history: HistoryStore;
  transcriptOutbox: Pick<TranscriptOutbox, 'flush'>;
  /** Copies of identity → citizen that the link makes stale. */
  citizens: Pick<CitizenDirectory, 'changed'>;
}): PhoneLinks | undefined {
  const channel = ['whatsapp-cloud', 'whatsapp'].find((id) => deps.channels.get(id));
  if (!channel) return undefined;
  const address = WHATSAPP_ADDRESS[channel]!;
  return {
    async sendCode(phone: string, conversation: string, message: (code: string) => string, locale: Locale) {
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
      const issued = await deps.limits.issue(phone, conversation, code);
      // Anything but `sent` sends nothing: every code is a WhatsApp message to the number's owner.
      if (issued.kind !== 'sent') return issued;
      const conversationId = address(phone);
      await deps.outbound.push(conversationKey(channel, conversationId), {
        ref: { channel: channel as 'whatsapp-cloud' | 'whatsapp', conversationId, userId: conversationId, locale },
        activities: [{ type: 'message', text: message(code), locale }],
      });
      return issued;
    },
    checkCode: (phone, code) => deps.limits.check(phone, code),
    async link(citizenId: string, fromChannel: string, channelUserId: string, phone: string): Promise<string> {
      const target = await deps.history.citizenFor(channel, address(phone));
      // Lines already committed under the citizen being folded away go to SQL first, so the merge moves
      // their conversation too; left behind, a new conversation's row would name a deleted citizen and
      // its batch would fail on every flush.
      await deps.transcriptOutbox.flush();
      await deps.history.mergeCitizens(citizenId, target);
      await deps.history.linkIdentity(target, fromChannel, channelUserId, true);
      await deps.citizens.changed();
      return target;
    },
  };
}
