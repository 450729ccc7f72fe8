import type { TurnContext } from 'botbuilder';
import type { Redis } from 'ioredis';
import type { Config } from '../config';
import type { Logger } from '../logger';
import type { Locale } from '../../catalog/schema';
import { LOCALE_TAGS, t } from '../../dialogs/i18n';
import { localeOfTag } from '../../dialogs/apology';
import type { OutboundQueues } from '../../queues/outbound';
import type { HistoryStore } from '../sql/history-store';
import type { VerifiedIdentityStore } from '../sql/verified-identity-store';
import { tellCitizen } from '../tell-citizen';
import { CitizenDirectory } from '../../turns/citizen-directory';
import { OidcSignIn, type ChannelIdentity } from './oidc-sign-in';

export interface OidcDeps {
  publicUrl: string;
  redis: Redis;
  prefix: string;
  history: HistoryStore;
  outbound: Pick<OutboundQueues, 'push'>;
  /** Moves transcript lines still in Redis to SQL before two citizens are merged. */
  beforeMerge: () => Promise<void>;
  /** Where each verification's assurance level and time (and sealed identifier) are kept. */
  verifications?: Pick<VerifiedIdentityStore, 'record'>;
  defaultLocale: Locale;
  log: Logger;
  clock?: () => number;
}

/**
 * The city's OpenID Connect sign-in (issue 16 part 2) when `OIDC_ISSUER` is set: links are made in turns,
 * pages served by web processes, and a verified citizen is told so on the chat they signed in from.
 */
export function oidcSignInFromConfig(config: Config, deps: OidcDeps): OidcSignIn | undefined {
  if (!config.OIDC_ISSUER) return undefined;
  const issuer = new URL(config.OIDC_ISSUER);
  return new OidcSignIn({
    issuer, clientId: config.OIDC_CLIENT_ID!, ...(config.OIDC_CLIENT_SECRET ? { clientSecret: config.OIDC_CLIENT_SECRET } : {}),
    identifierClaim: config.OIDC_IDENTIFIER_CLAIM, scopes: config.OIDC_SCOPES, ...(config.OIDC_ACR_VALUES ? { acrValues: config.OIDC_ACR_VALUES } : {}),
    publicUrl: deps.publicUrl.replace(/\/+$/, ''), linkTtlSeconds: config.OIDC_LINK_TTL_SECONDS, identifierSecret: config.OIDC_IDENTIFIER_SECRET!,
    redis: deps.redis, prefix: deps.prefix, history: deps.history, beforeMerge: deps.beforeMerge,
    // The turns' copies of which citizen an identity is: the signed-in chat's next message finds its new citizen.
    afterMerge: () => new CitizenDirectory(deps.redis, deps.prefix, deps.history).changed(), ...(deps.verifications ? { verifications: deps.verifications } : {}),
    onVerified: async (v) => {
      const locale = (v.locale && v.locale in LOCALE_TAGS ? v.locale : deps.defaultLocale) as Locale;
      await tellCitizen(deps.outbound, { channel: v.channel, conversationId: v.conversationId, userId: v.channelUserId, locale }, t(locale, 'identity.verified'));
    },
    log: deps.log, ...(deps.clock ? { clock: () => new Date(deps.clock!()) } : {}),
    // Plain HTTP only to a provider on this machine (a development or test set-up); a city's is HTTPS.
    allowInsecureRequests: ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname),
  });
}

/** The chat a turn came from, as a sign-in link is made for it (its sender, conversation and language). */
export function channelIdentityOf(ctx: TurnContext, defaultLocale: Locale): ChannelIdentity {
  const a = ctx.activity;
  return { channel: a.channelId, channelUserId: a.from!.id, conversationId: a.conversation!.id, locale: localeOfTag(a.locale ?? '') ?? defaultLocale };
}
