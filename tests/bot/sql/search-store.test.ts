import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadInputError } from '../../../bot/errors';
import { HistoryStore } from '../../../bot/sql/history-store';
import { SearchStore, type SearchScope } from '../../../bot/sql/search-store';
import { parseSearchQuery, snippetOf } from '../../../bot/sql/search-query';
import { DIALECTS, type TestDatabase } from './test-databases';

const ALL: SearchScope = { kind: 'all' };
/** An agent of the water team, and one of street lighting, each seeing their own team's services. */
const WATER: SearchScope = { kind: 'agent', agentId: 'agent-water', teams: ['aguas'], services: ['agua'] };
const LIGHTS: SearchScope = { kind: 'agent', agentId: 'agent-lights', teams: ['alumbrado'], services: ['alumbrado'] };

describe('parseSearchQuery', () => {
  it('quotes every word, so FTS syntax typed by an agent stays text', () => {
    const q = parseSearchQuery('farola" OR NEAR(x) * -apagada ^col·lecció:*');
    expect(q.fts5).toBe('"farola" "OR" "NEAR x" "apagada" "col lecció"*');
    expect(q.tsquery).toBe("'farola' & 'OR' & ('NEAR' <1> 'x') & 'apagada' & ('col' <1> 'lecció':*)");
  });

  it('matches a last word of fewer than three letters exactly, not as a prefix of half the index', () => {
    expect(parseSearchQuery('calle a').fts5).toBe('"calle" "a"');
  });

  it('recognises phones, e-mails and ticket references', () => {
    expect(parseSearchQuery('+34 600 11-22 33')).toMatchObject({ phoneDigits: '34600112233' });
    expect(parseSearchQuery('Ana.Garcia@Example.org')).toMatchObject({ email: 'ana.garcia@example.org' });
    expect(parseSearchQuery('alu-2026-0001')).toMatchObject({ referencePrefix: 'ALU-2026-0001' });
    expect(parseSearchQuery('2026')).not.toHaveProperty('phoneDigits');
  });

  it('has nothing to search for in punctuation alone', () => {
    expect(parseSearchQuery(' "*:() ')).toEqual({ words: [] });
  });

  it('cuts a long line around the first word found, accents folded', () => {
    const line = `${'bla '.repeat(60)}la farola està apagada ${'bla '.repeat(60)}`;
    const s = snippetOf(line, [['farola']], 60);
    expect(s).toMatch(/^….*farola està apagada.*…$/);
    expect(s.length).toBeLessThanOrEqual(62);
  });
});

