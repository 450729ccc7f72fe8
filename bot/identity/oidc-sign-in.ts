import { createHmac, randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import * as oidc from 'openid-client';
import type { HistoryStore } from '../sql/history-store';
import type { VerifiedIdentityStore } from '../sql/verified-identity-store';
import { signInPage, type PageKind } from './sign-in-pages';

/** The channel identity a sign-in link is for (the conversation's sender on its channel). */
export interface ChannelIdentity {
  channel: string;
  channelUserId: string;
  /** The conversation to tell about the result (through the outbound queue). */
  conversationId: string;
  /** The conversation's language, for the message that tells the citizen they are verified. */
  locale?: string;
}

/** What a finished sign-in bound. */
export interface Verification extends ChannelIdentity {
  citizenId: string;
  /** The assurance level the provider asserted (`acr`), if any. */
  acr?: string;
  at: Date;
}

export interface OidcSignInOptions {
  issuer: URL;
  clientId: string;
  /** Absent: a public client, PKCE only. */
  clientSecret?: string;
  identifierClaim: string;
  scopes: string;
  /** Requested assurance levels, space-separated: an ID token asserting none of them is refused. */
  acrValues?: string;
  /** The app's own public base URL (PUBLIC_URL), without a trailing slash. */
  publicUrl: string;
  linkTtlSeconds: number;
  /** Keys the HMAC of the identifier: the identifier itself is never stored. */
  identifierSecret: string;
  redis: Redis;
  prefix: string;
  history: Pick<HistoryStore, 'citizenFor' | 'mergeCitizens' | 'linkIdentity'>;
  /** Lines committed under a citizen about to be folded away go to SQL first (as phone links do). */
  beforeMerge?: () => Promise<void>;
  /** After two citizens were folded: copies of which citizen an identity is (the turns' directory) are void. */
  afterMerge?: () => Promise<void>;
  /** Keeps each verification's assurance level and time (and, for records look-ups, the identifier sealed). */
  verifications?: Pick<VerifiedIdentityStore, 'record'>;
  /** After binding: stale caches, the audit log, the message on the citizen's channel. */
  onVerified?: (v: Verification) => Promise<void>;
  log: Logger;
  clock?: () => Date;
  /** Tests against a provider on http://127.0.0.1 only. */
  allowInsecureRequests?: boolean;
}

/** The pseudo-channel under which a verified identifier's keyed hash is kept in citizen_identities. */
export const VERIFIED_CHANNEL = 'oidc';
/** How long the round trip through the provider may take (state, nonce and verifier live this long). */
const STATE_TTL_SECONDS = 600;

/**
 * Sign-in through the city's OpenID Connect provider (authorization code with PKCE S256, state and
 * nonce), binding a channel identity to a verified citizen.
 *
 * What is kept: the identifier claim as HMAC-SHA256 under a server secret, as the channel user id of an
 * `oidc` identity of the citizen. Equal identifiers give equal hashes, so a citizen verified on a second
 * channel is found and folded in, while a leaked database does not reveal national ID numbers (the key is
 * not in it). `verifications` keeps the assurance level and time, and the identifier itself only sealed
 * and only where a records connector needs it. The tokens and other claims are never stored. When
 * `acrValues` is set, an ID token asserting another assurance level (or none) binds nothing.
 */
export class OidcSignIn {
  private config?: Promise<oidc.Configuration>;
  private readonly clock: () => Date;
  constructor(private readonly o: OidcSignInOptions) {
    this.clock = o.clock ?? (() => new Date());
  }

  private key(kind: 'link' | 'state', id: string): string {
    return `${this.o.prefix}:oidc:${kind}:${id}`;
  }

  /** Discovery once, retried on the next request when the provider was down. */
  private configuration(): Promise<oidc.Configuration> {
    if (!this.config) {
      const auth = this.o.clientSecret ? oidc.ClientSecretPost(this.o.clientSecret) : oidc.None();
      this.config = oidc
        .discovery(this.o.issuer, this.o.clientId, this.o.clientSecret, auth, this.o.allowInsecureRequests ? { execute: [oidc.allowInsecureRequests] } : undefined)
        .catch((err: unknown) => {
          this.config = undefined;
          throw err;
        });
    }
    return this.config;
  }

  /** A one-time sign-in link for this channel identity, valid for the configured lifetime. */
  async startSignIn(identity: ChannelIdentity): Promise<string> {
    const token = randomBytes(24).toString('base64url');
    await this.o.redis.set(this.key('link', token), JSON.stringify(identity), 'EX', this.o.linkTtlSeconds);
    return `${this.o.publicUrl}/auth/sign-in/${token}`;
  }

  /** Mount under the app's root: GET /auth/sign-in/:token and GET /auth/callback. */
  router(): Router {
    const r = express.Router();
    const page = (res: express.Response, status: number, kind: PageKind) => {
      res.status(status).set('Cache-Control', 'no-store').type('html').send(signInPage(kind));
    };
    r.get('/auth/sign-in/:token', async (req, res) => {
      try {
        // Read, not consumed: a chat app's link preview fetches the link before the citizen does. It is
        // spent when a sign-in through it succeeds; each visit gets its own single-use state.
        const link = req.params.token;
        const raw = await this.o.redis.get(this.key('link', link));
        if (!raw) return page(res, 410, 'expired');
        const identity = JSON.parse(raw) as ChannelIdentity;
        const config = await this.configuration();
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        const nonce = oidc.randomNonce();
        await this.o.redis.set(this.key('state', state), JSON.stringify({ identity, verifier, nonce, link }), 'EX', STATE_TTL_SECONDS);
        const params: Record<string, string> = {
          redirect_uri: `${this.o.publicUrl}/auth/callback`,
          scope: this.o.scopes,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
          state,
          nonce,
        };
        if (this.o.acrValues) params.acr_values = this.o.acrValues;
        res.set('Cache-Control', 'no-store').redirect(303, oidc.buildAuthorizationUrl(config, params).href);
      } catch (err) {
        this.o.log.error({ err }, 'oidc sign-in could not start');
        page(res, 503, 'failed');
      }
    });
    r.get('/auth/callback', async (req, res) => {
      const state = typeof req.query.state === 'string' ? req.query.state : undefined;
      // GETDEL: a state is spent by its first use, so a replayed callback finds nothing.
      const raw = state ? await this.o.redis.getdel(this.key('state', state)).catch(() => null) : null;
      if (!raw) {
        this.o.log.warn({ hasState: Boolean(state) }, 'oidc callback with an unknown or spent state');
        return page(res, 400, 'refused');
      }
      const { identity, verifier, nonce, link } = JSON.parse(raw) as { identity: ChannelIdentity; verifier: string; nonce: string; link: string };
      let claims: oidc.IDToken;
      try {
        const config = await this.configuration();
        const current = new URL(req.originalUrl, `${this.o.publicUrl}/`);
        const tokens = await oidc.authorizationCodeGrant(config, current, {
          pkceCodeVerifier: verifier,
          expectedState: state,
          expectedNonce: nonce,
          idTokenExpected: true,
        });
        claims = tokens.claims()!;
      } catch (err) {
        // The library's codes say what failed (state, nonce, signature, provider's error); no claims logged.
        this.o.log.warn({ code: (err as { code?: string }).code, error: (err as { error?: string }).error }, 'oidc callback refused');
        return page(res, 400, 'refused');
      }
      const acr = typeof claims.acr === 'string' ? claims.acr : undefined;
      // acr_values is only a request: the provider may sign in at a lower level, and then nothing is bound.
      if (this.o.acrValues && !(acr && this.o.acrValues.split(/\s+/).includes(acr))) {
        this.o.log.warn({ acr, accepted: this.o.acrValues }, 'oidc id token below the required assurance level');
        return page(res, 400, 'refused');
      }
      const identifier = claims[this.o.identifierClaim];
      if (typeof identifier !== 'string' && typeof identifier !== 'number') {
        this.o.log.warn({ claim: this.o.identifierClaim }, 'oidc id token lacks the identifier claim');
        return page(res, 400, 'refused');
      }
      try {
        // The link is spent first: of two sign-ins racing through the same link, one binds.
        if ((await this.o.redis.del(this.key('link', link))) === 0) return page(res, 410, 'expired');
        const v = await this.bind(identity, String(identifier), acr);
        this.o.log.info({ channel: v.channel, citizenId: v.citizenId, acr: v.acr }, 'channel identity verified');
        page(res, 200, 'verified');
      } catch (err) {
        this.o.log.error({ err }, 'oidc binding failed');
        page(res, 503, 'failed');
      }
    });
    return r;
  }

  /** The channel identity joins the citizen verified with this identifier (folding citizens as phone links do). */
  private async bind(identity: ChannelIdentity, identifier: string, acr: string | undefined): Promise<Verification> {
    const hash = createHmac('sha256', this.o.identifierSecret).update(identifier).digest('base64url');
    const h = this.o.history;
    const target = await h.citizenFor(VERIFIED_CHANNEL, hash);
    const current = await h.citizenFor(identity.channel, identity.channelUserId);
    if (current !== target) {
      await this.o.beforeMerge?.();
      await h.mergeCitizens(current, target);
    }
    await h.linkIdentity(target, VERIFIED_CHANNEL, hash, true);
    await h.linkIdentity(target, identity.channel, identity.channelUserId, true);
    // After the identity is the target's in SQL: a turn's copy read before this is void with the epoch.
    if (current !== target) await this.o.afterMerge?.();
    const v: Verification = { ...identity, citizenId: target, acr, at: this.clock() };
    await this.o.verifications?.record({ citizenId: target, identifierHash: hash, identifier, ...(acr ? { acr } : {}), at: v.at });
    await this.o.onVerified?.(v);
    return v;
  }
}
