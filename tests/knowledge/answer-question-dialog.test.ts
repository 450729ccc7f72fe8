import type { Activity, TestAdapter } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buttonsOf, inquiryClassifier, MemoryHandoff, startKnowledgeEngine, type KnowledgeEngine } from './harness';

const OAC_URL = 'https://www.ciudadejemplo.es/es/atencion-ciudadana/oficinas';
// A consulta about parks that no article covers (read by intake as an inquiry about parks).
const UNCOVERED = 'cuando van a arreglar el parque infantil';

const UNKNOWN_ES = 'No tengo información sobre eso. ¿Quieres hablar con una persona o que registre tu consulta para que te respondan?';

/** Sends the uncovered consulta; answers "sí" if intake first confirms what it understood. Returns the bot's offer. */
async function askUncovered(adapter: TestAdapter): Promise<Partial<Activity>> {
  let reply: Partial<Activity> = {};
  await adapter.send(UNCOVERED).assertReply((a) => { reply = a; }).startTest();
  if (/^Entiendo que es una consulta de Parques/.test(reply.text ?? '')) await adapter.send('sí').assertReply((a) => { reply = a; }).startTest();
  return reply;
}

describe('questions answered from the knowledge base', () => {
  let engine: KnowledgeEngine;
  beforeAll(async () => {
    engine = await startKnowledgeEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('answers a consulta with the best passage, its source link and "¿Te sirvió?" Sí / Hablar con una persona', async () => {
    await engine
      .adapter()
      .send('¿a qué hora abre la oficina de atención ciudadana?')
      .assertReply((a) => {
        expect(a.text).toContain('Horario\n- OAC Central: de lunes a viernes de 8:30 a 14:30');
        expect(a.text).toContain(`Fuente: Oficinas de Atención Ciudadana (OAC): direcciones y horarios — ${OAC_URL}`);
        expect(a.text).toMatch(/¿Te sirvió\?$/);
        // The passage, not the whole article.
        expect(a.text).not.toContain('Avenida de la Estación 3');
        expect(buttonsOf(a)).toEqual(['Sí', 'Hablar con una persona']);
      })
      .send('Sí')
      .assertReply((a) => {
        expect(a.text).toBe('¡Me alegro! Si necesitas algo más, escríbeme.');
        expect(buttonsOf(a)).toHaveLength(3); // the main menu
      })
      .startTest();
  });

  it('hands the question to a person when the citizen presses "Hablar con una persona"', async () => {
    const handoff = new MemoryHandoff();
    await engine
      .adapter({ handoff })
      .send('donde llevo el aceite usado y las pilas?')
      .assertReply((a) => {
        expect(a.text).toContain('Fuente: Punto limpio — https://www.ciudadejemplo.es/es/medio-ambiente/punto-limpio');
        expect(buttonsOf(a)).toEqual(['Sí', 'Hablar con una persona']);
      })
      .send('Hablar con una persona')
      .assertReply((a) => expect(a.text).toMatch(/^Te paso con una persona del equipo de /))
      .startTest();
    expect(handoff.requests).toHaveLength(1);
    expect(handoff.requests[0]).toMatchObject({ reason: 'asked', team: engine.catalog.handoff.defaultTeam, locale: 'es' });
    expect(handoff.requests[0]!.summary).toMatchObject({ type: 'consulta', description: expect.stringMatching(/^donde llevo el aceite usado y las pilas\?$/i) });
  });

  it('says it does not know a consulta the base does not cover, and offers a person or an inquiry ticket', async () => {
    expect(engine.base.search(UNCOVERED, 'es').answer).toBeUndefined();
    const handoff = new MemoryHandoff();
    const adapter = engine.adapter({ handoff, classifier: inquiryClassifier('parques') });
    const offer = await askUncovered(adapter);
    expect(offer.text).toBe(UNKNOWN_ES);
    expect(buttonsOf(offer)).toEqual(['Hablar con una persona', 'Registrar mi consulta']);
    await adapter
      .send('Hablar con una persona')
      .assertReply((a) => expect(a.text).toMatch(/^Te paso con una persona del equipo de /))
      .startTest();
    // The team of the service intake recognised, with the question as description.
    const parks = engine.catalog.services.find((s) => s.code === 'parques')!;
    expect(handoff.requests[0]).toMatchObject({ team: parks.team, summary: { type: 'consulta', service: 'parques', description: expect.stringMatching(new RegExp(`^${UNCOVERED}$`, 'i')) } });
  });

  it('files the question as an inquiry ticket when the citizen chooses so', async () => {
    let reference = '';
    let asked = '';
    const adapter = engine.adapter({ classifier: inquiryClassifier('parques') });
    expect(buttonsOf(await askUncovered(adapter))).toEqual(['Hablar con una persona', 'Registrar mi consulta']);
    await adapter
      .send('Registrar mi consulta')
      .assertReply((a) => {
        asked = a.text ?? '';
      })
      .startTest();
    // The service's own fields come first (a contact, if the catalog asks for one), then the summary.
    if (/nombre, teléfono o email/.test(asked)) {
      await adapter.send('no').assertReply((a) => { asked = a.text ?? ''; }).startTest();
    }
    expect(asked.toLowerCase()).toContain(UNCOVERED);
    expect(asked).toMatch(/Consulta/);
    await adapter
      .send('sí')
      .assertReply((a) => {
        const m = /[A-Z]{3}-\d{4}-\d{6}/.exec(a.text ?? '');
        expect(m).not.toBeNull();
        reference = m![0];
      })
      .startTest();
    const row = await engine.db.kysely.selectFrom('tickets').selectAll().where('reference', '=', reference).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ type: 'consulta', service: 'parques' });
    expect(row.description?.toLowerCase()).toBe(UNCOVERED);
  });

  it('after "no" to "¿Te sirvió?" offers a person or an inquiry ticket', async () => {
    await engine
      .adapter()
      .send('como pido la tarjeta de residente para aparcar?')
      .assertReply((a) => expect(a.text).toContain('https://www.ciudadejemplo.es/es/movilidad/residentes'))
      .send('no')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Vaya, lo siento\. ¿Quieres hablar con una persona/);
        expect(buttonsOf(a)).toEqual(['Hablar con una persona', 'Registrar mi consulta']);
      })
      .startTest();
  });

  it('answers a second question asked instead of pressing a button', async () => {
    await engine
      .adapter()
      .send('horario de la biblioteca central?')
      .assertReply((a) => expect(a.text).toContain('https://www.ciudadejemplo.es/es/cultura/bibliotecas'))
      .send('y donde se paga una multa de trafico?')
      .assertReply((a) => {
        expect(a.text).toContain('https://www.ciudadejemplo.es/es/tributos/multas-pago');
        expect(buttonsOf(a)).toEqual(['Sí', 'Hablar con una persona']);
      })
      .startTest();
  });

  it('answers in Catalan and English with the localized choices', async () => {
    await engine
      .adapter({ locale: 'ca-ES' })
      .send("on és la deixalleria? vull portar-hi un moble vell i l'oli")
      .assertReply((a) => {
        expect(a.text).toContain('Font: Punt net (deixalleria) — https://www.ciudadejemplo.es/ca/medi-ambient/punt-net');
        expect(a.text).toMatch(/T'ha servit\?$/);
        expect(buttonsOf(a)).toEqual(['Sí', 'Parlar amb una persona']);
      })
      .startTest();
    await engine
      .adapter({ locale: 'en-GB' })
      .send('how do I get a library card?')
      .assertReply((a) => {
        expect(a.text).toContain('Source: Public libraries and library card — https://www.ciudadejemplo.es/en/culture/libraries');
        expect(a.text).toMatch(/Was this helpful\?$/);
        expect(buttonsOf(a)).toEqual(['Yes', 'Talk to a person']);
      })
      .send('Talk to a person')
      .assertReply((a) => expect(a.text).toMatch(/person|team/i))
      .startTest();
  });

  it('answers again in the new language after "in English, please", with the English choices', async () => {
    await engine
      .adapter()
      .send('¿dónde está el punto limpio?')
      .assertReply((a) => expect(a.text).toContain('https://www.ciudadejemplo.es/es/medio-ambiente/punto-limpio'))
      .send('in english please')
      .assertReply((a) => expect(a.text).toMatch(/English/i))
      .assertReply((a) => {
        expect(a.text).toContain('Source: Recycling point (punto limpio) — https://www.ciudadejemplo.es/en/environment/recycling-point');
        expect(buttonsOf(a)).toEqual(['Yes', 'Talk to a person']);
      })
      .send('Yes')
      .assertReply((a) => expect(a.text).toBe('Glad it helped! If you need anything else, just write.'))
      .startTest();
  });

  it('without people to hand off to, offers to file the question instead', async () => {
    await engine
      .adapter({ handoff: false })
      .send('cuando se paga el ibi?')
      .assertReply((a) => {
        expect(a.text).toContain('https://www.ciudadejemplo.es/es/tributos/ibi');
        expect(buttonsOf(a)).toEqual(['Sí', 'Registrar mi consulta']);
      })
      .startTest();
  });

  it('still files an ordinary report as before', async () => {
    await engine
      .adapter()
      .send('Hay una farola apagada en la calle Colón 12 desde hace una semana')
      .assertReply((a) => {
        expect(a.text).toMatch(/Alumbrado público/);
        expect(a.text).not.toMatch(/Fuente:|No tengo información/);
      })
      .startTest();
  });
});
