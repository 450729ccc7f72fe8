import type { Activity, TurnContext } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_PER_REPRESENTATIVE, RepresentationStore } from '../../../bot/sql/representation-store';
import { SqlAppointments } from '../../../connectors/appointments/sql-appointments';
import type { AppointmentsPort } from '../../../dialogs/appointments-port';
import { commandIn } from '../../../dialogs/intents';
import type { IdentityPort } from '../../../dialogs/verify-identity-dialog';
import { capturesReference, offers, says, startEngine, storedTicket, type Engine } from './harness';

/*
 * Acting for someone else (issue 16 part 4) through the whole engine, on the built-in SQL stores with the
 * clock pinned to Monday 1 March 2027, 08:00 in Madrid. Asking: only a verified citizen (anyone else gets
 * the sign-in link); name → relationship (buttons) → proof (a photo or a PDF; anything else asked again;
 * "cancelar" leaves); the pending limit said before any question. Acting, once approved: "¿Para quién
 * es?" before a complaint is confirmed and before an appointment is booked, the ticket and the
 * appointment recorded for the represented person with the representative; the lists mark them; an
 * expired representation is not offered and a revoked one cannot be used. Nobody else is asked anything new.
 */

const NOW = Date.parse('2027-03-01T07:00:00.000Z');
let now = NOW;
let engine: Engine;
let store: RepresentationStore;
let appointments: AppointmentsPort;
const verified = new Set<string>();
const identity: IdentityPort = {
  linkMinutes: 10,
  signInLink: async (ctx: TurnContext) => `https://bot.example.city/auth/sign-in/tok-${ctx.activity.conversation?.id}`,
  verified: async (citizenId) => verified.has(citizenId),
};

beforeAll(async () => {
  engine = await startEngine();
  store = new RepresentationStore(engine.db, { clock: () => now });
  const connector = new SqlAppointments(engine.db, engine.catalog.appointments!, { clock: () => NOW });
  appointments = { connector, clock: () => NOW };
});
afterAll(async () => {
  await engine.close();
});

const PNG: Partial<Activity> = { type: 'message', attachments: [{ contentType: 'image/png', contentUrl: 'https://bot.example.city/media/libro-familia.png', name: 'libro.png' }] };
const PDF: Partial<Activity> = { type: 'message', attachments: [{ contentType: 'application/pdf', contentUrl: 'https://bot.example.city/media/tutela.pdf', name: 'tutela.pdf' }] };
const FAROLA = 'Hay una farola apagada en la calle Colón 12 desde hace una semana';
const CONFIRM = /^Reclamo de Alumbrado público en calle Colón 12 — ¿lo envío\?/;
const FILED = /^¡Listo! ✅ Registré tu reclamo con el número ALU-\d{4}-\d{6}\./;

const rowsOf = (representativeId: string) =>
  engine.db.kysely.selectFrom('representations' as never).selectAll().where('representative_id' as never, '=', representativeId as never).execute() as Promise<Array<Record<string, unknown>>>;

/** A verified citizen with an approved representation for `name`, until a year from the pinned day. */
async function representing(citizenId: string, name: string) {
  verified.add(citizenId);
  const asked = await store.request({ representativeId: citizenId, representedName: name, relationship: 'family', proofMedia: 'https://bot.example.city/media/p.png', channel: 'test', conversationId: 'c', locale: 'es' });
  return store.approve(asked.id, { agentId: 'sup-1', expiresAt: new Date(NOW + 365 * 86_400_000) });
}

