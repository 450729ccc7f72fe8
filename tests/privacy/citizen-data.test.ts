import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HistoryStore } from '../../bot/sql/history-store';
import { collectCitizenData } from '../../privacy/citizen-data';
import { readableCopy } from '../../privacy/readable-copy';
import { DIALECTS, type TestDatabase } from '../bot/sql/test-databases';

/* A citizen's copy of their data (GDPR art. 15) from real SQLite and PostgreSQL: all of theirs, nobody else's. */

const AT = new Date('2026-03-02T10:00:00.000Z');
const iso = (minutes: number): string => new Date(AT.getTime() + minutes * 60_000).toISOString();

describe.each(DIALECTS)('collectCitizenData on $dialect', ({ open }) => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await open();
    const k = t.db.kysely;
    await k.insertInto('citizens').values([
      { id: 'ana', display_name: 'Ana', locale: 'es', created_at: iso(0) },
      { id: 'bob', display_name: 'Bob', locale: 'en', created_at: iso(0) },
    ]).execute();
    await k.insertInto('channel_identities').values([
      { channel: 'telegram', channel_user_id: '111', citizen_id: 'ana', verified: 0, created_at: iso(1) },
      { channel: 'whatsapp-cloud', channel_user_id: '34600112233', citizen_id: 'ana', verified: 1, created_at: iso(2) },
      { channel: 'telegram', channel_user_id: '222', citizen_id: 'bob', verified: 0, created_at: iso(1) },
    ]).execute();
    const history = new HistoryStore(t.db);
    await history.recordMessages([
      { channel: 'telegram', conversationId: '111', citizenId: 'ana', direction: 'in', activityId: 'a1', text: 'farola MARCA-ANA rota en Colón 12', at: new Date(iso(3)) },
      { channel: 'telegram', conversationId: '111', citizenId: 'ana', direction: 'out', activityId: 'a2', text: '¿Lo envío?', at: new Date(iso(4)) },
      { channel: 'telegram', conversationId: '222', citizenId: 'bob', direction: 'in', activityId: 'b1', text: 'pothole MARCA-BOB', at: new Date(iso(3)) },
    ]);
    const ticket = (reference: string, citizen: string, description: string) => ({
      reference, service: 'alumbrado', type: 'reclamo' as const, status: 'open' as const, description, address: 'Calle Colón 12', lat: 39.47, lon: -0.376,
      citizen_id: citizen, channel: 'telegram', conversation_id: `telegram:${citizen === 'ana' ? '111' : '222'}`, locale: 'es' as const, contact: citizen === 'ana' ? 'ana@example.org' : null,
      connector_kind: 'builtin', external_id: null, idempotency_key: `k-${reference}`, created_at: iso(5), updated_at: iso(6), delivery: null,
      delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
    });
    const [anaTicket] = await k.insertInto('tickets').values([ticket('ALU-2026-000001', 'ana', 'farola MARCA-ANA'), ticket('ALU-2026-000002', 'bob', 'pothole MARCA-BOB')]).returning('id').execute();
    await k.insertInto('ticket_events').values({ ticket_id: Number(anaTicket!.id), status: 'open' as const, note: 'registrado', at: iso(5) }).execute();
  });
  afterAll(async () => t?.drop());

  it('holds the citizen, every identity, conversation, message and ticket of theirs, and none of another citizen', async () => {
    const copy = await collectCitizenData(t.db, 'ana', AT);
    expect(copy).toMatchObject({
      citizenId: 'ana',
      madeAt: AT.toISOString(),
      citizen: { displayName: 'Ana', locale: 'es' },
      identities: [{ channel: 'telegram', userId: '111', verified: false }, { channel: 'whatsapp-cloud', userId: '34600112233', verified: true }],
      conversations: [{ channel: 'telegram', messages: [{ from: 'citizen', text: 'farola MARCA-ANA rota en Colón 12' }, { from: 'bot', text: '¿Lo envío?' }] }],
      tickets: [{ reference: 'ALU-2026-000001', contact: 'ana@example.org', point: { lat: 39.47, lon: -0.376 }, history: [{ note: 'registrado' }] }],
    });
    const json = JSON.stringify(copy);
    expect(json).toContain('MARCA-ANA');
    expect(json).not.toContain('MARCA-BOB');
    expect(json).not.toContain('222');
  });

  it('reads as text with headings in the citizen\'s language', async () => {
    const text = readableCopy(await collectCitizenData(t.db, 'ana', AT), 'ca');
    expect(text).toMatch(/^# Les teves dades a l'assistent de l'ajuntament \(2026-03-02\)/);
    expect(text).toContain('## Els teus tràmits');
    expect(text).toContain('- ALU-2026-000001 · alumbrado');
    expect(text).toMatch(/Tu: farola MARCA-ANA rota en Colón 12/);
  });

  it('gives an empty copy, not an error, for a citizen with no records', async () => {
    const copy = await collectCitizenData(t.db, 'nobody', AT);
    expect(copy).toMatchObject({ citizen: null, identities: [], conversations: [], tickets: [], conversationsWithPeople: [] });
  });
});
