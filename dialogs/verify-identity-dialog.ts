import type { TurnContext } from 'botbuilder';
import type { DialogTurnResult, WaterfallStepContext } from 'botbuilder-dialogs';
import { WaterfallDialog } from './dialog-library';
import { DIALOG } from './dialog-ids';
import type { EngineDeps } from './engine-deps';
import { render, say } from './i18n';
import { localeOf } from './turn-keys';

/**
 * Signing in with the city's identity provider (issue 16 part 2), as the engine reaches it: a one-time
 * link for this chat's identity. Absent: the city has no provider, and the bot says so.
 */
export interface IdentityPort {
  signInLink(ctx: TurnContext): Promise<string>;
  /** Whether the citizen has signed in with the provider (an `oidc` identity is theirs). */
  verified(citizenId: string): Promise<boolean>;
  /** How long a link lasts, for the sentence that hands it over. */
  linkMinutes: number;
}

/**
 * "Verificar mi identidad", "identificar-me", "verify my identity": the sign-in link for this chat. After
 * the citizen signs in, the bot tells them on this channel that they are verified (bot/identity).
 */
export function verifyIdentityDialog(deps: EngineDeps): WaterfallDialog {
  return new WaterfallDialog(DIALOG.verifyIdentity, [
    async function link(step: WaterfallStepContext): Promise<DialogTurnResult> {
      const locale = localeOf(step.context);
      const s = deps.identity
        ? say('identity.link', { url: await deps.identity.signInLink(step.context), minutes: deps.identity.linkMinutes })
        : say('identity.unavailable');
      await step.context.sendActivity(render(deps.catalog, locale, s));
      return step.endDialog();
    },
  ]);
}
