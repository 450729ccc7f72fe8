import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../bot/sql/database';
import { commandIn } from '../../dialogs/intents';
import { DlConversation, startTestApp, type RunningApp } from '../e2e/support';
import { followSignIn, startOidcProvider } from '../support/oidc-provider';
import { freePort } from '../support/telegram-emulator';

/*
 * "Verificar mi identidad" through the whole app (issue 16 part 2), with a real OpenID Connect provider
 * (oidc-provider) started here: on web chat the bot hands a sign-in link; following it through the
 * provider (login, consent, PKCE) binds the chat to a verified citizen, and the bot says so in the chat.
 * Records are off here (no RECORDS_URL): the assurance level and time are kept, the identifier is not.
 */

let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let bot: RunningApp;
let publicUrl: string;

beforeAll(async () => {
  const port = await freePort(); // known before the app starts: PUBLIC_URL and the provider's registered redirect
  publicUrl = `http://127.0.0.1:${port}`;
  provider = await startOidcProvider(`${publicUrl}/auth/callback`);
  bot = await startTestApp({
    PORT: String(port), PUBLIC_URL: publicUrl, OIDC_ISSUER: provider.issuer, OIDC_CLIENT_ID: 'citybot', OIDC_IDENTIFIER_CLAIM: 'national_id',
    OIDC_ACR_VALUES: 'substantial', OIDC_IDENTIFIER_SECRET: 'a-server-secret-of-16+',
  });
}, 60_000);
afterAll(async () => {
  await bot?.stop();
  await provider?.stop();
});

describe("verifying one's identity in the conversation", () => {
  it('reads the request in three languages', () => {
    expect(commandIn('quiero verificar mi identidad')).toEqual({ kind: 'verifyIdentity' });
    expect(commandIn('vull identificar-me')).toEqual({ kind: 'verifyIdentity' });
    expect(commandIn('verify my identity')).toEqual({ kind: 'verifyIdentity' });
  });

  it('on web chat: the link, the provider, and the chat told it is verified; the chat verified in SQL', async () => {
    const citizen = await DlConversation.open(bot.url);
    try {
      const { reply } = await citizen.ask('quiero verificar mi identidad');
      expect(reply.text).toMatch(/^Para identificarte, entra en este enlace con el sistema de identificación del ayuntamiento \(caduca en 10 minutos\)\./);
      const link = /https?:\/\/\S+\/auth\/sign-in\/[A-Za-z0-9_-]+/.exec(reply.text ?? '')![0];
      const done = await followSignIn(link);
      expect(done.status).toBe(200);
      expect(done.url.startsWith(`${publicUrl}/auth/callback`)).toBe(true);
      await citizen.botSays(/^Listo: ya sé que eres tú\. Tu identidad queda verificada en este chat\.$/, 20_000);
      const db = await openDatabase({ sqlitePath: bot.sqlitePath });
      try {
        const { citizen_id } = await db.kysely.selectFrom('conversations').select('citizen_id').where('id', '=', `webchat:${citizen.conversationId}`).executeTakeFirstOrThrow();
        const identities = await db.kysely.selectFrom('channel_identities').select(['channel', 'verified']).where('citizen_id', '=', citizen_id).orderBy('channel').execute();
        expect(identities.map((i) => [i.channel, Number(i.verified)])).toEqual([['oidc', 1], ['webchat', 1]]);
        // The assurance level and time are kept; without a records connector, not the identifier, even sealed.
        const kept = await db.kysely.selectFrom('verified_identities' as never).select(['acr', 'verified_at', 'identifier_sealed'] as never[]).where('citizen_id' as never, '=', citizen_id as never).execute();
        expect(kept).toEqual([{ acr: 'substantial', verified_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/), identifier_sealed: null }]);
      } finally {
        await db.close();
      }
    } finally {
      citizen.end();
    }
  }, 60_000);
});
