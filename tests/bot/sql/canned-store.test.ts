import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../bot/errors';
import { CannedStore, type CannedDefault } from '../../../bot/sql/canned-store';
import { DIALECTS, type TestDatabase } from './test-databases';

const DEFAULTS: CannedDefault[] = [
  { code: 'saludo', title: 'Saludo', texts: { es: 'Hola, soy {agent}.', ca: 'Hola, sóc {agent}.', en: "Hi, I'm {agent}." } },
  { code: 'en-curso', title: 'En curso', texts: { es: 'Ya está en marcha.', ca: 'Ja està en marxa.', en: 'It is under way.' } },
];

for (const { dialect, open } of DIALECTS) {
  describe(`CannedStore on ${dialect}`, () => {
    let t: TestDatabase;
    let canned: CannedStore;
    beforeAll(async () => {
      t = await open();
      canned = new CannedStore(t.db, DEFAULTS);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it("offers the catalog's responses in the language asked until a team edits them", async () => {
      expect(await canned.forTeam('aguas', 'ca')).toEqual([
        { code: 'saludo', title: 'Saludo', text: 'Hola, sóc {agent}.', fromCatalog: true },
        { code: 'en-curso', title: 'En curso', text: 'Ja està en marxa.', fromCatalog: true },
      ]);
    });

    it('keeps an edit to its team and language; a second save replaces the first', async () => {
      await canned.save('aguas', 'ca', { code: 'saludo', title: 'Salutació', text: 'Bon dia!' }, 'sup-1');
      await canned.save('aguas', 'ca', { code: 'saludo', title: 'Salutació', text: 'Bon dia, sóc {agent}, de l’equip d’aigües.' }, 'sup-1');
      expect((await canned.forTeam('aguas', 'ca'))[0]).toEqual({ code: 'saludo', title: 'Salutació', text: 'Bon dia, sóc {agent}, de l’equip d’aigües.', fromCatalog: false });
      expect((await canned.forTeam('aguas', 'es'))[0]?.text).toBe('Hola, soy {agent}.');
      expect((await canned.forTeam('movilidad', 'ca'))[0]?.text).toBe('Hola, sóc {agent}.');
    });

    it("adds a team's own response after the catalog's, and withdraws or deletes on remove", async () => {
      await canned.save('aguas', 'es', { code: 'corte-agua', title: 'Corte de agua', text: 'Hay un corte programado en su zona.' }, 'sup-1');
      expect((await canned.forTeam('aguas', 'es')).map((c) => c.code)).toEqual(['saludo', 'en-curso', 'corte-agua']);
      await canned.remove('aguas', 'es', 'en-curso', 'sup-1');
      await canned.remove('aguas', 'es', 'corte-agua', 'sup-1');
      expect((await canned.forTeam('aguas', 'es')).map((c) => c.code)).toEqual(['saludo']);
      await expect(canned.remove('aguas', 'es', 'en-curso', 'sup-1')).rejects.toBeInstanceOf(NotFoundError);
      // Saving a withdrawn catalog response brings it back, edited.
      await canned.save('aguas', 'es', { code: 'en-curso', title: 'En curso', text: 'Lo tiene el equipo técnico.' }, 'sup-1');
      expect((await canned.forTeam('aguas', 'es')).map((c) => c.text)).toEqual(['Hola, soy {agent}.', 'Lo tiene el equipo técnico.']);
    });
  });
}
