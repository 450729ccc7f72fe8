import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../bot/sql/history-store';
import { RepresentationStore } from '../../../bot/sql/representation-store';
import { DIALECTS, type TestDatabase } from './test-databases';

/*
 * A cross-channel link (a phone code, a sign-in with the city's identity provider) folds one citizen into
 * another. What the folded citizen had in the tables issue 16 added goes with them, on both dialects:
 * appointments they booked (for themselves or for someone else), representations they asked for or that
 * let someone act for them. Otherwise "mis citas" after signing in would show nothing, and the rows would
 * name a citizen that no longer exists.
 */
describe.each(DIALECTS)('merging citizens moves appointments and representations on $dialect', ({ open }) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(() => t.drop());

  const book = (citizenId: string, representativeId: string | null, seat: number) => sql`
    insert into appointments (id, reference, procedure, office, scope, starts_at, ends_at, seat, status, citizen_id, representative_id, conversation_key, locale, sequence, created_at, updated_at)
    values (${randomUUID()}, ${`CIT-${randomUUID().slice(0, 8)}`}, 'empadronamiento', 'oac-centro', 'empadronamiento', '2027-03-01T09:00:00.000Z', '2027-03-01T09:15:00.000Z', ${seat}, 'booked', ${citizenId}, ${representativeId}, 'webchat:c', 'es', 0, '2027-02-01T09:00:00.000Z', '2027-02-01T09:00:00.000Z')`.execute(t.db.kysely);

  it('gives the surviving citizen the folded one’s appointments and representations', async () => {
    const history = new HistoryStore(t.db);
    const web = await history.citizenFor('webchat', 'wc-1');
    const verified = await history.citizenFor('oidc', 'hash-1');
    const store = new RepresentationStore(t.db);
    const asked = await store.request({ representativeId: web, representedName: 'Rosa Pérez García', relationship: 'family', proofMedia: 'proof.png', channel: 'webchat', conversationId: 'c', locale: 'es' });
    await book(web, null, 0);
    await book('citizen-rosa', web, 1);
    await book('citizen-marta', null, 2);
    await history.mergeCitizens(web, verified);
    const appointments = (await sql<{ citizen_id: string; representative_id: string | null }>`select citizen_id, representative_id from appointments order by seat`.execute(t.db.kysely)).rows;
    expect(appointments).toEqual([
      { citizen_id: verified, representative_id: null },
      { citizen_id: 'citizen-rosa', representative_id: verified },
      { citizen_id: 'citizen-marta', representative_id: null },
    ]);
    expect((await store.byId(asked.id)).representativeId).toBe(verified);
  });
});
