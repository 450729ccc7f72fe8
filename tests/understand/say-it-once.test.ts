import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturesReference, offers, says, startEngine, storedTicket, type Engine } from '../dialogs/engine/harness';

const BUTTONS = ['Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar'];

describe('say it once: intake never asks again for what was given', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('confirms what and where in its first answer and files with the second message', async () => {
    const ticket: { reference?: string } = {};
    await engine
      .adapter({ locale: 'es-ES' })
      .send('Hola, hay una farola apagada en la calle Colón 12 desde hace una semana')
      .assertReply(offers(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/, BUTTONS))
      .send('Enviar')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    const row = await storedTicket(engine, ticket.reference!);
    expect(row).toMatchObject({ service: 'alumbrado', type: 'reclamo', address: 'calle Colón 12' });
    expect(row.description).toBe('Hay una farola apagada en la calle Colón 12 desde hace una semana');
  });
});