for (const { dialect, open } of DIALECTS) {
  describe(`SearchStore on ${dialect}`, () => {
    let t: TestDatabase;
    let store: SearchStore;
    let history: HistoryStore;
    const at = (s: number) => new Date(Date.UTC(2026, 5, 1, 9, 0, s));

    /** A citizen's conversation with `lines`, handed off to `team` when given. */
    async function conversation(lines: string[], o: { name?: string; team?: string; agentId?: string; channel?: string; userId?: string } = {}) {
      const channel = o.channel ?? 'telegram';
      const userId = o.userId ?? `u-${randomUUID()}`;
      const conversationId = `c-${randomUUID()}`;
      const citizenId = await history.citizenFor(channel, userId, o.name);
      await history.recordMessages(lines.map((text, i) => ({ channel, conversationId, citizenId, direction: 'in' as const, activityId: `a-${i}`, text, at: at(i) })));
      const key = `${channel}:${conversationId}`;
      let handoffId: string | undefined;
      if (o.team) {
        handoffId = randomUUID();
        await t.db.kysely.insertInto('handoffs').values({
          id: handoffId, conversation_id: key, channel, channel_conversation_id: conversationId, user_id: userId, citizen_id: citizenId,
          team: o.team, priority: 5, reason: 'asked', summary: '{}', locale: 'es', status: o.agentId ? 'assigned' : 'queued',
          agent_id: o.agentId ?? null, ticket_reference: null, resolution: null, created_at: at(0).toISOString(), queued_at: at(0).toISOString(), claimed_at: null, ended_at: null,
        }).execute();
      }
      return { key, citizenId, handoffId, channel, conversationId };
    }

    async function ticket(c: { citizenId: string; channel: string; conversationId: string }, reference: string, service: string, contact?: object) {
      await t.db.kysely.insertInto('tickets').values({
        reference, service, type: 'reclamo', status: 'open', description: 'x', address: null, lat: null, lon: null, citizen_id: c.citizenId,
        channel: c.channel, conversation_id: c.conversationId, locale: 'es', contact: contact ? JSON.stringify(contact) : null, connector_kind: 'builtin',
        external_id: null, idempotency_key: randomUUID(), created_at: at(9).toISOString(), updated_at: at(9).toISOString(), delivery: null,
        delivery_error: null, external_token: null, delivered_at: null, last_attempt_at: null, attributes: null,
      }).execute();
    }

    const keys = async (q: string, scope: SearchScope = ALL) => (await store.search(q, { scope })).conversations.map((c) => c.conversationKey);

    beforeAll(async () => {
      t = await open();
      store = new SearchStore(t.db);
      history = new HistoryStore(t.db);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('finds a conversation by a word of its transcript, with or without the accents typed', async () => {
      const tag = `zq${randomUUID().slice(0, 6)}`;
      const c = await conversation([`Hola ${tag}`, `La canonada del carrer ${tag} perd aigua des de la matinada`, 'Gràcies']);
      const other = await conversation([`Nada que ver ${tag}x`]);
      expect(await keys(`canonada ${tag}`)).toEqual([c.key]);
      expect(await keys(`matínada ${tag}`)).toEqual([c.key]);
      expect(await keys(`gracies`)).toContain(c.key);
      const [hit] = (await store.search(`perd ${tag}`, { scope: ALL })).conversations;
      expect(hit).toMatchObject({ conversationKey: c.key, citizenId: c.citizenId, direction: 'in', snippet: `La canonada del carrer ${tag} perd aigua des de la matinada` });
      expect(await keys(tag)).toEqual(expect.arrayContaining([c.key, other.key]));
    });

    it('matches the last word as a prefix, and a Catalan l·l word typed with or without its dot', async () => {
      const tag = `zp${randomUUID().slice(0, 6)}`;
      const c = await conversation([`Les farolas de ${tag} i la col·lecció de residus`]);
      expect(await keys(`${tag} farol`)).toEqual([c.key]);
      expect(await keys(`${tag} col·leccio`)).toEqual([c.key]);
      expect(await keys(`${tag} COL.LECCIÓ`)).toEqual([c.key]);
    });

    it('answers FTS syntax in the query as text, without an error', async () => {
      const tag = `zs${randomUUID().slice(0, 6)}`;
      const c = await conversation([`error ${tag} con comillas`]);
      // Operators are words like any other: "OR" must be in the line too, so nothing is found.
      const found = [`"${tag}`, `${tag}*`, `(${tag})`, `${tag}:*`, `${tag} & !con | comillas`, `'${tag}'`, `${tag} \\`, `-${tag}`, `${tag}^`, `{${tag}}:`];
      const none = [`${tag} OR x`, `NEAR(${tag} con)`, `${tag} AND NOT x`, '"', '*', '***', '&|!', "''", 'NEAR', '\\'];
      for (const q of [...found, ...none]) {
        const r = await store.search(q, { scope: ALL });
        expect(r.conversations.map((x) => x.conversationKey), q).toEqual(found.includes(q) ? [c.key] : []);
      }
    });

    it('shows an agent only the conversations of their teams or held by them, and no snippet of any other', async () => {
      const tag = `zt${randomUUID().slice(0, 6)}`;
      const water = await conversation([`fuga ${tag} en la acera`], { team: 'aguas' });
      const lights = await conversation([`farola ${tag} apagada`], { team: 'alumbrado' });
      const held = await conversation([`${tag} transferida`], { team: 'alumbrado', agentId: 'agent-water' });
      const botOnly = await conversation([`${tag} solo con el bot`]);
      expect(new Set(await keys(tag, WATER))).toEqual(new Set([water.key, held.key]));
      expect(new Set(await keys(tag, LIGHTS))).toEqual(new Set([lights.key, held.key]));
      expect(new Set(await keys(tag))).toEqual(new Set([water.key, lights.key, held.key, botOnly.key]));
      const forWater = await store.search(tag, { scope: WATER });
      expect(JSON.stringify(forWater)).not.toMatch(/apagada|solo con el bot/);
      expect(forWater.conversations.find((x) => x.conversationKey === water.key)?.handoffId).toBe(water.handoffId);
      expect((await store.search(tag, { scope: { kind: 'agent', agentId: 'nobody', teams: [], services: [] } })).conversations).toEqual([]);
    });

    it('finds citizens by name with or without accents, by the phone of a WhatsApp identity, and by a ticket contact', async () => {
      const tag = `Zn${randomUUID().slice(0, 6)}`;
      const phone = `3460${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
      const c = await conversation(['hola'], { name: `José ${tag} Pérez`, channel: 'whatsapp', userId: phone, team: 'aguas' });
      const citizens = async (q: string, scope: SearchScope = ALL) => (await store.search(q, { scope })).citizens.map((x) => x.citizenId);
      expect(await citizens(`jose ${tag}`)).toEqual([c.citizenId]);
      expect(await citizens(`${tag} PEREZ`)).toEqual([c.citizenId]);
      expect(await citizens(`+${phone.slice(0, 2)} ${phone.slice(2, 5)} ${phone.slice(5)}`)).toEqual([c.citizenId]);
      expect(await citizens(phone.slice(2))).toEqual([c.citizenId]);
      expect((await store.search(phone.slice(2), { scope: ALL })).citizens[0]).toMatchObject({ matched: 'phone', handoffId: c.handoffId, name: `José ${tag} Pérez` });
      expect(await citizens(`jose ${tag}`, WATER)).toEqual([c.citizenId]);
      expect(await citizens(`jose ${tag}`, LIGHTS)).toEqual([]);
      expect(await citizens(phone, LIGHTS)).toEqual([]);

      const email = `${tag.toLowerCase()}.perez@example.org`;
      const d = await conversation(['hola'], { team: 'alumbrado' });
      await ticket(d, `ALU-2026-${String(Math.floor(Math.random() * 900_000) + 100_000)}`, 'alumbrado', { email, phone: '+34 699 12 34 56' });
      expect(await citizens(email.toUpperCase())).toEqual([d.citizenId]);
      expect(await citizens(email, WATER)).toEqual([]);
    });

    it('finds tickets by reference (or its beginning), phone and e-mail of the contact, within the agent\'s services', async () => {
      const n = String(Math.floor(Math.random() * 900_000) + 100_000);
      const reference = `AGU-2026-${n}`;
      const email = `t${n}@example.org`;
      const phone = `6${n.slice(0, 2)}${n}`.slice(0, 9);
      const c = await conversation(['hola'], { team: 'aguas' });
      await ticket(c, reference, 'agua', { email, phone: `${phone.slice(0, 3)} ${phone.slice(3, 6)} ${phone.slice(6)}` });
      const refs = async (q: string, scope: SearchScope = ALL) => (await store.search(q, { scope })).tickets.map((x) => x.reference);
      expect(await refs(reference.toLowerCase())).toEqual([reference]);
      expect(await refs(reference.slice(0, 12))).toContain(reference);
      expect(await refs(email)).toEqual([reference]);
      expect(await refs(phone)).toEqual([reference]);
      expect(await refs(reference, WATER)).toEqual([reference]);
      expect(await refs(reference, LIGHTS)).toEqual([]);
      expect((await store.search(reference, { scope: WATER })).tickets[0]).toMatchObject({ matched: 'reference', handoffId: c.handoffId, conversationKey: c.key, service: 'agua' });
      // A ticket of another team's service, filed in a conversation the agent holds, is theirs to see.
      const held = await conversation(['hola'], { team: 'alumbrado', agentId: 'agent-lights' });
      await ticket(held, `AGU-2026-${String(Number(n) + 1).padStart(6, '0')}`, 'agua');
      expect(await refs(`AGU-2026-${String(Number(n) + 1).padStart(6, '0')}`, LIGHTS)).toHaveLength(1);
    });

    it('pages through conversations with a cursor, newest matching line first, each conversation once per page', async () => {
      const tag = `zc${randomUUID().slice(0, 6)}`;
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await conversation([`${tag} uno`, `${tag} dos`])).key);
      const first = await store.search(tag, { scope: ALL, limit: 2 });
      expect(first.conversations.map((c) => c.conversationKey)).toEqual([made[4], made[3]]);
      expect(first.citizens).toEqual([]);
      const second = await store.search(tag, { scope: ALL, limit: 2, cursor: first.nextCursor! });
      expect(second.conversations.map((c) => c.conversationKey)).toEqual([made[2], made[1]]);
      const third = await store.search(tag, { scope: ALL, limit: 2, cursor: second.nextCursor! });
      expect(third.conversations.map((c) => c.conversationKey)).toEqual([made[0]]);
      expect(third.nextCursor).toBeUndefined();
      await expect(store.search(tag, { scope: ALL, cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(BadInputError);
    });

    it('fills a page with distinct conversations when each has more matching lines than a round reads', async () => {
      const tag = `zm${randomUUID().slice(0, 6)}`;
      const made: string[] = [];
      for (let i = 0; i < 4; i++) made.push((await conversation(Array.from({ length: 250 }, (_, n) => `${tag} línea ${n}`))).key);
      const r = await store.search(tag, { scope: ALL, limit: 3 });
      expect(r.conversations.map((c) => c.conversationKey)).toEqual([made[3], made[2], made[1]]);
      expect(r.conversations[0]!.snippet).toBe(`${tag} línea 249`);
      expect((await store.search(tag, { scope: ALL, limit: 3, cursor: r.nextCursor! })).conversations.map((c) => c.conversationKey)).toEqual([made[0]]);
    });

    it('gives the same pages whether the lines are read in windows of ids or through the agent\'s conversations', async () => {
      const tag = `zw${randomUUID().slice(0, 6)}`;
      const made: string[] = [];
      for (let i = 0; i < 5; i++) made.push((await conversation([`${tag} uno`, 'relleno', `${tag} dos`, 'relleno'], { team: i % 2 ? 'aguas' : 'alumbrado' })).key);
      const newestFirst = [...made].reverse();
      const pages = async (s: SearchStore, scope: SearchScope) => {
        const out: string[][] = [];
        let cursor: string | undefined;
        do {
          const r = await s.search(tag, { scope, limit: 2, ...(cursor ? { cursor } : {}) });
          out.push(r.conversations.map((c) => c.conversationKey));
          cursor = r.nextCursor;
        } while (cursor && out.length < 10);
        return out;
      };
      // Windows of three lines: every page crosses several windows.
      const windows = new SearchStore(t.db, { firstWindowLines: 3, visibleFirstMax: 0 });
      const among = new SearchStore(t.db, { visibleFirstMax: 1_000 });
      const all = [newestFirst.slice(0, 2), newestFirst.slice(2, 4), newestFirst.slice(4)];
      expect(await pages(windows, ALL)).toEqual(all);
      expect(await pages(store, ALL)).toEqual(all);
      const lights = [[newestFirst[0], newestFirst[2]], [newestFirst[4]]];
      expect(await pages(windows, LIGHTS)).toEqual(lights);
      expect(await pages(among, LIGHTS)).toEqual(lights);
      expect((await among.search(tag, { scope: LIGHTS })).conversations[0]!.snippet).toBe(`${tag} dos`);
    });

    it('keeps the index in step with the transcript: an erased conversation is no longer found', async () => {
      const tag = `ze${randomUUID().slice(0, 6)}`;
      const c = await conversation([`${tag} borrar`], { name: `Nom ${tag}` });
      expect(await keys(tag)).toEqual([c.key]);
      await t.db.kysely.deleteFrom('citizens').where('id', '=', c.citizenId).execute();
      expect(await keys(tag)).toEqual([]);
      expect((await store.search(`nom ${tag}`, { scope: ALL })).citizens).toEqual([]);
    });
  });
}
