import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** Who the test provider signs in next, and the assurance level it asserts (none when absent). */
export interface OidcLogin {
  nationalId: string;
  acr?: string;
}

/**
 * A real OpenID Connect provider for tests (oidc-provider, OpenID-certified) on a free port: a public
 * client `citybot` that must use PKCE, redirecting to `redirectUri`; its interactions log the account in
 * (asserting `acr: substantial`) and grant consent at once; the account's claims hold `national_id`.
 * `login` says who the next sign-ins are and at which assurance level (a test may change it between them).
 */
export async function startOidcProvider(redirectUri: string, nationalId = '12345678Z'): Promise<{ issuer: string; login: OidcLogin; stop(): Promise<void> }> {
  const login: OidcLogin = { nationalId, acr: 'substantial' };
  const op = createServer();
  const issuer = await new Promise<string>((ok) => op.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${(op.address() as AddressInfo).port}`)));
  const provider = new Provider(issuer, {
    clients: [{ client_id: 'citybot', token_endpoint_auth_method: 'none', redirect_uris: [redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    pkce: { required: () => true },
    claims: { openid: ['sub', 'national_id'] },
    conformIdTokenClaims: false,
    acrValues: ['low', 'substantial', 'high'],
    ttl: { Interaction: 600, Session: 600, Grant: 600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, national_id: login.nationalId }) }),
  });
  const callback = provider.callback();
  op.on('request', async (req, res) => {
    if (!/^\/interaction\/[^/]+$/.test(req.url ?? '')) return callback(req, res);
    const details = await provider.interactionDetails(req, res);
    if (details.prompt.name === 'login') {
      await provider.interactionFinished(req, res, { login: { accountId: 'citizen-1', ...(login.acr ? { acr: login.acr } : {}) } }, { mergeWithLastSubmission: false });
      return;
    }
    const grant = new provider.Grant({ accountId: details.session!.accountId, clientId: 'citybot' });
    grant.addOIDCScope('openid');
    grant.addOIDCClaims(['national_id']);
    await provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
  });
  return {
    issuer,
    login,
    stop: async () => {
      op.closeAllConnections();
      await new Promise((ok) => op.close(ok));
    },
  };
}

/**
 * Follows a sign-in link's redirects (with a cookie jar), as a browser would; returns the last answer, or
 * the first URL `stopBefore` accepts, unopened (status 0).
 */
export async function followSignIn(link: string, stopBefore: (url: string) => boolean = () => false): Promise<{ url: string; status: number; text: string }> {
  const jar = new Map<string, string>();
  let url = link;
  for (let hops = 0; hops < 20; hops++) {
    if (stopBefore(url)) return { url, status: 0, text: '' };
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    const location = res.headers.get('location');
    if (!location) return { url, status: res.status, text: await res.text() };
    url = new URL(location, url).href;
  }
  throw new Error('too many redirects');
}
