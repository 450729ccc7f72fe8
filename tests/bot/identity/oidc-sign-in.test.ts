import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../bot/sql/history-store';
import { OidcSignIn, VERIFIED_CHANNEL, type Verification } from '../../../bot/identity/oidc-sign-in';
import { IdentifierSeal } from '../../../bot/identity/identifier-seal';
import { VerifiedIdentityStore } from '../../../bot/sql/verified-identity-store';
import { DIALECTS, type TestDatabase } from '../sql/test-databases';
import { dropPrefix, redisClient, testPrefix } from '../../support/redis';
import { followSignIn, startOidcProvider } from '../../support/oidc-provider';

/*
 * Sign-in through a real OpenID Connect provider (oidc-provider, OpenID-certified) started here on
 * port 0 with a public client that must use PKCE, and a test account whose claims hold a national ID
 * and whose login asserts an assurance level. The provider's interactions log the account in and
 * grant consent at once; the test follows every redirect over HTTP with a small cookie jar. Real
 * Redis (links, states) and real SQLite and PostgreSQL (the identities bound).
 */

const redis = redisClient();
const prefix = testPrefix();
const log = pino({ level: 'silent' });
let sql: TestDatabase;
let history: HistoryStore;
let bot: Server;
let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let publicUrl: string;
const verified: Verification[] = [];
let signIn: OidcSignIn;
let shortLived: OidcSignIn;
let router: express.Router;
let verifications: VerifiedIdentityStore;
let options: Omit<ConstructorParameters<typeof OidcSignIn>[0], 'linkTtlSeconds' | 'history'>;

const listen = (s: Server) => new Promise<string>((ok) => s.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)));

beforeAll(async () => {
  const app = express();
  app.use((req, res, next) => router(req, res, next));
  bot = createServer(app);
  publicUrl = await listen(bot);

  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  const issuer = provider.issuer;

  options = {
    issuer: new URL(issuer),
    clientId: 'citybot',
    identifierClaim: 'national_id',
    scopes: 'openid',
    acrValues: 'substantial',
    publicUrl,
    identifierSecret: 'a-server-secret-of-16+',
    redis,
    prefix,
    onVerified: async (v: Verification) => void verified.push(v),
    log,
    clock: () => new Date('2026-03-02T10:00:00Z'),
    allowInsecureRequests: true,
  };
});

afterAll(async () => {
  await new Promise((ok) => bot.close(ok));
  await provider.stop();
  await dropPrefix(redis, prefix);
  redis.disconnect();
});

/** Follows redirects from the sign-in link until the bot's callback URL, which it returns unopened. */
async function untilCallback(link: string): Promise<string> {
  const reached = await followSignIn(link, (url) => url.startsWith(`${publicUrl}/auth/callback`));
  if (reached.status !== 0) throw new Error(`the sign-in never reached the callback: ${reached.status} ${reached.text}`);
  return reached.url;
}

const identity = (user: string) => ({ channel: 'telegram', channelUserId: user, conversationId: user });

