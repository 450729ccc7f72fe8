import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { capturesReference, offers, says, startEngine, storedTicket, type Engine } from './harness';

describe('a complaint from first message to status and list', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('files a Spanish complaint, answers its status and lists it, all in Spanish', async () => {
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter();
    await adapter
      .send('Hay una farola apagada en la calle Colón 12 desde hace una semana')
      // What and where were both said: one confirmation, then the ticket.
      .assertReply(
        offers(/^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?\n📝 Hay una farola apagada en la calle Colón 12 desde hace una semana$/, [
          'Enviar', 'Añadir foto', 'Cambiar tipo', 'Cambiar servicio', 'Corregir lugar',
        ]),
      )
      .send('dale')
      .assertReply(capturesReference(/^¡Listo! ✅ Registré tu reclamo con el número ALU-\d{4}-\d{6}\. Puedes consultar su estado escribiendo ALU-\d{4}-\d{6}\.$/, ticket))
      .startTest();
    const reference = ticket.reference!;
    expect(reference).toMatch(/^ALU-\d{4}-\d{6}$/);

    const row = await storedTicket(engine, reference);
    expect(row).toMatchObject({ service: 'alumbrado', type: 'reclamo', address: 'calle Colón 12', locale: 'es', contact: null });

    await adapter
      .send(`¿cómo va mi reclamo ${reference}?`)
      .assertReply((a) => {
        expect(a.text).toContain(`📋 ${reference} · Alumbrado público`);
        expect(a.text).toContain('Estado: Recibido');
        expect(a.text).toMatch(/Iniciado el .*\d{4}/);
        expect(a.text).toMatch(/Última actualización: /);
      })
      .send('mis reclamos')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Estos son tus trámites:/);
        expect(a.text).toContain(`1. ${reference} · Alumbrado público · Recibido`);
      })
      .startTest();
  });

  it('files a Catalan complaint and answers in Catalan throughout', async () => {
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter();
    await adapter
      .send("El fanal de davant de casa no s'encén des de fa una setmana")
      // "davant de casa" is no place a crew can find: where is asked.
      .assertReply(says(/^On és\? Escriu l'adreça o comparteix la teva ubicació/))
      .send('Carrer Major 3')
      .assertReply(offers(/^Queixa de Enllumenat públic a Carrer Major 3 — ho envio\?/, ['Enviar', 'Afegir foto', 'Canviar tipus', 'Canviar servei', 'Corregir lloc']))
      // A contact typed at the confirmation joins the report.
      .send('Jordi, 612 345 678')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Queixa de Enllumenat públic a Carrer Major 3 — ho envio\?/);
        expect(a.text).toContain('👤 Contacte: Jordi, 612345678');
      })
      .send('sí')
      .assertReply(capturesReference(/^Fet! ✅ He registrat la teva queixa amb el número ALU-\d{4}-\d{6}\. Pots consultar-ne l'estat escrivint ALU-/, ticket))
      .startTest();
    const reference = ticket.reference!;
    const row = await storedTicket(engine, reference);
    expect(row.locale).toBe('ca');
    expect(JSON.parse(row.contact ?? '{}')).toEqual({ name: 'Jordi', phone: '612345678' });

    await engine.connector.updateStatus(reference, 'in_progress', 'Brigada assignada');
    await adapter
      .send(`com va la meva queixa ${reference.toLowerCase()}?`)
      .assertReply((a) => {
        expect(a.text).toContain(`📋 ${reference} · Enllumenat públic`);
        expect(a.text).toContain('Estat: En curs');
        expect(a.text).toContain('Darrera actualització: ');
        expect(a.text).toContain('Nota: Brigada assignada');
      })
      .send('els meus tiquets')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Aquests són els teus tràmits:/);
        expect(a.text).toContain(`1. ${reference} · Enllumenat públic · En curs`);
      })
      .startTest();
  });

  it('files an English complaint and answers in English throughout', async () => {
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter({ locale: 'es-ES' });
    await adapter
      .send('A street light is out on Main Street 12 since last week')
      .assertReply(offers(/^Complaint about Street lighting at Main Street 12 — shall I send it\?/, ['Send', 'Add a photo', 'Change type', 'Change service', 'Fix the place']))
      .send('1')
      .assertReply(capturesReference(/^Done! ✅ I filed your complaint with number ALU-\d{4}-\d{6}\. You can check its status by typing ALU-/, ticket))
      .startTest();
    const reference = ticket.reference!;
    await adapter
      .send(reference)
      .assertReply((a) => {
        expect(a.text).toContain(`📋 ${reference} · Street lighting`);
        expect(a.text).toContain('Status: Received');
      })
      .send('/tickets')
      .assertReply(says(new RegExp(`^These are your cases:\\n1. ${reference} · Street lighting · Received`)))
      .startTest();
  });

  it('keeps each citizen to their own tickets', async () => {
    await engine
      .adapter({ citizenId: 'someone-new' })
      .send('mis reclamos')
      .assertReply(says(/^Todavía no tienes trámites registrados/))
      .startTest();
  });
});
