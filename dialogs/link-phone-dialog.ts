import { createHash, randomInt } from 'node:crypto';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { t, type MessageKey, type Vars } from './i18n';
import { CITIZEN_ID, citizenIdOf, localeOf } from './turn-keys';

/** How long a code is valid, and how many wrong codes end the attempt. */
const CODE_TTL_MS = 10 * 60_000;
const MAX_WRONG_CODES = 3;
const WHATSAPP_CHANNELS = new Set(['whatsapp', 'whatsapp-cloud']);

interface LinkState {
  step: 'phone' | 'code';
  phone?: string;
  /** sha256 of the code and the conversation: the code itself never sits in dialog state. */
  codeHash?: string;
  expiresAt?: number;
  wrong: number;
}

/** "+34 600 11 22 33", "0034600112233", "600-112-233" → digits with country code, or undefined. */
export function phoneDigits(text: string): string | undefined {
  const compact = text.trim().replace(/[\s().-]/g, '');
  if (!/^(\+|00)?\d{8,15}$/.test(compact)) return undefined;
  return compact.replace(/^(\+|00)/, '');
}

const masked = (phone: string): string => `…${phone.slice(-4)}`;
const hashOf = (code: string, conversationId: string): string => createHash('sha256').update(`${conversationId}:${code}`).digest('hex');

/**
 * Links this chat (web chat, Telegram) to the citizen's WhatsApp number, so "my tickets" shows the
 * same tickets on every channel. Only after proof: a one-time code is sent to that WhatsApp number
 * and must be typed back here; typing a number alone links nothing.
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
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
    const locale = localeOf(dc.context);
    await this.deps.phones!.sendCode(phone, t(locale, 'link.codeMessage', { code }), locale);
    Object.assign(state, { step: 'code', phone, codeHash: hashOf(code, dc.context.activity.conversation.id), expiresAt: Date.now() + CODE_TTL_MS });
    await this.say(dc, 'link.codeSent', { phone: masked(phone) });
    return Dialog.EndOfTurn;
  }

  private async onCode(dc: DialogContext, state: LinkState, text: string): Promise<DialogTurnResult> {
    if (Date.now() > (state.expiresAt ?? 0)) return this.finish(dc, 'link.expired');
    const code = text.replace(/\s/g, '');
    if (!/^\d{6}$/.test(code) || hashOf(code, dc.context.activity.conversation.id) !== state.codeHash) {
      state.wrong++;
      if (state.wrong >= MAX_WRONG_CODES) return this.finish(dc, 'link.tooManyTries');
      await this.say(dc, 'link.wrongCode');
      return Dialog.EndOfTurn;
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
