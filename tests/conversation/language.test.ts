import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../dialogs/i18n';
import { says, startEngine, type Engine } from '../dialogs/engine/harness';
import { fileFor, lenientForms } from './support';

// Replies carry the channel's locale tag (TestAdapter copies the incoming one), so the language is read from the words.
const CANCELLED = { es: t('es', 'cancel.done'), ca: t('ca', 'cancel.done'), en: t('en', 'cancel.done') };
const cancelledIn = (locale: keyof typeof CANCELLED) => (a: Partial<Activity>) => expect(a.text).toBe(CANCELLED[locale]);

describe("a conversation's language, end to end through the engine", () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('stays Spanish when the citizen types "alu 2026 1" (any form of a reference)', async () => {
    const reference = await fileFor(engine, 'citizen-lang-ref', 'alumbrado', 'Farola apagada', 'calle Sol 4');
    for (const typed of lenientForms(reference)) {
      // As the first message of a Spanish conversation, on a device that says nothing…
      await engine
        .adapter({ citizenId: 'citizen-lang-ref' })
        .send(typed)
        .assertReply(says(/Estado: Recibido/))
        .send('gracias')
        .assertReply(says(/^¡De nada!/))
        .startTest();
      // …and in the middle of one.
      await engine
        .adapter({ locale: 'es-ES', citizenId: 'citizen-lang-ref' })
        .send('Hola, quería saber cómo va mi aviso')
        .assertReply(says(/^Estos son tus trámites:/))
        .send(typed)
        .assertReply(says(/Estado: Recibido/))
        .send('cancelar')
        .assertReply(cancelledIn('es'))
        .startTest();
    }
  });

  it('never switches on a number, a one-word message, a name, an address or an emoji', async () => {
    for (const typed of ['12', 'Marta', 'Carrer Major 3', 'Plaça Catalunya', '5 Main Street', '👍', 'ok', 'merci']) {
      await engine
        .adapter({ locale: 'es-ES' })
        .send('hola')
        .assertReply(says(/^¡Hola!/))
        .send(typed)
        .assertReply((a) => expect(a.text).not.toMatch(/^(On |Explica|Where|Tell me|What)/))
        .send('cancelar')
        .assertReply(cancelledIn('es'))
        .startTest();
    }
  });

  it('switches on several words of another language, and always on an explicit request', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('hola')
      .assertReply(says(/^¡Hola!/))
      .send("el fanal de davant de casa meva no s'encén des de fa una setmana")
      .assertReply(says(/^On és\?|Enllumenat públic/))
      .send('cancelar')
      .assertReply(cancelledIn('ca'))
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES' })
      .send('bon dia')
      .assertReply(says(/^Hola!/))
      .send('the streetlight in front of my house has been off for a week')
      .assertReply(says(/Street lighting|Where is it/))
      .send('cancel')
      .assertReply(cancelledIn('en'))
      .startTest();
    await engine
      .adapter({ locale: 'es-ES' })
      .send('hola')
      .assertReply(says(/^¡Hola!/))
      .send('in English please')
      .assertReply(says(/^Great, let's continue in English\.$/))
      .send('thanks')
      .assertReply(says(/^You are welcome!/))
      .startTest();
    await engine
      .adapter({ locale: 'en-GB' })
      .send('hi')
      .assertReply(says(/^Hello!/))
      .send('en català')
      .assertReply(says(/^Perfecte, continuem en català\.$/))
      .send('gracias')
      .assertReply(says(/^De res!/))
      .startTest();
  });
});
