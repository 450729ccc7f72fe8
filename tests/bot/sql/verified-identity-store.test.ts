import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdentifierSeal } from '../../../bot/identity/identifier-seal';
import { HistoryStore } from '../../../bot/sql/history-store';
import { VerifiedIdentityStore } from '../../../bot/sql/verified-identity-store';
import { eraseFromSql, findCitizenRecords } from '../../../privacy/erase-sql';
import { sqlTraces } from '../../support/marker-scan';
import { DIALECTS, type TestDatabase } from './test-databases';

/*
 * The verified identities (issue 16 parts 2 and 3) on real SQLite and PostgreSQL: each verification's
 * assurance level and time; the identifier kept only sealed and only when the store has a seal (a records
 * connector is configured), never readable in SQL; a sealed value opens under its key and on its row only;
 * merges carry the rows to the surviving citizen, and erasure leaves nothing of them.
 */

const NATIONAL_ID = '48151623X';
const SECRET = 'a-server-secret-of-16+';
const T1 = new Date('2027-01-10T09:00:00.000Z');
const T2 = new Date('2027-01-11T17:30:00.000Z');

describe.each(DIALECTS)('verified identities on $dialect', ({ open }) => {
  let t: TestDatabase;
  let history: HistoryStore;
  let sealed: VerifiedIdentityStore;
  let citizen: string;
  beforeEach(async () => {
    t = await open();
    history = new HistoryStore(t.db);
    sealed = new VerifiedIdentityStore(t.db, { seal: new IdentifierSeal(SECRET) });
    citizen = await history.citizenFor('telegram', 'tg-1');
  });
  afterEach(() => t.drop());

  const rows = async () => (await sql<{ identifier_hash: string; citizen_id: string; acr: string | null; identifier_sealed: string | null }>`
    select identifier_hash, citizen_id, acr, identifier_sealed from verified_identities order by identifier_hash`.execute(t.db.kysely)).rows;

  it('keeps the assurance level and time of the latest sign-in, and the identifier only sealed', async () => {
    expect(await sealed.latest(citizen)).toBeUndefined();
    expect(await sealed.identifierOf(citizen)).toBeUndefined();
    await sealed.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, acr: 'substantial', at: T1 });
    await sealed.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, acr: 'high', at: T2 });
    expect(await sealed.latest(citizen)).toEqual({ identifierHash: 'hash-a', acr: 'high', verifiedAt: T2 });
    expect(await sealed.identifierOf(citizen)).toBe(NATIONAL_ID);
    expect(await rows()).toHaveLength(1);
    expect((await rows())[0]!.identifier_sealed).toMatch(/^v1\./);
    expect(await sqlTraces(t.db, NATIONAL_ID)).toEqual([]);
  });

  it('keeps no identifier without a seal (no records connector), and drops one kept before', async () => {
    const plain = new VerifiedIdentityStore(t.db);
    await sealed.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, at: T1 });
    await plain.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, at: T2 });
    expect(await rows()).toEqual([{ identifier_hash: 'hash-a', citizen_id: citizen, acr: null, identifier_sealed: null }]);
    expect(await plain.latest(citizen)).toEqual({ identifierHash: 'hash-a', verifiedAt: T2 });
    expect(await plain.identifierOf(citizen)).toBeUndefined();
    expect(await sealed.identifierOf(citizen)).toBeUndefined();
  });

  it('opens a sealed identifier only under its key and on its own row', async () => {
    await sealed.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, at: T1 });
    expect(await new VerifiedIdentityStore(t.db, { seal: new IdentifierSeal('another-secret-of-16+') }).identifierOf(citizen)).toBeUndefined();
    const value = (await rows())[0]!.identifier_sealed!;
    const other = await history.citizenFor('webchat', 'wc-9');
    await sql`insert into verified_identities (identifier_hash, citizen_id, verified_at, identifier_sealed) values ('hash-b', ${other}, ${T2.toISOString()}, ${value})`.execute(t.db.kysely);
    expect(await sealed.identifierOf(other)).toBeUndefined();
    const seal = new IdentifierSeal(SECRET);
    expect(seal.open(seal.seal(NATIONAL_ID, 'h'), 'h')).toBe(NATIONAL_ID);
    expect(seal.open('v1.not.sealed.text', 'h')).toBeUndefined();
    expect(seal.open('garbage', 'h')).toBeUndefined();
  });

  it('goes with its citizen when two citizens are merged', async () => {
    const web = await history.citizenFor('webchat', 'wc-1');
    await sealed.record({ citizenId: web, identifierHash: 'hash-a', identifier: NATIONAL_ID, acr: 'substantial', at: T1 });
    await history.mergeCitizens(web, citizen);
    expect(await sealed.latest(web)).toBeUndefined();
    expect(await sealed.latest(citizen)).toEqual({ identifierHash: 'hash-a', acr: 'substantial', verifiedAt: T1 });
    expect(await sealed.identifierOf(citizen)).toBe(NATIONAL_ID);
  });

  it('is erased with its citizen, sealed identifier included, and nobody else’s goes', async () => {
    const other = await history.citizenFor('webchat', 'wc-2');
    await sealed.record({ citizenId: citizen, identifierHash: 'hash-a', identifier: NATIONAL_ID, acr: 'substantial', at: T1 });
    await sealed.record({ citizenId: other, identifierHash: 'hash-b', identifier: '00000000T', at: T1 });
    const mine = (await rows())[0]!.identifier_sealed!;
    expect(await sqlTraces(t.db, mine)).toEqual(['verified_identities' + (t.db.dialect === 'sqlite' ? '(identifier_sealed)' : '')]);
    await eraseFromSql(t.db, await findCitizenRecords(t.db, citizen));
    expect(await sqlTraces(t.db, mine)).toEqual([]);
    expect(await sqlTraces(t.db, 'hash-a')).toEqual([]);
    expect((await rows()).map((r) => r.identifier_hash)).toEqual(['hash-b']);
  });
});
