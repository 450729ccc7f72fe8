import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useSpanishVariant } from '../../dialogs/i18n';
import { says, startEngine, type Engine } from '../dialogs/engine/harness';
import { fileFor } from './support';

/** A short reply: this text, and no menu or list of services. */
const plainly = (pattern: RegExp) => (a: Partial<Activity>) => {
  expect(a.text).toMatch(pattern);
  expect(a.suggestedActions).toBeUndefined();
};

describe('small talk, end to end through the engine', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('answers a Spanish greeting, thanks, an acknowledgement, an insult and a goodbye with one line each, no menu', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('holaa 👋')
      .assertReply(plainly(/^¡Hola! 👋 Soy el asistente del ayuntamiento de .+\. Cuéntame un problema de la calle/))
      .send('buenas')
      .assertReply(plainly(/^¡Hola!/))
      .send('grax')
      .assertReply(plainly(/^¡De nada! Si necesitas algo más, aquí estoy\.$/))
      .send('vale')
      .assertReply(plainly(/^👍 Si necesitas algo más, escríbeme\.$/))
      .send('sois unos inútiles')
      .assertReply(plainly(/^Siento que estés molesto\. Quiero ayudarte: cuéntame qué ha pasado/))
      .send('chau')
      .assertReply(plainly(/^¡Hasta pronto!/))
      .startTest();
  });

  it('answers in English and in Catalan', async () => {
    await engine
      .adapter({ locale: 'en-GB' })
      .send('hey')
      .assertReply(plainly(/^Hello! 👋 I am the .+ city council assistant\./))
      .send('cheers')
      .assertReply(plainly(/^You are welcome!/))
      .send('you are useless')
      .assertReply(plainly(/^I am sorry you are upset\./))
      .send('bye')
      .assertReply(plainly(/^Goodbye!/))
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES' })
      .send('bon dia')
      .assertReply(plainly(/^Hola! 👋 Soc l'assistent de l'ajuntament/))
      .send('moltes gràcies')
      .assertReply(plainly(/^De res!/))
      .send('adeu')
      .assertReply(plainly(/^Fins aviat!/))
      .startTest();
  });

  it('closes the loop when thanks come after a ticket: the reply names it', async () => {
    const citizenId = 'citizen-thanks';
    const reference = await fileFor(engine, citizenId, 'alumbrado', 'La farola de la esquina está apagada', 'calle Sol 4');
    await engine
      .adapter({ locale: 'es-ES', citizenId })
      .send('mil gracias!')
      .assertReply(plainly(new RegExp(`^¡De nada! Tu trámite es el ${reference}: te aviso por aquí cuando cambie\\.`)))
      .startTest();
    const other = await fileFor(engine, 'citizen-thanks-en', 'calles', 'Big pothole in front of the school', '5 Main Street', 'en');
    await engine
      .adapter({ locale: 'en-GB', citizenId: 'citizen-thanks-en' })
      .send('thank you so much')
      .assertReply(plainly(new RegExp(`^You are welcome! Your reference is ${other}`)))
      .startTest();
  });

  it('goes on to the report when a greeting comes with one', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('hola, hay una farola rota en la calle Colón 12')
      .assertReply((a) => {
        expect(a.text).not.toMatch(/Soy el asistente/);
        expect(a.text).toMatch(/Alumbrado público/);
      })
      .startTest();
    await engine
      .adapter({ locale: 'en-GB' })
      .send('hi, there is a broken streetlight on 5 Main Street')
      .assertReply((a) => {
        expect(a.text).not.toMatch(/city council assistant/);
        expect(a.text).toMatch(/Street lighting/);
      })
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES' })
      .send("bon dia, el fanal del carrer Major 3 no s'encén")
      .assertReply((a) => {
        expect(a.text).not.toMatch(/Soc l'assistent/);
        expect(a.text).toMatch(/Enllumenat públic/);
      })
      .startTest();
  });

  it('answers a greeting or an insult in the middle of a question and asks the question again, storing neither', async () => {
    let confirm = '';
    await engine
      .adapter({ locale: 'es-ES' })
      .send('Calle Colón 12')
      .assertReply(says(/^¿Qué pasa en Calle Colón 12\?/))
      .send('holaaa')
      .assertReply(says(/^¡Hola! 👋 Soy el asistente/))
      .assertReply(says(/^¿Qué pasa en Calle Colón 12\?/))
      .send('sois unos inútiles')
      .assertReply(says(/^Siento que estés molesto/))
      .assertReply(says(/^¿Qué pasa en Calle Colón 12\?/))
      .send('la farola está apagada')
      .assertReply((a) => {
        confirm = a.text ?? '';
      })
      .startTest();
    expect(confirm).toMatch(/Alumbrado público en Calle Colón 12 — ¿lo envío\?\n📝 la farola está apagada$/);
  });

  it('speaks vos to a city that chose Rioplatense Spanish, and an Argentine "che, gracias" is thanks', async () => {
    useSpanishVariant('es-AR');
    try {
      await engine
        .adapter({ locale: 'es-AR' })
        .send('hola che, qué onda')
        .assertReply(plainly(/^¡Hola! 👋 Soy el asistente del municipio de .+\. Contame un problema de la calle/))
        .send('che, gracias')
        .assertReply(plainly(/^¡De nada! Si necesitás algo más, acá estoy\.$/))
        .send('sos un pelotudo')
        .assertReply(plainly(/^Lamento que estés molesto\. Quiero ayudarte: contame qué pasó/))
        .startTest();
    } finally {
      useSpanishVariant('es-ES');
    }
  });
});
