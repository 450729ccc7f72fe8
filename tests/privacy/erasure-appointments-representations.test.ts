import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RepresentationStore } from '../../bot/sql/representation-store';
import { eraseFromSql, findCitizenRecords } from '../../privacy/erase-sql';
import { DIALECTS, type TestDatabase } from '../bot/sql/test-databases';

/*
 * Erasure reaches the tables issue 16 added, on both dialects: a citizen's own appointments go, and those
 * they booked for someone else stay that person's without them; their requests to act for someone and the approvals that let someone
 * act for them; the proof files and the represented person's name are among the traces to look for
 * elsewhere; a ticket they filed for someone stays that person's, naming no representative. Nobody else's rows go.
 */
describe.each(DIALECTS)('erasure of appointments and representations on $dialect', ({ open }) => {
  let test: TestDatabase;
  beforeEach(async () => {
    test = await open();
  });
  afterEach(async () => {
    await test.drop();
  });

  const appointment = (citizenId: string, representativeId: string | null, seat: number) => sql`
    insert into appointments (id, reference, procedure, office, scope, starts_at, ends_at, seat, status, citizen_id, representative_id, conversation_key, locale, sequence, created_at, updated_at)
    values (${randomUUID()}, ${`CIT-${randomUUID().slice(0, 8)}`}, 'empadronamiento', 'oac-centro', 'empadronamiento', '2027-03-01T09:00:00.000Z', '2027-03-01T09:15:00.000Z', ${seat}, 'booked', ${citizenId}, ${representativeId}, 'webchat:c', 'es', 0, '2027-02-01T09:00:00.000Z', '2027-02-01T09:00:00.000Z')`.execute(test.db.kysely);

  it("removes the citizen's appointments and representations, and names their proofs and the represented person", async () => {
    const store = new RepresentationStore(test.db);
    const asked = (representativeId: string, name: string, proof: string) => store.request({
      representativeId, representedName: name, relationship: 'family', proofMedia: proof, channel: 'webchat', conversationId: 'c', locale: 'es',
    });
    const luis = 'citizen-luis';
    const mine = await asked(luis, 'Rosa Pérez García', 'https://bot.example/media/proof-luis.png');
    const approved = await store.approve(mine.id, { agentId: 'agent-1', expiresAt: new Date(Date.now() + 86_400_000) });
    const others = await asked('citizen-marta', 'Joan Puig Serra', 'https://bot.example/media/proof-marta.png');
    await appointment(luis, null, 0);
    await appointment(approved.representedCitizenId!, luis, 1);
    await appointment('citizen-marta', null, 2);
    // A ticket Luis filed on Rosa's behalf stays hers, naming no representative once he is erased.
    await sql`insert into tickets (reference, service, type, status, description, citizen_id, representative_id, channel, conversation_id, locale, connector_kind, idempotency_key, created_at, updated_at)
      values ('ALU-2027-000001', 'alumbrado', 'reclamo', 'open', 'Farola apagada', ${approved.representedCitizenId!}, ${luis}, 'webchat', 'c', 'es', 'builtin', 'k-1', '2027-02-01T09:00:00.000Z', '2027-02-01T09:00:00.000Z')`.execute(test.db.kysely);

    const found = await findCitizenRecords(test.db, luis);
    expect(found.counts).toMatchObject({ appointments: 2, representations: 1 });
    expect(found.traces.mediaUrls).toContain('https://bot.example/media/proof-luis.png');
    expect(found.traces.texts).toContain('Rosa Pérez García');
    await eraseFromSql(test.db, found);

    const left = (await sql<{ citizen_id: string; representative_id: string | null }>`select citizen_id, representative_id from appointments order by seat`.execute(test.db.kysely)).rows;
    expect(left).toEqual([{ citizen_id: approved.representedCitizenId, representative_id: null }, { citizen_id: 'citizen-marta', representative_id: null }]);
    expect((await sql<{ id: string }>`select id from representations`.execute(test.db.kysely)).rows.map((r) => r.id)).toEqual([others.id]);
    expect((await sql`select citizen_id, representative_id, description from tickets`.execute(test.db.kysely)).rows).toEqual([
      { citizen_id: approved.representedCitizenId, representative_id: null, description: 'Farola apagada' },
    ]);
  });
});