describe('asking to act for someone else', () => {
  it('reads the request in three languages and its usual variants', () => {
    for (const text of ['quiero actuar en nombre de otra persona', "actuar en nom d'una altra persona", 'act on behalf of someone', 'representar a mi madre', 'soy el tutor de mi hermano', 'sóc la tutora del meu germà', 'I am the legal guardian of my son']) {
      expect(commandIn(text), text).toEqual({ kind: 'actFor' });
    }
    expect(commandIn('la farola de la calle Mayor 3 no funciona')).toBeUndefined();
  });

  it('an unverified citizen gets the sign-in link, and nothing is asked or stored', async () => {
    await engine.adapter({ citizenId: 'unverified-1', locale: 'es', identity, representations: store })
      .send('quiero actuar en nombre de otra persona')
      .assertReply(says(/^Para actuar en nombre de otra persona primero necesito saber que eres tú\. Identifícate en este enlace \(caduca en 10 minutos\) y vuelve a pedírmelo: https:\/\/bot\.example\.city\/auth\/sign-in\/tok-/))
      .startTest();
    expect(await rowsOf('unverified-1')).toEqual([]);
  });

  it('without sign-in in the city, says it cannot be done here', async () => {
    await engine.adapter({ locale: 'es', representations: store })
      .send('representar a mi madre')
      .assertReply(says(/^Desde este asistente todavía no se puede actuar en nombre de otra persona/))
      .startTest();
  });

  it('asks the name, the relationship with buttons and the proof again until a photo comes, then files the request', async () => {
    verified.add('rep-photo');
    await engine.adapter({ citizenId: 'rep-photo', locale: 'es', identity, representations: store, channelId: 'webchat', conversationId: 'conv-photo' })
      .send('representar a mi madre')
      .assertReply(says(/^Para actuar en nombre de otra persona, dime su nombre completo/))
      .send('x')
      .assertReply(says(/^Escribe el nombre completo de la persona \(de 2 a 200 caracteres\)/))
      .send('  Rosa   Pérez García ')
      .assertReply(offers(/^¿Qué relación tienes con Rosa Pérez García\?$/, ['Familiar', 'Servicios sociales', 'Representante legal', 'Otra']))
      .send('es mi vecina del quinto')
      .assertReply(says(/^Elige una de las opciones, por favor/))
      .send('Familiar')
      .assertReply(says(/^Envíame una foto o un PDF del documento que lo acredita/))
      .send('te lo mando luego')
      .assertReply(says(/^Necesito una foto o un PDF del documento que lo acredita: envíalo como imagen o como archivo PDF, o escribe «cancelar» para dejarlo\.$/))
      .send(PNG)
      .assertReply(says(/^Hecho: he enviado tu solicitud para actuar en nombre de Rosa Pérez García\. Una persona del ayuntamiento revisará el documento y te diré aquí si se aprueba\./))
      .startTest();
    expect(await rowsOf('rep-photo')).toEqual([expect.objectContaining({
      represented_name: 'Rosa Pérez García', relationship: 'family', proof_media: 'https://bot.example.city/media/libro-familia.png', status: 'pending',
      channel: 'webchat', conversation_id: 'conv-photo', locale: 'es',
    })]);
  });

  it('takes a PDF as proof, in Catalan', async () => {
    verified.add('rep-pdf');
    await engine.adapter({ citizenId: 'rep-pdf', locale: 'ca', identity, representations: store })
      .send("actuar en nom d'una altra persona")
      .assertReply(says(/^Per actuar en nom d'una altra persona, digues-me el seu nom complet/))
      .send('Joan Puig')
      .assertReply(offers(/^Quina relació tens amb Joan Puig\?$/, ['Familiar', 'Serveis socials', 'Representant legal', 'Una altra']))
      .send('2')
      .assertReply(says(/^Envia'm una foto o un PDF/))
      .send(PDF)
      .assertReply(says(/^Fet: he enviat la teva sol·licitud per actuar en nom de Joan Puig\./))
      .startTest();
    expect(await rowsOf('rep-pdf')).toEqual([expect.objectContaining({ relationship: 'social-services', proof_media: 'https://bot.example.city/media/tutela.pdf' })]);
  });

  it('"cancelar" at the proof leaves and stores nothing', async () => {
    verified.add('rep-cancel');
    await engine.adapter({ citizenId: 'rep-cancel', locale: 'es', identity, representations: store })
      .send('soy el tutor de mi hermano')
      .assertReply(says(/dime su nombre completo/))
      .send('Luis Gómez')
      .assertReply(says(/^¿Qué relación tienes con Luis Gómez\?/))
      .send('tutor')
      .assertReply(says(/^Envíame una foto o un PDF/))
      .send('cancelar')
      .assertReply(() => undefined)
      .startTest();
    expect(await rowsOf('rep-cancel')).toEqual([]);
  });

  it('says the pending limit before asking anything', async () => {
    verified.add('rep-many');
    for (let i = 0; i < MAX_PENDING_PER_REPRESENTATIVE; i++) {
      await store.request({ representativeId: 'rep-many', representedName: `Persona ${i}`, relationship: 'other', proofMedia: 'https://bot.example.city/media/p.png', channel: 'test', conversationId: 'c', locale: 'es' });
    }
    await engine.adapter({ citizenId: 'rep-many', locale: 'es', identity, representations: store })
      .send('quiero actuar en nombre de mi padre')
      .assertReply(says(new RegExp(`^Ya tienes ${MAX_PENDING_PER_REPRESENTATIVE} solicitudes para actuar en nombre de otras personas pendientes de revisión\\.`)))
      .startTest();
    expect(await rowsOf('rep-many')).toHaveLength(MAX_PENDING_PER_REPRESENTATIVE);
  });
});

describe('acting for someone once approved', () => {
  it('asks for whom before the confirmation; the ticket is the represented person\'s, with the representative; the list marks it', async () => {
    const r = await representing('rep-file', 'Rosa Pérez');
    const ticket: { reference?: string } = {};
    const adapter = engine.adapter({ citizenId: 'rep-file', locale: 'es', identity, representations: store });
    await adapter
      .send(FAROLA)
      .assertReply(offers(/^¿Para quién es\?$/, ['Para mí', 'Rosa Pérez']))
      .send('Rosa Pérez')
      .assertReply(says(CONFIRM))
      .send('sí')
      .assertReply(capturesReference(FILED, ticket))
      .startTest();
    expect(await storedTicket(engine, ticket.reference!)).toMatchObject({ citizen_id: r.representedCitizenId, representative_id: 'rep-file' });
    // The representative follows it as its owner would: the back office's note is shown to them.
    await engine.connector.updateStatus(ticket.reference!, 'in_progress', 'Cuadrilla avisada');
    await adapter
      .send(`¿cómo va ${ticket.reference}?`)
      .assertReply((a) => {
        expect(a.text).toContain('Cuadrilla avisada');
        expect(a.text).not.toContain('solo se muestran a quien presentó el trámite');
      })
      .startTest();

    const mine: { reference?: string } = {};
    await adapter
      .send('Hay un bache enorme en la calle Mayor 3')
      .assertReply(offers(/^¿Para quién es\?$/, ['Para mí', 'Rosa Pérez']))
      .send('Para mí')
      .assertReply(says(/— ¿lo envío\?/))
      .send('sí')
      .assertReply(capturesReference(/^¡Listo! ✅/, mine))
      .send('mis solicitudes')
      .assertReply((a) => {
        expect(a.text).toContain(`· en nombre de Rosa Pérez`);
        expect(a.text).toMatch(new RegExp(`\\d\\. ${ticket.reference} · Alumbrado público · En curso · en nombre de Rosa Pérez`));
        expect(a.text).toMatch(new RegExp(`\\d\\. ${mine.reference} · [^\\n·]+ · Recibido\\n`));
      })
      .startTest();
    expect(await storedTicket(engine, mine.reference!)).toMatchObject({ citizen_id: 'rep-file', representative_id: null });
  });

  it('asks nothing new of a citizen who acts for nobody, nor offers an expired representation', async () => {
    await engine.adapter({ citizenId: 'plain-citizen', locale: 'es', identity, representations: store })
      .send(FAROLA)
      .assertReply(says(CONFIRM))
      .startTest();
    await representing('rep-expired', 'Carmen Ruiz');
    now = NOW + 366 * 86_400_000; // a day past the approval's end
    try {
      await engine.adapter({ citizenId: 'rep-expired', locale: 'es', identity, representations: store })
        .send(FAROLA)
        .assertReply(says(CONFIRM))
        .startTest();
    } finally {
      now = NOW;
    }
  });

  it('a representation revoked after it was chosen files nothing', async () => {
    const r = await representing('rep-revoked', 'Pere Vila');
    const adapter = engine.adapter({ citizenId: 'rep-revoked', locale: 'es', identity, representations: store });
    await adapter
      .send(FAROLA)
      .assertReply(offers(/^¿Para quién es\?$/, ['Para mí', 'Pere Vila']))
      .send('2')
      .assertReply(says(CONFIRM))
      .startTest();
    await store.revoke(r.id, { by: 'sup-1' });
    await adapter
      .send('sí')
      .assertReply(says(/^Ya no puedes actuar en nombre de Pere Vila: la autorización ha caducado o se ha retirado\. No he enviado nada\.$/))
      .startTest();
    const filed = await engine.db.kysely.selectFrom('tickets').select('id').where((eb) => eb.or([eb('representative_id', '=', 'rep-revoked'), eb('citizen_id', '=', r.representedCitizenId!)])).execute();
    expect(filed).toEqual([]);
  });

  it('books an appointment for the represented person, recording both, and "mis citas" marks it', async () => {
    const r = await representing('rep-book', 'Rosa Pérez');
    let reference = '';
    const adapter = engine.adapter({ citizenId: 'rep-book', locale: 'es', identity, representations: store, appointments });
    await adapter
      .send('quiero pedir cita')
      .assertReply(says(/¿Para qué trámite quieres la cita\?/))
      .send('1')
      .assertReply(says(/¿En qué oficina quieres la cita de Empadronamiento\?/))
      .send('1')
      .assertReply(says(/primeros días con hueco/))
      .send('1')
      .assertReply(says(/¿A qué hora del lunes, 1 de marzo\?/))
      .send('09:30')
      .assertReply(offers(/^¿Para quién es\?$/, ['Para mí', 'Rosa Pérez']))
      .send('Rosa')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Hecho: Rosa Pérez tiene cita para Empadronamiento el lunes, 1 de marzo, 09:30 .+\. El número de cita es \*\*CITA-[A-Z0-9]{6}\*\*\. Para verla o anularla, escribe «mis citas»\.$/);
        reference = /CITA-[A-Z0-9]{6}/.exec(a.text ?? '')![0];
      })
      .startTest();
    const row = await engine.db.kysely.selectFrom('appointments' as never).select(['citizen_id', 'representative_id'] as never[]).where('reference' as never, '=', reference as never).executeTakeFirstOrThrow();
    expect(row).toEqual({ citizen_id: r.representedCitizenId, representative_id: 'rep-book' });
    await adapter
      .send('mis citas')
      .assertReply(says(new RegExp(`\\*\\*${reference}\\*\\* · Empadronamiento · lunes, 1 de marzo, 09:30 · [^\\n]+ · en nombre de Rosa Pérez`)))
      .startTest();

    // Moved and cancelled on her behalf too, while the representation is in force; nobody else can.
    await engine.adapter({ citizenId: 'someone-else', locale: 'es', identity, representations: store, appointments })
      .send(`anular cita ${reference}`)
      .assertReply(says(/^No encuentro ninguna cita pendiente tuya/))
      .startTest();
    await adapter
      .send(`cambiar cita ${reference}`)
      .assertReply(says(/primeros días con hueco/))
      .send('1')
      .assertReply(says(/¿A qué hora del lunes, 1 de marzo\?/))
      .send('10:00')
      .assertReply(says(new RegExp(`^Hecho: tu cita ${reference} para Empadronamiento pasa al lunes, 1 de marzo, 10:00`)))
      .send(`anular cita ${reference}`)
      .assertReply(says(new RegExp(`^Cita ${reference} anulada\\.`)))
      .startTest();
    const after = await engine.db.kysely.selectFrom('appointments' as never).select(['citizen_id', 'representative_id', 'status', 'starts_at'] as never[]).where('reference' as never, '=', reference as never).executeTakeFirstOrThrow();
    expect(after).toEqual({ citizen_id: r.representedCitizenId, representative_id: 'rep-book', status: 'cancelled', starts_at: '2027-03-01T09:00:00.000Z' });
  });
});
