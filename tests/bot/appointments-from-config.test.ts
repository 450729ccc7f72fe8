import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appointmentsFromConfig } from '../../bot/appointments-from-config';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { loadCatalog } from '../../catalog/load-catalog';
import { sqliteTestDatabase, type TestDatabase } from './sql/test-databases';

// Which appointment system the app uses: the built-in store (with reminders and the console desk), or the
// city's own over REST (neither), and a REST city without offices in its catalog refused at boot.
const plan = loadCatalog('config/catalog.yaml').appointments!;
const rest = { APPOINTMENTS_CONNECTOR: 'rest', APPOINTMENTS_URL: 'https://citas.example.city/api', APPOINTMENTS_TOKEN: 't' };
let t: TestDatabase;
beforeAll(async () => {
  t = await sqliteTestDatabase();
});
afterAll(async () => {
  await t.drop();
});

describe('appointmentsFromConfig', () => {
  it('builds the built-in store by default, with what reminders and the desk need', async () => {
    const system = await appointmentsFromConfig(loadConfig({}), plan, t.db, Date.now);
    expect(system?.connector.kind).toBe('builtin');
    expect(system?.builtin).toBe(system?.connector);
  });

  it("builds the city's REST connector, without the built-in extras", async () => {
    const system = await appointmentsFromConfig(loadConfig(rest), plan, t.db, Date.now);
    expect(system?.connector.kind).toBe('rest');
    expect(system?.builtin).toBeUndefined();
  });

  it('gives nothing to a city without offices, and refuses REST for one, saying why', async () => {
    expect(await appointmentsFromConfig(loadConfig({}), undefined, t.db, Date.now)).toBeUndefined();
    const refused = appointmentsFromConfig(loadConfig(rest), undefined, t.db, Date.now);
    await expect(refused).rejects.toBeInstanceOf(ConfigError);
    await expect(appointmentsFromConfig(loadConfig(rest), undefined, t.db, Date.now)).rejects.toThrow(/APPOINTMENTS_CONNECTOR=rest: the catalog has no appointments/);
  });
});
