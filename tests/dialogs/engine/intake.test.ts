import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeEntity } from '../../../bot/activity';
import { ConnectorUnavailableError } from '../../../bot/errors';
import type { Connector, TicketDraft, TicketRef } from '../../../connectors/connector';
import { capturesReference, offers, says, startEngine, storedTicket, type Engine } from './harness';

const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
const PIN = { type: 'message', entities: [placeEntity({ latitude: 39.4699, longitude: -0.3763 })] };
const PHOTO = { type: 'message', attachments: [{ contentType: 'image/jpeg', contentUrl: 'https://files.example/farola.jpg', name: 'farola.jpg' }] };

// What without where: intake's first question is where.
const NOWHERE = 'Hay una farola apagada desde hace una semana';
const CONFIRM_BUTTONS = ['Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar'];

// Any of the field questions or the confirmation: the choice was accepted and intake moved on.
const FIELD_QUESTION = /^(¿Dónde (está|es)\?|¿Me cuentas un poco más|Para este trámite necesitamos)|— ¿lo envío\?/;

describe('intake', () => {
  let engine: Engine;
  const serviceName = (code: string) => engine.catalog.services.find((s) => s.code === code)!.names.es;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('takes a shared location as the answer to "where is it?" and files its coordinates', async () => {
    const ticket: { reference?: string } = {};
    await engine
      .adapter()
      .send(NOWHERE)
      .assertReply(says(/^¿Dónde está\?/))
      .send(PIN)
      .assertReply(offers(/^Reclamo de Alumbrado público en ubicación compartida \(39\.46990, -0\.37630\) — ¿lo envío\?/, CONFIRM_BUTTONS))
      // A photo and an email sent instead of a button join the report, and it is shown again.
      .send(PHOTO)
      .assertReply(says(/📷 Fotos: 1/))
      .send('ana@example.org')
      .assertReply((a) => {
        expect(a.text).toContain('📷 Fotos: 1');
        expect(a.text).toContain('👤 Contacto: ana@example.org');
      })
      .send('sí')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    const row = await storedTicket(engine, ticket.reference!);
    expect(row).toMatchObject({ lat: 39.4699, lon: -0.3763, address: null });
    expect(JSON.parse(row.contact ?? '{}')).toEqual({ email: 'ana@example.org' });
  });

  it('does not ask for a location the first message already shared', async () => {
    await engine
      .adapter()
      .send({ ...PIN, text: NOWHERE })
      .assertReply(offers(/^Reclamo de Alumbrado público en ubicación compartida/, CONFIRM_BUTTONS))
      .startTest();
  });

  it('offers the best candidates as suggested actions when it is not confident, plus "Otro"', async () => {
    const text = 'algo raro pasa en la esquina';
    const classification = await engine.classifier.classify(text, 'es');
    // Not confident: the explicit "none" outcome, or a service below the threshold. The dialog offers catalog services only.
    expect(classification.service === 'none' || classification.confidence < engine.classifier.threshold!).toBe(true);
    const expected = [classification, ...classification.alternatives].filter((c) => c.service !== 'none').slice(0, 4).map((c) => serviceName(c.service));
    await engine
      .adapter()
      .send(text)
      .assertReply(offers(/^¿Sobre qué es\? Elige la opción que mejor encaje:$/, [...expected, 'Otro']))
      .send('2')
      .assertReply(says(FIELD_QUESTION))
      .startTest();
  });

  it('after "Cambiar servicio" offers the other candidates, not the current one, and takes a choice by name', async () => {
    const classification = await engine.classifier.classify(FAROLA, 'es');
    const others = classification.alternatives.slice(0, 4).map((c) => serviceName(c.service));
    expect(others.length).toBeGreaterThan(0);
    await engine
      .adapter()
      .send(FAROLA)
      .assertReply(says(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/))
      .send('no')
      .assertReply(offers(/^¿Qué quieres cambiar\?/, ['Cambiar tipo', 'Cambiar servicio', 'Corregir lugar', 'No enviar']))
      .send('Cambiar servicio')
      .assertReply(offers(/^¿Sobre qué es\?/, [...others, 'Otro servicio']))
      .send(others[0]!.toLowerCase())
      .assertReply(says(new RegExp(`^Reclamo de ${others[0]!} en calle Colón 12 — ¿lo envío\\?`)))
      .startTest();
  });

  it('asks to describe it again after "Otro", and files an inquiry when nothing fits twice', async () => {
    const vague = ['algo raro pasa en la esquina', 'pues no sé bien, algo extraño'];
    // Vague: the classifier's explicit "none" outcome, or a service below the threshold.
    for (const text of vague) {
      const r = await engine.classifier.classify(text, 'es');
      expect(r.service === 'none' || r.confidence < engine.classifier.threshold!).toBe(true);
    }
    const ticket: { reference?: string } = {};
    await engine
      .adapter({ citizenId: 'unsure' })
      .send(vague[0]!)
      .assertReply(says(/^¿Sobre qué es\?/))
      .send('otro')
      .assertReply(says(/^Vale, cuéntamelo de otra forma/))
      .send(vague[1]!)
      .assertReply(says(/^¿Sobre qué es\?/))
      .send('ninguno')
      .assertReply(says(/^No termino de ubicarlo, así que lo registro como consulta/))
      // An inquiry is about something, not somewhere: no question about the place, straight to the confirmation.
      .assertReply((a) => {
        expect(a.text).toMatch(/^Consulta de .* — ¿lo envío\?/);
        expect(a.text).toContain(`📝 ${vague.join(' ')}`);
      })
      .send('sí')
      .assertReply(capturesReference(/^¡Listo! ✅ Registré tu consulta con el número/, ticket))
      .startTest();
    const row = await storedTicket(engine, ticket.reference!);
    expect(row.type).toBe('consulta');
    expect(row.description).toBe(vague.join('\n'));
  });

  it('asks only where when the first message says what in a word or two', async () => {
    await engine
      .adapter()
      .send('farola rota')
      .assertReply(says(/^¿Dónde está\?/))
      .send('Plaza Mayor 1')
      .assertReply(says(/^Reclamo de Alumbrado público en Plaza Mayor 1 — ¿lo envío\?\n📝 farola rota/))
      .startTest();
  });

  it('asks what is going on first when the citizen taps "Hacer un reclamo"', async () => {
    await engine
      .adapter()
      .send('Hacer un reclamo')
      .assertReply(says(/^Cuéntame con tus palabras qué pasa\.$/))
      .send(FAROLA)
      .assertReply(says(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/))
      .startTest();
  });

  it('insists on a phone or email when the service requires a contact', async () => {
    await engine
      .adapter()
      .send('hay un perro abandonado atado en el parque desde ayer sin agua')
      .assertReply(says(/^Para este trámite necesitamos un teléfono o email de contacto/))
      .send('no')
      .assertReply(says(/^Escribe un teléfono o un email/))
      .send('Marta 600 111 222')
      .assertReply((a) => {
        expect(a.text).toMatch(/^\S+ de Animales y mascotas — ¿lo envío\?/);
        expect(a.text).toContain('👤 Contacto: Marta, 600111222');
      })
      .startTest();
  });

  it('files nothing when the citizen answers "no" to the confirmation and then "No enviar"', async () => {
    await engine
      .adapter({ citizenId: 'changed-mind' })
      .send(FAROLA)
      .assertReply(says(/— ¿lo envío\?/))
      .send('no')
      .assertReply(says(/^¿Qué quieres cambiar\?/))
      .send('No enviar')
      .assertReply(says(/^De acuerdo, no lo envío/))
      .startTest();
    expect(await engine.connector.listForCitizen('changed-mind')).toEqual([]);
  });

  it('keeps the draft when the back office is down and files the same ticket once on "sí" again', async () => {
    // The real connector, behind an outage that loses the answer of the first call after it landed:
    // the retry must come back with that same ticket, not a second one.
    let calls = 0;
    const keys: string[] = [];
    const flaky = (real: Connector): Connector => ({
      kind: real.kind,
      getStatus: (r) => real.getStatus(r),
      listForCitizen: (c) => real.listForCitizen!(c),
      async createTicket(draft: TicketDraft, key: string): Promise<TicketRef> {
        keys.push(key);
        const ref = await real.createTicket(draft, key);
        if (++calls === 1) throw new ConnectorUnavailableError('answer lost on the way back');
        return ref;
      },
    });
    const ticket: { reference?: string } = {};
    await engine
      .adapter({ citizenId: 'outage', connector: flaky })
      .send(FAROLA)
      .assertReply(says(/— ¿lo envío\?/))
      .send('sí')
      .assertReply(says(/^Uy, ahora no hemos podido registrarlo/))
      .assertReply(offers(/^¿Lo intento de nuevo\?/, ['Sí', 'No']))
      .send('sí')
      .assertReply(capturesReference(/^¡Listo!/, ticket))
      .startTest();
    expect(keys).toHaveLength(2);
    expect(keys[1]).toBe(keys[0]);
    const mine = await engine.connector.listForCitizen('outage');
    expect(mine.map((t) => t.reference)).toEqual([ticket.reference]);
  });
});