describe.each(DIALECTS)('OpenID Connect sign-in ($dialect)', ({ open }) => {
  beforeAll(async () => {
    sql = await open();
    history = new HistoryStore(sql.db);
    verifications = new VerifiedIdentityStore(sql.db, { seal: new IdentifierSeal('a-server-secret-of-16+') });
    signIn = new OidcSignIn({ ...options, history, verifications, linkTtlSeconds: 600 });
    shortLived = new OidcSignIn({ ...options, history, linkTtlSeconds: 1 });
    router = signIn.router();
  });
  afterAll(() => sql.drop());

  it('binds the channel identity to the citizen verified by the national ID, with the assurance level', async () => {
    const link = await signIn.startSignIn(identity('tg-1'));
    expect(link).toMatch(new RegExp(`^${publicUrl}/auth/sign-in/[A-Za-z0-9_-]{32}$`));
    // A chat app's link preview opens the link first: it must still work for the citizen.
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(303);
    const callback = await untilCallback(link);
    const res = await fetch(callback);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('Identidad verificada');

    const citizen = await history.citizenFor('telegram', 'tg-1');
    const ids = await history.identitiesOf(citizen);
    expect(ids.find((i) => i.channel === 'telegram')?.verified).toBe(true);
    const oidcId = ids.find((i) => i.channel === VERIFIED_CHANNEL);
    expect(oidcId?.verified).toBe(true);
    expect(oidcId?.channelUserId).not.toContain('12345678Z'); // only the keyed hash is kept
    expect(verified.at(-1)).toMatchObject({ citizenId: citizen, channel: 'telegram', acr: 'substantial', at: new Date('2026-03-02T10:00:00Z') });
    // The assurance level and time are kept; the identifier only sealed (the store has a seal: records are on).
    expect(await verifications.latest(citizen)).toEqual({ identifierHash: oidcId!.channelUserId, acr: 'substantial', verifiedAt: new Date('2026-03-02T10:00:00Z') });
    expect(await verifications.identifierOf(citizen)).toBe('12345678Z');
  });

  it('refuses an ID token below the required assurance level (or with none), and binds nothing', async () => {
    for (const acr of ['low', undefined]) {
      const user = `tg-acr-${acr ?? 'none'}`;
      provider.login.acr = acr;
      try {
        const res = await fetch(await untilCallback(await signIn.startSignIn(identity(user))));
        expect(res.status).toBe(400);
        expect(await res.text()).toContain('No se ha vinculado nada');
      } finally {
        provider.login.acr = 'substantial';
      }
      const citizen = await history.citizenFor('telegram', user);
      expect((await history.identitiesOf(citizen)).every((i) => !i.verified && i.channel === 'telegram')).toBe(true);
      expect(await verifications.latest(citizen)).toBeUndefined();
    }
  });

  it('makes the same citizen of a second channel verified with the same identifier', async () => {
    const before = await history.citizenFor('telegram', 'tg-1');
    const other = await history.citizenFor('webchat', 'wc-1');
    expect(other).not.toBe(before);
    await fetch(await untilCallback(await signIn.startSignIn({ channel: 'webchat', channelUserId: 'wc-1', conversationId: 'wc-1' })));
    expect(await history.citizenFor('webchat', 'wc-1')).toBe(before);
  });

  it('refuses a wrong state and binds nothing', async () => {
    const callback = new URL(await untilCallback(await signIn.startSignIn(identity('tg-wrong'))));
    callback.searchParams.set('state', 'not-the-state');
    const res = await fetch(callback);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('No se ha vinculado nada');
    const ids = await history.identitiesOf(await history.citizenFor('telegram', 'tg-wrong'));
    expect(ids.every((i) => !i.verified && i.channel === 'telegram')).toBe(true);
  });

  it('refuses a replayed callback the second time', async () => {
    const callback = await untilCallback(await signIn.startSignIn(identity('tg-replay')));
    expect((await fetch(callback)).status).toBe(200);
    const again = await fetch(callback);
    expect(again.status).toBe(400);
  });

  it('spends the link when a sign-in through it succeeds', async () => {
    const link = await signIn.startSignIn(identity('tg-once'));
    const first = await untilCallback(link);
    const second = await untilCallback(link);
    expect((await fetch(first)).status).toBe(200);
    expect((await fetch(second)).status).toBe(410);
    expect((await fetch(link, { redirect: 'manual' })).status).toBe(410);
  });

  it('refuses an ID token whose nonce is not the one sent', async () => {
    const callback = await untilCallback(await signIn.startSignIn(identity('tg-nonce')));
    const key = `${prefix}:oidc:state:${new URL(callback).searchParams.get('state')}`;
    const stored = JSON.parse((await redis.get(key))!) as { nonce: string };
    await redis.set(key, JSON.stringify({ ...stored, nonce: 'another-nonce' }), 'EX', 60);
    expect((await fetch(callback)).status).toBe(400);
    const ids = await history.identitiesOf(await history.citizenFor('telegram', 'tg-nonce'));
    expect(ids.some((i) => i.verified)).toBe(false);
  });

  it('refuses an expired sign-in link and an unknown one', async () => {
    const link = await shortLived.startSignIn(identity('tg-late'));
    await new Promise((ok) => setTimeout(ok, 1_500)); // Redis expires the link (1-second lifetime)
    const res = await fetch(link, { redirect: 'manual' });
    expect(res.status).toBe(410);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain('Enlace caducado');
    expect((await fetch(`${publicUrl}/auth/sign-in/%3Cscript%3E`, { redirect: 'manual' })).status).toBe(410);
  });
});
