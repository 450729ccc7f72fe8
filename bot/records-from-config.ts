import type { Locale } from '../catalog/schema';
import { RestCitizenRecords } from '../connectors/records/rest-citizen-records';
import type { RecordsAccess } from '../dialogs/my-records-dialog';
import type { Config } from './config';
import { conversationKey } from './conversation-key';
import { IdentifierSeal } from './identity/identifier-seal';
import { channelIdentityOf } from './identity/oidc-from-config';
import type { OidcSignIn } from './identity/oidc-sign-in';
import type { Db } from './sql/database';
import type { AuditLog } from './sql/audit-log';
import { VerifiedIdentityStore } from './sql/verified-identity-store';

/**
 * Where verifications are kept when the city has an identity provider (OIDC_ISSUER). The identifier itself
 * is kept (sealed) only when a records connector needs it (RECORDS_URL): "as little as needed".
 */
export function verifiedIdentitiesFromConfig(config: Config, db: Db): VerifiedIdentityStore | undefined {
  if (!config.OIDC_ISSUER) return undefined;
  return new VerifiedIdentityStore(db, config.RECORDS_URL ? { seal: new IdentifierSeal(config.OIDC_IDENTIFIER_SECRET!) } : {});
}

export interface RecordsDeps {
  verified: VerifiedIdentityStore | undefined;
  audit: Pick<AuditLog, 'record'>;
  signIn: OidcSignIn | undefined;
  defaultLocale: Locale;
}

/**
 * The citizen's own records (issue 16 part 3) when RECORDS_URL is set (config requires OIDC_ISSUER with
 * it): the city's REST API, asked with the identifier of the citizen's latest verification; each look-up
 * recorded in the audit log (`records.view`, the citizen as actor) before anything is asked; an unverified
 * citizen gets a sign-in link for their chat.
 */
export function recordsFromConfig(config: Config, deps: RecordsDeps): RecordsAccess | undefined {
  const { verified, signIn } = deps;
  if (!config.RECORDS_URL || !verified || !signIn) return undefined;
  return {
    records: new RestCitizenRecords({ url: config.RECORDS_URL, token: config.RECORDS_TOKEN!, timeoutMs: config.RECORDS_TIMEOUT_MS }),
    verifiedOf: async (citizenId) => {
      const identifier = await verified.identifierOf(citizenId);
      return identifier === undefined ? undefined : { identifier };
    },
    audit: async (citizenId, lookup, ctx) => {
      // Which kind was looked up, as a count (the log keeps ids and counts only, never what was shown).
      await deps.audit.record({
        actor: { id: citizenId, role: 'citizen' }, action: 'records.view', citizenId,
        conversationId: conversationKey(ctx.activity.channelId, ctx.activity.conversation.id), detail: { [lookup]: 1 },
      });
    },
    signInLink: (ctx) => signIn.startSignIn(channelIdentityOf(ctx, deps.defaultLocale)),
  };
}
