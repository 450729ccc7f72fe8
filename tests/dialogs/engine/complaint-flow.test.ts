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
      .assertReply(offers(/^Entiendo que es un reclamo de Alumbrado público\. ¿Es correcto\?$/, ['Sí', 'No']))
      .send('sí')
      .assertReply(says(/¿Dónde está\? Escribe la dirección o comparte tu ubicación/))
      .send('Calle Colón 12')
      .assertReply(offers(/¿Quieres adjuntar una foto\?/, ['No']))
      .send('no')
      .assertReply(says(/nombre, teléfono o email/))
      .send('no, gracias')
      .assertReply((a) => {
        expect(a.text).toContain('• Tipo: Reclamo');
        expect(a.text).toContain('• Servicio: Alumbrado público');
        expect(a.text).toContain('• Ubicación: Calle Colón 12');
        expect(a.text).toContain('• Descripción: Hay una farola apagada en la calle Colón 12 desde hace una semana');
        expect(a.text).toContain('• Foto: No');
        expect(a.text).toMatch(/¿Lo envío\?$/);
      })
      .send('dale')
      .assertReply(capturesReference(/^¡Listo! ✅ Registré tu reclamo con el número ALU-\d{4}-\d{6}\. Puedes consultar su estado escribiendo ALU-\d{4}-\d{6}\.$/, ticket))
      .startTest();
    const reference = ticket.reference!;
    expect(reference).toMatch(/^ALU-\d{4}-\d{6}$/);

    const row = await storedTicket(engine, reference);
    expect(row).toMatchObject({ service: 'alumbrado', type: 'reclamo', address: 'Calle Colón 12', locale: 'es', contact: null });

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
        expect(a.text).toContain(`• ${reference} · Alumbrado público · Recibido`);
      })
      .startTest();
  });

  it('files a Catalan complaint and answers in Catalan throughout', async () => {
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter();
    await adapter
      .send("El fanal de davant de casa no s'encén des de fa una setmana")
      .assertReply(offers(/^Entenc que és una queixa sobre Enllumenat públic\. És correcte\?$/, ['Sí', 'No']))
      .send("d'acord")
      .assertReply(says(/^On és\? Escriu l'adreça o comparteix la teva ubicació/))
      .send('Carrer Major 3')
      .assertReply(says(/^Vols adjuntar una foto\?/))
      .send('no')
      .assertReply(says(/^Ens deixes un nom, telèfon o correu/))
      .send('Jordi, 612 345 678')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Repassem-ho:/);
        expect(a.text).toContain('• Tipus: Queixa');
        expect(a.text).toContain('• Servei: Enllumenat públic');
        expect(a.text).toContain('• Ubicació: Carrer Major 3');
        expect(a.text).toContain('• Contacte: Jordi, 612345678');
        expect(a.text).toMatch(/L'envio\?$/);
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
        expect(a.text).toContain(`• ${reference} · Enllumenat públic · En curs`);
      })
      .startTest();
  });

  it('files an English complaint and answers in English throughout', async () => {
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter({ locale: 'es-ES' });
    await adapter
      .send('A street light is out on Main Street 12 since last week')
      .assertReply(offers(/^I understand this is a complaint about Street lighting\. Is that right\?$/, ['Yes', 'No']))
      .send('yes')
      .assertReply(says(/^Where is it\? Type the address or share your location/))
      .send('Main Street 12')
      .assertReply(says(/^Would you like to attach a photo\?/))
      .send('no thanks')
      .assertReply(says(/^Would you leave a name, phone or email/))
      .send('skip')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Let's review:/);
        expect(a.text).toContain('• Type: Complaint');
        expect(a.text).toContain('• Location: Main Street 12');
        expect(a.text).toMatch(/Shall I send it\?$/);
      })
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
      .assertReply(says(new RegExp(`^These are your cases:\\n• ${reference} · Street lighting · Received`)))
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
