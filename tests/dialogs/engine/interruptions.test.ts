import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeEntity } from '../../../bot/activity';
import { capturesReference, offers, says, startEngine, type Engine } from './harness';

const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
const WHERE = /^¿Dónde está\? Escribe la dirección o comparte tu ubicación/;

describe('interruptions at any step', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('answers an emergency phrase mid-intake with 112 first, then the intake continues where it was', async () => {
    const ticket: { reference?: string } = {};
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('sí')
      .assertReply(says(WHERE))
      .send('¡Socorro! Huele a gas en toda la escalera')
      .assertReply(says(/^⚠️ Si alguien está en peligro, llama YA al 112\./))
      .assertReply(says(WHERE))
      .send('Calle Colón 12')
      .assertReply(says(/^¿Quieres adjuntar una foto\?/))
      .send('no')
      .assertReply(says(/contactarte/))
      .send('no')
      .assertReply(says(/• Ubicación: Calle Colón 12/))
      .send('sí')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    expect(ticket.reference).toMatch(/^ALU-/);
  });

  it('recognizes emergency phrases in every language, whatever the conversation speaks', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('hi ha foc')
      .assertReply(says(/112/))
      .assertReply(says(/^Entiendo que es un reclamo de Alumbrado público/))
      .startTest();
  });

  it('answers an emergency with no dialog running before handling the message as a report', async () => {
    await engine
      .adapter()
      .send('hay un cable de luz caído en la calle Mayor')
      .assertReply(says(/^⚠️ .*112/))
      .assertReply(says(/^(Entiendo que es|¿Sobre qué es\?)/))
      .startTest();
  });

  it('gives help mid-intake and asks the same question again', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('sí')
      .assertReply(says(WHERE))
      .send('ayuda')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Así te puedo ayudar:/);
        expect(a.text).toContain('112');
      })
      .assertReply(says(WHERE))
      .send('Calle Colón 12')
      .assertReply(says(/^¿Quieres adjuntar una foto\?/))
      .startTest();
  });

  it('cancels mid-intake, confirms, and starts afresh on the next message', async () => {
    await engine
      .adapter({ citizenId: 'canceller' })
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('sí')
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
        .assertReply(says(/^Entiendo/))
        .send(words)
        .assertReply(says(reply))
        .startTest();
    }
  });

  it('switches language mid-intake and asks the same question again in the new language', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('sí')
      .assertReply(says(WHERE))
      .send('english please')
      .assertReply((a) => {
        expect(a.text).toBe("Great, let's continue in English.");
        // Replies carry the language they are in, so channels need not guess.
        expect(a.locale).toBe('en-GB');
      })
      .assertReply(says(/^Where is it\? Type the address or share your location/))
      .send({ type: 'message', entities: [placeEntity({ latitude: 41.3874, longitude: 2.1686 })] })
      .assertReply(offers(/^Would you like to attach a photo\?/, ['No']))
      .send('no')
      .assertReply(says(/^Would you leave a name, phone or email/))
      .send('no')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Let's review:/);
        expect(a.text).toContain('• Location: shared location (41.38740, 2.16860)');
      })
      .send('/lang ca')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .assertReply(offers(/^Repassem-ho:[\s\S]*L'envio\?$/, ['Sí', 'No']))
      .startTest();
  });

  it('asks which language on "idioma" and keeps speaking the chosen one', async () => {
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Entiendo/))
      .send('idioma')
      .assertReply(offers(/^¿En qué idioma prefieres que hablemos\?$/, ['Español', 'Català', 'English']))
      .send('català')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .assertReply(offers(/^Entenc que és una queixa sobre Enllumenat públic\. És correcte\?$/, ['Sí', 'No']))
      .send('sí')
      .assertReply(says(/^On és\?/))
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
      .assertReply(says(/^Entenc que és una queixa sobre Enllumenat públic/))
      .startTest();
  });
});
