import type { Activity } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturesReference, offers, says, startEngine, storedTicket, type Engine } from '../dialogs/engine/harness';

const BUTTONS = ['Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar'];
const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
const CONFIRM = /^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/;
const WHERE = /^¿Dónde está\?/;
const REASK_PLACE = /^Perdona, no lo encuentro en lo que me has escrito\. ¿En qué calle y número es/;

describe('say it once: intake never asks again for what was given', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('confirms what and where in its first answer and files with the second message, without the greeting', async () => {
    const ticket: { reference?: string } = {};
    await engine
      .adapter({ locale: 'es-ES' })
      .send('Hola, hay una farola apagada en la calle Colón 12 desde hace una semana')
      .assertReply(offers(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?\n📝 Hay una farola apagada en la calle Colón 12 desde hace una semana$/, BUTTONS))
      .send('Enviar')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    const row = await storedTicket(engine, ticket.reference!);
    expect(row).toMatchObject({ service: 'alumbrado', type: 'reclamo', address: 'calle Colón 12' });
    expect(row.description).toBe('Hay una farola apagada en la calle Colón 12 desde hace una semana');
  });

  it('takes a contact written in the first message and does not ask for it', async () => {
    await engine
      .adapter()
      .send('hay un perro abandonado atado en el parque desde ayer sin agua, mi teléfono es 600 111 222')
      .assertReply((a) => {
        expect(a.text).toMatch(/^\S+ de Animales y mascotas — ¿lo envío\?/);
        expect(a.text).toContain('👤 Contacto: 600111222');
      })
      .startTest();
  });

  describe('answers that are not answers are never stored', () => {
    it('re-asks the place politely after "ya te lo di" and "no sé", and files the real one', async () => {
      const ticket: { reference?: string } = {};
      await engine
        .adapter()
        .send('Hay una farola apagada desde hace una semana')
        .assertReply(says(WHERE))
        .send('ya te lo di antes')
        .assertReply(says(REASK_PLACE))
        .send('no sé')
        .assertReply(says(REASK_PLACE))
        .send('calle Mayor 3')
        .assertReply(says(/^Reclamo de Alumbrado público en calle Mayor 3 — ¿lo envío\?/))
        .send('sí')
        .assertReply(capturesReference(/^¡Listo!/, ticket))
        .startTest();
      expect((await storedTicket(engine, ticket.reference!)).address).toBe('calle Mayor 3');
    });

    it('takes the place written right after "ya te dije"', async () => {
      await engine
        .adapter()
        .send('Hay una farola apagada desde hace una semana')
        .assertReply(says(WHERE))
        .send('ya te dije, en la calle Mayor 7')
        .assertReply(says(/^Reclamo de Alumbrado público en calle Mayor 7 — ¿lo envío\?/))
        .startTest();
    });

    it('never makes "Sí" or "ya te lo di" a contact', async () => {
      const ticket: { reference?: string } = {};
      await engine
        .adapter()
        .send('hay un perro abandonado atado en el parque desde ayer sin agua')
        .assertReply(says(/^Para este trámite necesitamos un teléfono o email de contacto/))
        .send('Sí')
        .assertReply(says(/^Escribe un teléfono o un email/))
        .send('ya te lo di')
        .assertReply(says(/^Escribe un teléfono o un email/))
        .send('600 111 222')
        .assertReply((a) => {
          expect(a.text).toContain('👤 Contacto: 600111222');
          expect(a.text).not.toMatch(/Contacto: (Sí|ya)/);
        })
        .send('Enviar')
        .assertReply(capturesReference(/^¡Listo!/, ticket))
        .startTest();
      expect(JSON.parse((await storedTicket(engine, ticket.reference!)).contact ?? '{}')).toEqual({ phone: '600111222' });
    });

    it.each(['ya te lo dije', "ja t'ho he dit", 'I already told you', 'lo puse arriba', 'sí'])('does not take "%s" for a description', async (words) => {
      let confirm = '';
      await engine
        .adapter()
        .send('Calle Colón 12')
        .assertReply(says(/^¿Qué pasa en Calle Colón 12\?/))
        .send(words)
        .assertReply(says(/^Perdona, no lo encuentro en tus mensajes/))
        .send('la farola está apagada')
        .assertReply((a: Partial<Activity>) => {
          confirm = a.text ?? '';
        })
        .startTest();
      expect(confirm).toMatch(/^\S+ de Alumbrado público en Calle Colón 12 — ¿lo envío\?\n📝 la farola está apagada$/);
    });
  });

  describe('the type', () => {
    it('is the one of the button the citizen pressed, whatever the classifier reads', async () => {
      const text = '¿cuándo van a arreglar la farola de la calle Colón 12?';
      expect((await engine.classifier.classify(text, 'es')).type).not.toBe('reclamo');
      const ticket: { reference?: string } = {};
      await engine
        .adapter()
        .send('Hacer un reclamo')
        .assertReply(says(/^Cuéntame con tus palabras qué pasa/))
        .send(text)
        .assertReply(says(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/))
        .send('Enviar')
        .assertReply(capturesReference(/^¡Listo! ✅ Registré tu reclamo/, ticket))
        .startTest();
      expect((await storedTicket(engine, ticket.reference!)).type).toBe('reclamo');
    });

    it('can be changed at the confirmation', async () => {
      const ticket: { reference?: string } = {};
      await engine
        .adapter()
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .send('Cambiar tipo')
        .assertReply(offers(/^¿Qué es\?$/, ['Solicitud', 'Reclamo', 'Consulta']))
        .send('Solicitud')
        .assertReply(offers(/^Solicitud de Alumbrado público en calle Colón 12 — ¿lo envío\?/, BUTTONS))
        .send('Enviar')
        .assertReply(capturesReference(/^¡Listo! ✅ Registré tu solicitud/, ticket))
        .startTest();
      expect((await storedTicket(engine, ticket.reference!)).type).toBe('solicitud');
    });
  });

  describe('the service and the place', () => {
    it('reaches every service through "Otro servicio", and asks what the new one requires', async () => {
      const all = engine.catalog.services.map((s) => s.names.es);
      await engine
        .adapter()
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .send('Cambiar servicio')
        .assertReply((a) => expect(a.suggestedActions?.actions.at(-1)?.title).toBe('Otro servicio'))
        .send('Otro servicio')
        .assertReply(offers(/^Estos son todos los servicios\. ¿Cuál es\?$/, all))
        .send('Animales y mascotas')
        // Pets need a contact: asked now, before the confirmation shows the new service.
        .assertReply(says(/^Para este trámite necesitamos un teléfono o email de contacto/))
        .send('ana@example.org')
        .assertReply(says(/^Reclamo de Animales y mascotas en calle Colón 12 — ¿lo envío\?/))
        .startTest();
    });

    it('takes a corrected place from its button or typed at the confirmation', async () => {
      const ticket: { reference?: string } = {};
      await engine
        .adapter()
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .send('Corregir lugar')
        .assertReply(says(/^¿Dónde es\?/))
        .send('calle Mayor 3')
        .assertReply(says(/^Reclamo de Alumbrado público en calle Mayor 3 — ¿lo envío\?/))
        .send('no, es en la plaza Mayor')
        .assertReply(says(/^Reclamo de Alumbrado público en plaza Mayor — ¿lo envío\?/))
        .send('Enviar')
        .assertReply(capturesReference(/^¡Listo!/, ticket))
        .startTest();
      expect((await storedTicket(engine, ticket.reference!)).address).toBe('plaza Mayor');
    });

    it('adds a photo from its button', async () => {
      await engine
        .adapter()
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .send('Añadir foto')
        .assertReply(says(/^Envíame la foto/))
        .send({ type: 'message', attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://files.example/farola.jpg', name: 'farola.jpg' }] })
        .assertReply(says(/📷 Fotos: 1/))
        .startTest();
    });
  });
});
