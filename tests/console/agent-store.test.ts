import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentExistsError, DependencyUnavailableError, UnknownAgentError, WeakPasswordError } from '../../bot/errors';
import { AgentStore, type NewAgent } from '../../console/agent-store';
import { verifyPassword } from '../../console/passwords';
import { DIALECTS, sqliteTestDatabase, type TestDatabase } from '../bot/sql/test-databases';

const CHEAP = { N: 1024, r: 8, p: 1 };

for (const { dialect, open } of DIALECTS) {
  describe(`AgentStore on ${dialect}`, () => {
    let t: TestDatabase;
    let store: AgentStore;

    beforeAll(async () => {
      t = await open();
      store = new AgentStore(t.db, { cost: CHEAP });
    });
    afterAll(async () => {
      await t?.drop();
    });

    const email = () => `Agent.${randomUUID().slice(0, 8)}@City.Example`;
    const agent = (over: Partial<NewAgent> = {}): NewAgent => ({
      email: email(), name: 'Ana', role: 'agent', password: 'a long password', teams: ['movilidad'], ...over,
    });

    it('creates an agent with a lower-case e-mail, sorted unique teams and no password in the answer', async () => {
      const input = agent({ teams: ['movilidad', 'aguas', 'movilidad'], maxConcurrent: 3 });
      const created = await store.create(input);
      expect(created).toEqual({
        id: expect.any(String), email: input.email.toLowerCase(), name: 'Ana', role: 'agent',
        teams: ['aguas', 'movilidad'], maxConcurrent: 3, disabled: false,
      });
      expect(await store.byId(created.id)).toEqual(created);
      expect(await store.teamsOf(created.id)).toEqual(['aguas', 'movilidad']);
    });

    it('finds an agent by e-mail in any case, with a hash that verifies the password', async () => {
      const input = agent();
      const created = await store.create(input);
      const found = await store.byEmail(input.email.toUpperCase());
      expect(found?.agent).toEqual(created);
      expect(found?.passwordHash).toMatch(/^scrypt\$1024\$8\$1\$/);
      expect(await verifyPassword('a long password', found!.passwordHash)).toBe(true);
      expect(await store.byEmail('nobody@city.example')).toBeUndefined();
      expect(await store.byId('no-such-id')).toBeUndefined();
    });

    it('refuses a second agent with the same e-mail, also when two creations race', async () => {
      const input = agent();
      await store.create(input);
      await expect(store.create({ ...input, email: input.email.toUpperCase() })).rejects.toBeInstanceOf(AgentExistsError);

      const racing = agent();
      const results = await Promise.allSettled([store.create(racing), store.create(racing), store.create(racing)]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(AgentExistsError);
    });

    it('refuses a weak password and stores nothing', async () => {
      const input = agent({ password: 'short' });
      await expect(store.create(input)).rejects.toBeInstanceOf(WeakPasswordError);
      expect(await store.byEmail(input.email)).toBeUndefined();
    });

    it('updates fields, replaces the team set and changes the password', async () => {
      const created = await store.create(agent({ teams: ['aguas', 'energia'] }));
      const updated = await store.update(created.id, {
        name: 'Ana María', role: 'supervisor', maxConcurrent: 8, disabled: true, teams: ['movilidad'], password: 'a brand new password',
      });
      expect(updated).toEqual({ ...created, name: 'Ana María', role: 'supervisor', maxConcurrent: 8, disabled: true, teams: ['movilidad'] });
      const { passwordHash } = (await store.byEmail(created.email))!;
      expect(await verifyPassword('a brand new password', passwordHash)).toBe(true);
      expect(await verifyPassword('a long password', passwordHash)).toBe(false);

      expect(await store.update(created.id, { disabled: false, teams: [] })).toMatchObject({ disabled: false, teams: [] });
      expect(await store.update(created.id, {})).toMatchObject({ name: 'Ana María', role: 'supervisor' });
    });

    it('keeps one consistent team set when two replacements race', async () => {
      const created = await store.create(agent({ teams: [] }));
      await Promise.all([
        store.update(created.id, { teams: ['aguas', 'energia'] }),
        store.update(created.id, { teams: ['movilidad', 'energia'] }),
        store.update(created.id, { teams: ['parques-y-jardines'] }),
      ]);
      expect([['aguas', 'energia'], ['energia', 'movilidad'], ['parques-y-jardines']]).toContainEqual(await store.teamsOf(created.id));
    });

    it('refuses to update an unknown agent or to set a weak password', async () => {
      await expect(store.update('no-such-id', { name: 'x' })).rejects.toBeInstanceOf(UnknownAgentError);
      const created = await store.create(agent());
      await expect(store.update(created.id, { password: 'short', name: 'Changed' })).rejects.toBeInstanceOf(WeakPasswordError);
      expect((await store.byId(created.id))?.name).toBe('Ana');
    });

    it('lists every agent by name and the agents of one team with all their teams', async () => {
      const team = `t-${randomUUID().slice(0, 6)}`;
      const zoe = await store.create(agent({ name: 'Zoe', teams: [team, 'aguas'] }));
      const alba = await store.create(agent({ name: 'álvaro', teams: [team] }));
      const other = await store.create(agent({ name: 'Bea', teams: ['energia'] }));
      expect(await store.agentsOfTeam(team)).toEqual([alba, zoe]);
      expect(await store.agentsOfTeam('no-such-team')).toEqual([]);
      const all = await store.list();
      expect(all).toEqual(expect.arrayContaining([zoe, alba, other]));
      const names = all.map((a) => a.name);
      expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'es')));
      expect(names.indexOf('álvaro')).toBeLessThan(names.indexOf('Bea'));
    });
  });
}

describe('AgentStore failures', () => {
  it('turns a database failure into DependencyUnavailableError', async () => {
    const t = await sqliteTestDatabase();
    const store = new AgentStore(t.db, { cost: CHEAP });
    await t.drop();
    await expect(store.list()).rejects.toBeInstanceOf(DependencyUnavailableError);
  });
});
