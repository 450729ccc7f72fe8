import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../../bot/sql/history-store';
import { RepresentationStore } from '../../../bot/sql/representation-store';
import { loadCatalog } from '../../../catalog/load-catalog';
import { BuiltinConnector } from '../../../connectors/builtin/builtin-connector';
import type { TicketDraft } from '../../../connectors/connector';
import { DIALECTS, type TestDatabase } from './test-databases';

/*
 * Tickets filed on someone's behalf (issue 16 part 4), on both dialects: the ticket is the represented
 * person's and names who filed it (migration 110); the representative's list has it with their own, the
 * represented person's list has it too; a merge of the representative's citizens keeps the link; the
 * store names everyone a representative was approved for, also after the approval ended.
 */
const catalog = loadCatalog('config/catalog.yaml');
const NOW = Date.parse('2027-03-01T07:00:00.000Z');

const draft = (citizenId: string, representativeId?: string): TicketDraft => ({
  service: 'alumbrado', type: 'reclamo', connectorCode: 'alumbrado', description: 'Farola apagada', attachments: [],
  citizenId, ...(representativeId ? { representativeId } : {}), channel: 'webchat', conversationId: 'c-1', locale: 'es',
});

describe.each(DIALECTS)('tickets filed on someone\'s behalf on $dialect', ({ open }) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await open();
  });
  afterEach(() => t.drop());

  it('records both people, lists the ticket for each, and keeps the link through a merge', async () => {
    const history = new HistoryStore(t.db);
    const store = new RepresentationStore(t.db, { clock: () => NOW });
    const web = await history.citizenFor('webchat', 'wc-1');
    const asked = await store.request({ representativeId: web, representedName: 'Rosa Pérez', relationship: 'family', proofMedia: 'p.png', channel: 'webchat', conversationId: 'c-1', locale: 'es' });
    expect(await store.pendingCount(web)).toBe(1);
    const rosa = (await store.approve(asked.id, { agentId: 'sup', expiresAt: new Date(NOW + 86_400_000) })).representedCitizenId!;
    expect(await store.pendingCount(web)).toBe(0);

    const tickets = new BuiltinConnector(t.db, catalog, () => new Date(NOW));
    const forRosa = await tickets.createTicket(draft(rosa, web), 'k-rosa');
    const own = await tickets.createTicket(draft(web), 'k-own');
    const row = await t.db.kysely.selectFrom('tickets').select(['citizen_id', 'representative_id']).where('reference', '=', forRosa.reference).executeTakeFirstOrThrow();
    expect(row).toEqual({ citizen_id: rosa, representative_id: web });
    expect((await tickets.getStatus(forRosa.reference))).toMatchObject({ citizenId: rosa, representativeId: web });
    expect((await tickets.getStatus(own.reference))?.representativeId).toBeUndefined();
    expect((await tickets.listForCitizen(web)).map((s) => s.reference).sort()).toEqual([forRosa.reference, own.reference].sort());
    expect((await tickets.listForCitizen(rosa)).map((s) => s.reference)).toEqual([forRosa.reference]);

    const verified = await history.citizenFor('oidc', 'hash-1');
    await history.mergeCitizens(web, verified);
    expect(await t.db.kysely.selectFrom('tickets').select('representative_id').where('reference', '=', forRosa.reference).executeTakeFirstOrThrow()).toEqual({ representative_id: verified });

    // Named after the approval ended too: the list of what they filed still says for whom.
    await store.revoke(asked.id, { by: 'sup' });
    expect(await store.activeFor(verified)).toEqual([]);
    expect([...(await store.representedBy(verified))]).toEqual([[rosa, 'Rosa Pérez']]);
  });
});
