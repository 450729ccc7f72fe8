import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeEntity } from '../../../bot/activity';
import { capturesReference, offers, says, startEngine, type Engine } from './harness';

const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
const WHERE = /^¿Dónde está\? Escribe la dirección o comparte tu ubicación/;
// What without where: intake's first question is where.
const NOWHERE = 'Hay una farola apagada desde hace una semana';
const CONFIRM = /^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/;

describe('interruptions at any step', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('answers an emergency mid-intake with 112 and nothing else; the next message continues the intake', async () => {
    const ticket: { reference?: string } = {};
    await engine
      .adapter()
      .send(NOWHERE)
      .assertReply(says(WHERE))
      .send('¡Socorro! Huele a gas en toda la escalera')
      .assertReply(says(/^⚠️ Si alguien está en peligro o es una emergencia, llama YA al 112\./))
      .assertNoReply()
      .send('Calle Colón 12')
      .assertReply(says(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/))
      .send('sí')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    expect(ticket.reference).toMatch(/^ALU-/);
  });

  it('recognizes emergency phrases in every language, whatever the conversation speaks', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(CONFIRM))
      .send('hi ha foc')
      .assertReply(says(/112/))
      .assertNoReply()
      .startTest();
  });

  it('answers an emergency with no dialog running with 112 and nothing else (no intake)', async () => {
    await engine
      .adapter()
      .send('hay un cable de luz caído en la calle Mayor')
      .assertReply(says(/^⚠️ .*112/))
      .assertNoReply()
      .startTest();
  });

  it('gives help mid-intake and asks the same question again', async () => {
    await engine
      .adapter()
      .send(NOWHERE)
      .assertReply(says(WHERE))
      .send('ayuda')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Así te puedo ayudar:/);
        expect(a.text).toContain('112');
      })
      .assertReply(says(WHERE))
      .send('Calle Colón 12')
      .assertReply(says(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/))
      .startTest();
  });

  it('cancels mid-intake, confirms, and starts afresh on the next message', async () => {
    await engine
      .adapter({ citizenId: 'canceller' })
      .send(NOWHERE)
      .assertReply(says(WHERE))
      .send('Cancelar')
      .assertReply(offers(/^Vale, lo dejamos aquí\./, ['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']))
      // Had the intake survived, this would be taken as the address.
      .send('mis reclamos')
      .assertReply(says(/^Todavía no tienes trámites registrados/))
      .startTest();
    expect(await engine.connector.listForCitizen('canceller')).toEqual([]);
  });

  it('cancels with "empezar de nuevo", "cancel·lar", "start over" and /start', async () => {
    for (const [words, reply] of [
      ['empezar de nuevo', /^Vale, lo dejamos aquí/],
      ['cancel·lar', /^Vale, lo dejamos aquí/],
      ['start over', /^Vale, lo dejamos aquí/],
      ['/start', /^Vale, lo dejamos aquí/],
    ] as const) {
      await engine
        .adapter()
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .send(words)
        .assertReply(says(reply))
        .startTest();
    }
  });

  it('switches language mid-intake and asks the same question again in the new language', async () => {
    await engine
      .adapter()
      .send(NOWHERE)
      .assertReply(says(WHERE))
      .send('english please')
      .assertReply((a) => {
        expect(a.text).toBe("Great, let's continue in English.");
        // Replies carry the language they are in, so channels need not guess.
        expect(a.locale).toBe('en-GB');
      })
      .assertReply(says(/^Where is it\? Type the address or share your location/))
      .send({ type: 'message', entities: [placeEntity({ latitude: 41.3874, longitude: 2.1686 })] })
      .assertReply(offers(/^Complaint about Street lighting at shared location \(41\.38740, 2\.16860\) — shall I send it\?/, ['Send', 'Add a photo', 'Change type', 'Change service', 'Fix the place']))
      .send('/lang ca')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .assertReply(offers(/^Queixa de Enllumenat públic a ubicació compartida \(41\.38740, 2\.16860\) — ho envio\?/, ['Enviar', 'Afegir foto', 'Canviar tipus', 'Canviar servei', 'Corregir lloc']))
      .startTest();
  });

  it('asks which language on "idioma" and keeps speaking the chosen one', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(CONFIRM))
      .send('idioma')
      .assertReply(offers(/^¿En qué idioma prefieres que hablemos\?$/, ['Español', 'Català', 'English']))
      .send('català')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .assertReply(offers(/^Queixa de Enllumenat públic a calle Colón 12 — ho envio\?/, ['Enviar', 'Afegir foto', 'Canviar tipus', 'Canviar servei', 'Corregir lloc']))
      .send('sí')
      .assertReply(says(/^Fet! ✅/))
      .startTest();
  });

  it('switches language with nothing running and remembers it over detection', async () => {
    await engine
      .adapter()
      .send('en català')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      // A Spanish sentence no longer changes the language the citizen chose.
      .send('mis reclamos')
      .assertReply(says(/^Encara no tens cap tràmit registrat/))
      .send(FAROLA)
      .assertReply(says(/^Queixa de Enllumenat públic a calle Colón 12 — ho envio\?/))
      .startTest();
  });
});
