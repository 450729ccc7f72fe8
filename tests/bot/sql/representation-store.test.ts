import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadInputError, NotFoundError, RepresentationDecidedError } from '../../../bot/errors';
import { RepresentationStore, type RepresentationRequest } from '../../../bot/sql/representation-store';
import { DIALECTS, type TestDatabase } from './test-databases';

/* Acting for someone else (issue 16 part 4), the store on both dialects with a pinned clock: a request
 * waits for an agent; an approval gives the represented person a citizen of their own and counts until
 * it expires or is revoked; a refusal keeps its reason; a request is decided once, even by two agents at
 * the same moment. */

const T0 = Date.parse('2027-01-15T10:00:00.000Z');
const DAY = 86_400_000;

describe.each(DIALECTS)('RepresentationStore on $dialect', ({ open }) => {
  let test: TestDatabase;
  let now: number;
  let store: RepresentationStore;
  beforeEach(async () => {
    test = await open();
    now = T0;
    store = new RepresentationStore(test.db, { clock: () => now });
  });
  afterEach(async () => {
    await test.drop();
  });

  const asked = (over: Partial<RepresentationRequest> = {}): RepresentationRequest => ({
    representativeId: 'citizen-luis', representedName: '  Rosa   Pérez García ', relationship: 'family', proofMedia: 'proof-1.pdf',
    channel: 'telegram', conversationId: '5550001', locale: 'es', ...over,
  });

  it('approves a request until its expiry, giving the represented person a citizen of their own', async () => {
    const r = await store.request(asked());
    expect(r).toMatchObject({ status: 'pending', representedName: 'Rosa Pérez García', createdAt: new Date(T0) });
    expect((await store.pending()).map((x) => x.id)).toEqual([r.id]);
    expect(await store.activeFor('citizen-luis')).toEqual([]);

    now += 60_000;
    const approved = await store.approve(r.id, { agentId: 'agent-ana', expiresAt: new Date(T0 + 30 * DAY) });
    expect(approved).toMatchObject({ status: 'approved', decidedBy: 'agent-ana', expiresAt: new Date(T0 + 30 * DAY), decidedAt: new Date(T0 + 60_000) });
    const citizen = await test.db.kysely.selectFrom('citizens').selectAll().where('id', '=', approved.representedCitizenId!).executeTakeFirstOrThrow();
    expect(citizen).toMatchObject({ display_name: 'Rosa Pérez García', locale: 'es' });
    expect((await store.activeFor('citizen-luis')).map((x) => x.representedCitizenId)).toEqual([approved.representedCitizenId]);
    expect(await store.pending()).toEqual([]);

    now = T0 + 30 * DAY; // the expiry itself: no longer in force
    expect(await store.activeFor('citizen-luis')).toEqual([]);
  });

  it('refuses with the reason and revokes an approval early', async () => {
    const refused = await store.refuse((await store.request(asked())).id, { agentId: 'agent-ana', reason: '  El documento no es legible. ' });
    expect(refused).toMatchObject({ status: 'refused', reason: 'El documento no es legible.' });
    const other = await store.request(asked({ representedName: 'Joan Puig' }));
    await store.approve(other.id, { agentId: 'agent-ana', expiresAt: new Date(T0 + DAY) });
    expect(await store.activeFor('citizen-luis')).toHaveLength(1);
    expect((await store.revoke(other.id, { by: 'citizen-luis' })).status).toBe('revoked');
    expect(await store.activeFor('citizen-luis')).toEqual([]);
  });

  it('decides a request once, even when two agents decide at the same moment', async () => {
    const r = await store.request(asked());
    const results = await Promise.allSettled([
      store.approve(r.id, { agentId: 'agent-ana', expiresAt: new Date(T0 + DAY) }),
      store.refuse(r.id, { agentId: 'agent-bea', reason: 'No consta el parentesco.' }),
      store.approve(r.id, { agentId: 'agent-carla', expiresAt: new Date(T0 + DAY) }),
    ]);
    expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
    for (const x of results.filter((y): y is PromiseRejectedResult => y.status === 'rejected')) expect(x.reason).toBeInstanceOf(RepresentationDecidedError);
    const citizens = await test.db.kysely.selectFrom('citizens').select('id').where('display_name', '=', 'Rosa Pérez García').execute();
    expect(citizens.length).toBe((await store.byId(r.id)).status === 'approved' ? 1 : 0);
    await expect(store.refuse(r.id, { agentId: 'agent-ana', reason: 'tarde' })).rejects.toBeInstanceOf(RepresentationDecidedError);
  });

  it('refuses bad input with coded errors: a past expiry, an endless one, no reason, a short name, too many waiting, an unknown id', async () => {
    const r = await store.request(asked());
    await expect(store.approve(r.id, { agentId: 'a', expiresAt: new Date(T0) })).rejects.toBeInstanceOf(BadInputError);
    await expect(store.approve(r.id, { agentId: 'a', expiresAt: new Date(T0 + 3_000 * DAY) })).rejects.toBeInstanceOf(BadInputError);
    await expect(store.refuse(r.id, { agentId: 'a', reason: ' ' })).rejects.toBeInstanceOf(BadInputError);
    await expect(store.request(asked({ representedName: 'R' }))).rejects.toBeInstanceOf(BadInputError);
    await store.request(asked());
    await store.request(asked());
    await expect(store.request(asked())).rejects.toThrow(/at most 3 requests may wait/);
    await expect(store.approve('no-such-id', { agentId: 'a', expiresAt: new Date(T0 + DAY) })).rejects.toBeInstanceOf(NotFoundError);
    await expect(store.revoke('no-such-id', { by: 'a' })).rejects.toBeInstanceOf(NotFoundError);
  });
});
