import type { Kysely } from 'kysely';
import { DependencyUnavailableError } from '../errors';
import type { IdentifierSeal } from '../identity/identifier-seal';
import type { Db } from './database';
import { sqlGuard } from './guard';

/** One sign-in the city's identity provider verified. */
export interface VerificationRecord {
  citizenId: string;
  /** The identifier's keyed hash (the `oidc` identity's channel user id). */
  identifierHash: string;
  /** The identifier itself: sealed only when the store has a seal (a records connector needs it). */
  identifier: string;
  /** The assurance level the provider asserted, if any. */
  acr?: string;
  at: Date;
}

/** What is kept of a citizen's latest verification (never the identifier). */
export interface VerifiedIdentity {
  identifierHash: string;
  acr?: string;
  verifiedAt: Date;
}

interface VerifiedIdentitiesTable {
  identifier_hash: string;
  citizen_id: string;
  acr: string | null;
  verified_at: string;
  identifier_sealed: string | null;
}
type Tables = { verified_identities: VerifiedIdentitiesTable };

export interface VerifiedIdentityStoreOptions {
  /** Present only when a records connector is configured: then, and only then, the identifier is kept (sealed). */
  seal?: IdentifierSeal;
}

/**
 * The verified identities (verified-identities-migration.ts): the assurance level and time of each
 * identifier's latest sign-in, and, for records look-ups only, the identifier sealed. Written by the sign-in
 * (bot/identity/oidc-sign-in.ts) on every verification; merges carry the rows to the surviving citizen and
 * erasure deletes them (bot/sql/history-store.ts, privacy/erase-sql.ts).
 *
 * @example
 * const store = new VerifiedIdentityStore(db, { seal: new IdentifierSeal(secret) });
 * await store.record({ citizenId, identifierHash, identifier: '12345678Z', acr: 'substantial', at: new Date() });
 * await store.latest(citizenId); // { identifierHash, acr: 'substantial', verifiedAt }
 * await store.identifierOf(citizenId); // '12345678Z'
 */
export class VerifiedIdentityStore {
  private readonly kysely: Kysely<Tables>;
  private readonly guard = sqlGuard('verified identity store', DependencyUnavailableError);

  constructor(db: Db, private readonly opts: VerifiedIdentityStoreOptions = {}) {
    // The table is this module's own: typed here rather than in the shared schema-types.ts.
    this.kysely = db.kysely.withTables<Tables>() as unknown as Kysely<Tables>;
  }

  /** Keeps this verification (the latest of its identifier wins); without a seal, any identifier kept before goes. */
  async record(v: VerificationRecord): Promise<void> {
    const row = {
      citizen_id: v.citizenId,
      acr: v.acr ?? null,
      verified_at: v.at.toISOString(),
      identifier_sealed: this.opts.seal ? this.opts.seal.seal(v.identifier, v.identifierHash) : null,
    };
    await this.guard('record a verification', () =>
      this.kysely.insertInto('verified_identities').values({ identifier_hash: v.identifierHash, ...row })
        .onConflict((oc) => oc.column('identifier_hash').doUpdateSet(row)).execute());
  }

  /** The citizen's latest verification, if any. */
  async latest(citizenId: string): Promise<VerifiedIdentity | undefined> {
    const r = await this.guard('read a verification', () =>
      this.kysely.selectFrom('verified_identities').select(['identifier_hash', 'acr', 'verified_at'])
        .where('citizen_id', '=', citizenId).orderBy('verified_at', 'desc').limit(1).executeTakeFirst());
    return r ? { identifierHash: r.identifier_hash, ...(r.acr ? { acr: r.acr } : {}), verifiedAt: new Date(r.verified_at) } : undefined;
  }

  /**
   * The identifier of the citizen's latest verification that kept one and that this key opens; undefined
   * when there is none (no records connector, none kept when they signed in, or a rotated secret): the
   * citizen is then asked to sign in again, which seals it anew.
   */
  async identifierOf(citizenId: string): Promise<string | undefined> {
    const seal = this.opts.seal;
    if (!seal) return undefined;
    const rows = await this.guard('read a sealed identifier', () =>
      this.kysely.selectFrom('verified_identities').select(['identifier_hash', 'identifier_sealed'])
        .where('citizen_id', '=', citizenId).where('identifier_sealed', 'is not', null).orderBy('verified_at', 'desc').execute());
    for (const r of rows) {
      const identifier = seal.open(r.identifier_sealed!, r.identifier_hash);
      if (identifier !== undefined) return identifier;
    }
    return undefined;
  }
}
