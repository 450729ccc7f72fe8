import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { offers, says, startEngine, type Engine } from '../dialogs/engine/harness';
import { fileFor, lenientForms } from './support';

/** A status reply for `reference`. */
const statusOf = (reference: string, extra?: RegExp) => (a: Partial<Activity>) => {
  expect(a.text).toContain(`📋 ${reference}`);
  if (extra) expect(a.text).toMatch(extra);
};

describe('numbered lists, follow-up questions and references, end to end through the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('opens the ticket a citizen names by its number in "mis reclamos", "the second one" or "la segona"', async () => {
    const citizenId = 'citizen-list';
    const oldest = await fileFor(engine, citizenId, 'calles', 'Baldosas levantadas en la acera', 'calle Luna 2');
    const middle = await fileFor(engine, citizenId, 'higiene', 'Contenedor desbordado', 'plaza Mayor');
    const newest = await fileFor(engine, citizenId, 'alumbrado', 'Farola apagada', 'calle Sol 4');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('mis reclamos')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Estos son tus trámites:\n1\. /);
        expect(a.text).toContain(`1. ${newest} · Alumbrado público · Recibido`);
        expect(a.text).toContain(`3. ${oldest} · Calles y aceras · Recibido`);
      })
      .send('1')
      .assertReply(statusOf(newest, /Estado: Recibido/))
      .send('mis reclamos')
      .assertReply(says(/^Estos son tus trámites:/))
      .send('el 2')
      .assertReply(statusOf(middle))
      .send('mis reclamos')
      .assertReply(says(/^Estos son tus trámites:/))
      .send('7')
      .assertReply(says(/^En la lista no hay ningún número 7\. Escribe un número del 1 al 3\./))
      .send('el último')
      .assertReply(statusOf(oldest))
      .startTest();
    await engine
      .adapter({ locale: 'en-GB', citizenId })
      .send('my tickets')
      .assertReply(says(/^These are your cases:\n1\. /))
      .send('the second one')
      .assertReply(statusOf(middle, /Status: Received/))
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES', citizenId })
      .send('els meus tiquets')
      .assertReply(says(/^Aquests són els teus tràmits:\n1\. /))
      .send('la segona')
      .assertReply(statusOf(middle, /Estat: Rebut|Estat: /))
      .startTest();
  });

  it('lets a message that is not a number through after a list', async () => {
    const citizenId = 'citizen-list-through';
    await fileFor(engine, citizenId, 'alumbrado', 'Farola apagada', 'calle Sol 4');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('mis reclamos')
      .assertReply(says(/^Estos son tus trámites:/))
      .send('gracias')
      .assertReply(says(/^¡De nada!/))
      .startTest();
  });

  it('finds the open ticket "¿cómo va lo de la farola?" is about, and its owner sees the note', async () => {
    const citizenId = 'citizen-follow';
    const light = await fileFor(engine, citizenId, 'alumbrado', 'La farola de delante de mi portal está apagada', 'calle Sol 4');
    await fileFor(engine, citizenId, 'calles', 'Un bache enorme en la calzada', 'avenida del Puerto 20');
    await engine.connector.updateStatus(light, 'in_progress', 'Brigada avisada para el jueves');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('¿Cómo va lo de la farola?')
      .assertReply(statusOf(light, /Estado: En curso[\s\S]*Nota: Brigada avisada para el jueves/))
      .startTest();
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('hola, ¿qué pasa con el bache que avisé?')
      .assertReply((a) => {
        expect(a.text).toMatch(/📋 CAL-\d{4}-\d{6} · Calles y aceras/);
      })
      .startTest();
  });

  it('answers "what about my streetlight report" in English and "com va allò del fanal" in Catalan', async () => {
    const citizenId = 'citizen-follow-en';
    const light = await fileFor(engine, citizenId, 'alumbrado', 'The streetlight outside number 5 is off', '5 Main Street', 'en');
    await engine
      .adapter({ locale: 'en-GB', citizenId })
      .send('what about my streetlight report?')
      .assertReply(statusOf(light, /Street lighting[\s\S]*Status: Received/))
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES', citizenId })
      .send('com va allò del fanal?')
      .assertReply(statusOf(light, /Enllumenat públic/))
      .startTest();
  });

  it('lists the matches, numbered, when several open tickets fit', async () => {
    const citizenId = 'citizen-follow-many';
    const first = await fileFor(engine, citizenId, 'alumbrado', 'Farola apagada en la esquina', 'calle Sol 4');
    const second = await fileFor(engine, citizenId, 'alumbrado', 'Otra farola que parpadea toda la noche', 'calle Luna 9');
    await fileFor(engine, citizenId, 'higiene', 'Contenedor desbordado', 'plaza Mayor');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('¿Cómo va lo de la farola?')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Tienes varios trámites abiertos que pueden ser eso:\n1\. /);
        expect(a.text).toContain(`1. ${second} · Alumbrado público`);
        expect(a.text).toContain(`2. ${first} · Alumbrado público`);
        expect(a.text).not.toContain('Recogida');
      })
      .send('2')
      .assertReply(statusOf(first))
      .startTest();
  });

  it('says when no open ticket matches and offers to file one, then starts it or lets it be', async () => {
    const citizenId = 'citizen-follow-none';
    await fileFor(engine, citizenId, 'higiene', 'Contenedor desbordado', 'plaza Mayor');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('¿Cómo va lo de la farola?')
      .assertReply(offers(/^No encuentro ningún trámite abierto tuyo sobre eso\. ¿Quieres que lo registre ahora\?$/, ['Sí, regístralo', 'No, gracias']))
      .send('Sí, regístralo')
      .assertReply((a) => {
        // Intake has begun on the topic: it asks or confirms about a street light, not the offer again.
        expect(a.text).not.toMatch(/No encuentro/);
        expect(a.text).toMatch(/Alumbrado|dónde|Dónde|calle|pasa/);
      })
      .startTest();
    await engine
      .adapter({ locale: 'en-GB', citizenId: 'citizen-follow-none-en' })
      .send('any news on my pothole complaint?')
      .assertReply(offers(/^I cannot find an open request of yours about that\. Shall I file one now\?$/, ['Yes, file it', 'No, thanks']))
      .send('no thanks')
      .assertReply(says(/^All right\./))
      .startTest();
  });

  it('reads references leniently and shows a stranger the public status only', async () => {
    const reference = await fileFor(engine, 'citizen-ref-owner', 'alumbrado', 'Farola apagada', 'calle Sol 4');
    await engine.connector.updateStatus(reference, 'in_progress', 'Nota interna para el vecino');
    for (const typed of lenientForms(reference)) {
      await engine
        .adapter({ locale: 'es-ES', citizenId: 'citizen-ref-owner' })
        .send(typed)
        .assertReply(statusOf(reference, /Estado: En curso[\s\S]*Nota: Nota interna para el vecino/))
        .startTest();
      await engine
        .adapter({ locale: 'es-ES', citizenId: 'citizen-ref-stranger' })
        .send(typed)
        .assertReply((a) => {
          expect(a.text).toContain(`📋 ${reference}`);
          expect(a.text).not.toContain('Nota interna');
          expect(a.text).toMatch(/solo se muestran a quien presentó el trámite/);
        })
        .startTest();
    }
  });

  it('reads a number or an ordinal as the answer to any numbered choice the bot shows', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('idioma')
      .assertReply(says(/idioma|llengua|language/i))
      .send('la segona')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .send('idioma')
      .assertReply(says(/./))
      .send('the third one')
      .assertReply(says(/^Great, let's continue in English\.$/))
      .startTest();
  });
});
