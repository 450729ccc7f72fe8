import type { DialogContext, DialogTurnResult } from 'botbuilder-dialogs';
import { Dialog } from './dialog-library';
import { conversationKey } from '../bot/conversation-key';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { t, type MessageKey, type Vars } from './i18n';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

/** Messages that are not the code end the attempt after this many (the limits count real codes). */
const MAX_WRONG_ANSWERS = 3;
const WHATSAPP_CHANNELS = new Set(['whatsapp', 'whatsapp-cloud']);

/** The code itself never sits in dialog state: PhoneLinks keeps the number's live code (hashed). */
interface LinkState {
  step: 'phone' | 'code';
  phone?: string;
  wrong: number;
}

/** "+34 600 11 22 33", "0034600112233", "600-112-233" → digits with country code, or undefined. */
export function phoneDigits(text: string): string | undefined {
  const compact = text.trim().replace(/[\s().-]/g, '');
  if (!/^(\+|00)?\d{8,15}$/.test(compact)) return undefined;
  return compact.replace(/^(\+|00)/, '');
}

const masked = (phone: string): string => `…${phone.slice(-4)}`;
const minutes = (ms: number): number => Math.max(1, Math.ceil(ms / 60_000));
const hours = (ms: number): number => Math.max(1, Math.ceil(ms / 3_600_000));

/**
 * Links this chat (web chat, Telegram) to the citizen's WhatsApp number, so "my tickets" shows the
 * same tickets on every channel. Only after proof: a one-time code is sent to that WhatsApp number
 * and must be typed back here; typing a number alone links nothing. PhoneLinks limits the codes sent
 * and the wrong codes typed, so a number cannot be guessed into (nor its owner flooded with codes).
 */
export class LinkPhoneDialog extends Dialog<LinkState> {
  constructor(private readonly deps: EngineDeps) {
    super(DIALOG.linkPhone);
  }

  override async beginDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (WHATSAPP_CHANNELS.has(dc.context.activity.channelId)) return this.finish(dc, 'link.alreadyWhatsapp');
    if (!this.deps.phones) return this.finish(dc, 'link.unavailable');
    const state: LinkState = { step: 'phone', wrong: 0 };
    dc.activeDialog!.state = state;
    await this.say(dc, 'link.askPhone');
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    const state = dc.activeDialog!.state as LinkState;
    const text = dc.context.activity.text?.trim() ?? '';
    return state.step === 'phone' ? this.onPhone(dc, state, text) : this.onCode(dc, state, text);
  }

  private async onPhone(dc: DialogContext, state: LinkState, text: string): Promise<DialogTurnResult> {
    const phone = phoneDigits(text);
    if (!phone) {
      await this.say(dc, 'link.invalidPhone');
      return Dialog.EndOfTurn;
    }
    const locale = localeOf(dc.context);
    const { activity } = dc.context;
    const issued = await this.deps.phones!.sendCode(
      phone, conversationKey(activity.channelId, activity.conversation.id), (code) => t(locale, 'link.codeMessage', { code }), locale,
    );
    if (issued.kind !== 'sent') this.deps.log.info({ outcome: issued.kind, channel: activity.channelId }, 'phone link: no code sent');
    switch (issued.kind) {
      case 'sent':
      case 'live':
        Object.assign(state, { step: 'code', phone });
        await this.say(dc, issued.kind === 'sent' ? 'link.codeSent' : 'link.codeLive', { phone: masked(phone), minutes: minutes(issued.waitMs) });
        return Dialog.EndOfTurn;
      case 'numberBusy':
        return this.finish(dc, 'link.numberBusy', { minutes: minutes(issued.waitMs) });
      case 'conversationBusy':
        return this.finish(dc, 'link.conversationBusy', { minutes: minutes(issued.waitMs) });
      case 'locked':
        return this.finish(dc, 'link.locked', { hours: hours(issued.waitMs) });
    }
  }

  private async onCode(dc: DialogContext, state: LinkState, text: string): Promise<DialogTurnResult> {
    const code = text.replace(/\s/g, '');
    // Only something shaped like a code is checked (and counted against the number).
    const checked = /^\d{6}$/.test(code) ? await this.deps.phones!.checkCode(state.phone!, code) : { kind: 'wrong' as const };
    switch (checked.kind) {
      case 'right':
        break;
      case 'wrong':
        if (++state.wrong >= MAX_WRONG_ANSWERS) return this.finish(dc, 'link.tooManyTries');
        await this.say(dc, 'link.wrongCode');
        return Dialog.EndOfTurn;
      case 'spent':
        return this.finish(dc, 'link.tooManyTries');
      case 'expired':
        return this.finish(dc, 'link.expired');
      case 'locked':
        this.deps.log.warn({ channel: dc.context.activity.channelId }, 'phone link: number locked after too many wrong codes');
        return this.finish(dc, 'link.locked', { hours: hours(checked.waitMs) });
    }
    const { activity } = dc.context;
    const citizenId = await this.deps.phones!.link(citizenIdOf(dc.context), activity.channelId, activity.from.id, state.phone!);
    // The rest of this turn (and every later one, through the identity) speaks for the linked citizen.
    dc.context.turnState.set(CITIZEN_ID, citizenId);
    return this.finish(dc, 'link.done', { phone: masked(state.phone!) });
  }

  private async say(dc: DialogContext, key: MessageKey, vars?: Vars): Promise<void> {
    await dc.context.sendActivity(t(localeOf(dc.context), key, vars));
  }

  private async finish(dc: DialogContext, key: MessageKey, vars?: Vars): Promise<DialogTurnResult> {
    await this.say(dc, key, vars);
    return dc.endDialog();
  }
}
