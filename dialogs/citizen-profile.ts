import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Locale } from '../catalog/schema';
import { LOCALE } from './turn-keys';

/** What the bot remembers about a citizen between conversations (UserState). */
export interface CitizenProfile {
  /** The language the bot speaks to this citizen. */
  locale?: Locale;
  /** True once the citizen picked a language explicitly; detection never overrides a choice. */
  localeChosen?: boolean;
  /** True once the privacy notice went with a reply (dialogs/privacy-notice.ts). */
  privacyNoticeSent?: boolean;
}

/** Reads and updates the citizen's profile for one turn; saved with the rest of the state. */
export class Profiles {
  constructor(private readonly accessor: StatePropertyAccessor<CitizenProfile>) {}

  get(ctx: TurnContext): Promise<CitizenProfile> {
    return this.accessor.get(ctx, {});
  }

  /** The citizen chose a language: remember it and speak it from this very turn on. */
  async chooseLocale(ctx: TurnContext, locale: Locale): Promise<void> {
    await this.accessor.set(ctx, { ...(await this.get(ctx)), locale, localeChosen: true });
    ctx.turnState.set(LOCALE, locale);
  }

  /** The privacy notice was sent: never again to this citizen on this channel. */
  async noticeSent(ctx: TurnContext): Promise<void> {
    await this.accessor.set(ctx, { ...(await this.get(ctx)), privacyNoticeSent: true });
  }

  /** Remembers a detected language; an explicit choice is kept. */
  async detectedLocale(ctx: TurnContext, locale: Locale): Promise<void> {
    const profile = await this.get(ctx);
    if (profile.localeChosen) return;
    await this.accessor.set(ctx, { ...profile, locale });
  }
}
