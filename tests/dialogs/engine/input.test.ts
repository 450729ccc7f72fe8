import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_TEXT_LENGTH } from '../../../bot/activity';
import { DependencyUnavailableError } from '../../../bot/errors';
import type { Connector } from '../../../connectors/connector';
import { t } from '../../../dialogs/i18n';
import type { MemoryStorage, Storage } from 'botbuilder';
import { offers, says, startEngine, type Engine } from './harness';

const joined = (id: string) => ({ type: 'conversationUpdate', membersAdded: [{ id, name: id }] });

describe('greeting, odd input and status questions', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = await startEngine();
  });
  afterAll(async () => {
    await engine.close();
  });

  it('greets a citizen who joins, in the conversation locale, with the main menu as suggested actions', async () => {
    await engine
      .adapter({ locale: 'es-AR' })
      .send(joined('user1'))
      .assertReply(offers(/^¡Hola! 👋 Soy el asistente del ayuntamiento de Ciudad Ejemplo\./, ['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']))
      .startTest();
    await engine
      .adapter({ locale: 'ca-ES' })
      .send(joined('user1'))
      .assertReply(offers(/^Hola! 👋 Sóc l'assistent/, ['Fer una queixa', 'Veure els meus tiquets', 'Ajuda']))
      .startTest();
  });

  it('greets in the city default language when the channel gives no known locale', async () => {
    await engine
      .adapter({ locale: 'eu-ES' })
      .send(joined('user1'))
      .assertReply(says(/^¡Hola!/))
      .startTest();
  });

  it('does not greet when only the bot joined', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send({ type: 'conversationUpdate', membersAdded: [{ id: 'bot', name: 'Bot' }] })
      .send('ayuda')
      // The first reply the bot sends is the help, not a greeting.
      .assertReply(says(/^Así te puedo ayudar:/))
      .startTest();
  });

  it('routes the greeting buttons: "Ver mis tickets" lists and "Ayuda" helps with the menu', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('Ver mis tickets')
      .assertReply(says(/^Todavía no tienes trámites registrados/))
      .send('Ayuda')
      .assertReply(offers(/^Así te puedo ayudar:/, ['Hacer un reclamo', 'Ver mis tickets', 'Ayuda']))
      .startTest();
  });

  it('asks to shorten a message over the length limit, without classifying it', async () => {
    await engine
      .adapter({ citizenId: 'verbose', locale: 'es-ES' })
      .send('farola '.repeat(Math.ceil(MAX_TEXT_LENGTH / 7) + 1))
      .assertReply(says(new RegExp(`^Tu mensaje es muy largo 😅 ¿Puedes resumirlo en menos de ${MAX_TEXT_LENGTH} caracteres\\?$`)))
      // Nothing started: the next message is routed afresh.
      .send('mis reclamos')
      .assertReply(says(/^Todavía no tienes/))
      .startTest();
  });

  it('keeps the current question when an oversized message arrives mid-intake', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('Hay una farola apagada desde hace una semana')
      .assertReply(says(/^¿Dónde está\?/))
      .send('x'.repeat(MAX_TEXT_LENGTH + 1))
      .assertReply(says(/^Tu mensaje es muy largo/))
      .send('Calle Colón 12')
      .assertReply(says(/^Reclamo de Alumbrado público en Calle Colón 12 — ¿lo envío\?/))
      .startTest();
  });

  it('says it can only read text, locations and photos when a message has none of them', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send({ type: 'message', attachments: [{ contentType: 'application/x-tgsticker', contentUrl: 'https://files.example/s.tgs' }] })
      .assertReply(says(/^Perdón, por ahora solo puedo leer texto, ubicaciones y fotos\.$/))
      .send({ type: 'message', text: '   ' })
      .assertReply(says(/^Perdón, por ahora solo puedo leer texto, ubicaciones y fotos\.$/))
      .startTest();
  });

  it('starts an intake from a photo alone by asking what is going on', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send({ type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'https://files.example/bache.png' }] })
      .assertReply(says(/^Cuéntame con tus palabras qué pasa\.$/))
      .startTest();
  });

  it('says so when a reference is unknown', async () => {
    await engine
      .adapter({ locale: 'es-ES' })
      .send('¿cómo va mi reclamo alu-2026-999999?')
      .assertReply(says(/^No encuentro ningún trámite con el número ALU-2026-999999\./))
      .startTest();
  });

  it('lists the tickets when "¿cómo va mi reclamo?" names no reference', async () => {
    const ref = await engine.connector.createTicket(
      {
        service: 'calles',
        type: 'reclamo',
        connectorCode: 'calles',
        description: 'Un bache enorme en la avenida',
        attachments: [],
        citizenId: 'asker',
        channel: 'test',
        conversationId: 'conv-asker',
        locale: 'es',
      },
      'asker-key-1',
    );
    await engine
      .adapter({ citizenId: 'asker', locale: 'es-ES' })
      .send('¿cómo va mi reclamo?')
      .assertReply(says(new RegExp(`^Estos son tus trámites:\\n1. ${ref.reference} · Calles y aceras · Recibido`)))
      .startTest();
  });

  it('translates every ticket state in a status answer', async () => {
    const ref = await engine.connector.createTicket(
      {
        service: 'agua',
        type: 'reclamo',
        connectorCode: 'agua',
        description: 'Fuga de agua en la acera',
        attachments: [],
        citizenId: 'states',
        channel: 'test',
        conversationId: 'conv-states',
        locale: 'es',
      },
      'states-key-1',
    );
    const expected = { in_progress: 'En curso', resolved: 'Resuelto', closed: 'Cerrado', rejected: 'Rechazado' } as const;
    for (const [state, name] of Object.entries(expected)) {
      await engine.connector.updateStatus(ref.reference, state as keyof typeof expected, `paso a ${state}`);
      // Asked by the ticket's own citizen: only they see the note.
      await engine
        .adapter({ locale: 'es-ES', citizenId: 'states' })
        .send(ref.reference)
        .assertReply((a) => {
          expect(a.text).toContain(`Estado: ${name}`);
          expect(a.text).toContain(`Nota: paso a ${state}`);
        })
        .startTest();
    }
  });

  it('apologizes for an unexpected failure and starts the next turn afresh', async () => {
    let failures = 1;
    const broken = (real: Connector): Connector => ({
      kind: real.kind,
      createTicket: (d, k) => real.createTicket(d, k),
      listForCitizen: (c) => real.listForCitizen!(c),
      async getStatus(reference) {
        if (failures-- > 0) throw new TypeError('a bug in a back office adapter');
        return real.getStatus(reference);
      },
    });
    await engine
      .adapter({ locale: 'es-ES', connector: broken })
      .send('ALU-2026-999998')
      .assertReply(says(/^Uy, algo ha fallado por nuestra parte/))
      .send('ALU-2026-999998')
      .assertReply(says(/^No encuentro ningún trámite con el número ALU-2026-999998/))
      .startTest();
  });

  it('answers a failure before any dialog ran (a broken state record) in the language the channel reported', async () => {
    let failures = 1;
    const broken = (real: MemoryStorage): Storage => ({
      read: async (keys) => {
        if (failures-- > 0) throw new SyntaxError('Unexpected token in JSON');
        return real.read(keys);
      },
      write: (changes) => real.write(changes),
      delete: (keys) => real.delete(keys),
    });
    await engine
      .adapter({ locale: 'ca-ES', storage: broken })
      .send('hola')
      .assertReply((a) => expect(a.text).toBe(t('ca', 'error.generic')))
      .startTest();
  });

  it('lets a retryable failure escape so the inbound queue runs the turn again', async () => {
    const down = (real: Connector): Connector => ({
      kind: real.kind,
      createTicket: (d, k) => real.createTicket(d, k),
      async getStatus() {
        throw new DependencyUnavailableError('database not answering');
      },
    });
    await expect(engine.adapter({ locale: 'es-ES', connector: down }).send('ALU-2026-999997').startTest()).rejects.toBeInstanceOf(
      DependencyUnavailableError,
    );
  });

  it('tells a citizen whose back office cannot list tickets to ask by reference', async () => {
    const byReferenceOnly = (real: Connector): Connector => ({
      kind: real.kind,
      createTicket: (d, k) => real.createTicket(d, k),
      getStatus: (r) => real.getStatus(r),
    });
    await engine
      .adapter({ locale: 'es-ES', connector: byReferenceOnly })
      .send('mis reclamos')
      .assertReply(says(/^Ahora no puedo mostrarte la lista\. Si tienes el número del trámite/))
      .startTest();
  });
});
