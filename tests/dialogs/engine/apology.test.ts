import { describe, expect, it } from 'vitest';
import { apologyFor } from '../../../dialogs/apology';
import { loadCatalog } from '../../../catalog/load-catalog';

describe('replies outside a dialog', () => {
  const catalog = loadCatalog('config/catalog.yaml');

  it('apologizes for a dead-lettered message in the language the channel reported', () => {
    expect(apologyFor({ locale: 'ca-ES' }, catalog)).toEqual({
      type: 'message',
      locale: 'ca-ES',
      text: "Perdona, no hem pogut processar el teu missatge. El pots tornar a enviar d'aquí a una estona?",
    });
    expect(apologyFor({ locale: 'en-US' }, catalog).text).toMatch(/^Sorry, we couldn't process your message/);
  });

  it("falls back to the city's language when the channel reported none it speaks", () => {
    expect(apologyFor({}, catalog)).toMatchObject({ type: 'message', locale: 'es-ES', text: expect.stringMatching(/^Perdón, no hemos podido procesar/) });
    expect(apologyFor({ locale: 'fr-FR' }, catalog).text).toMatch(/^Perdón, no hemos podido procesar/);
  });
});
