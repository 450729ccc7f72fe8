import type { TurnContext } from 'botbuilder';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { VerifiedCitizen } from '../../../connectors/records/citizen-records';
import { RestCitizenRecords } from '../../../connectors/records/rest-citizen-records';
import { commandIn } from '../../../dialogs/intents';
import type { RecordLookup, RecordsAccess } from '../../../dialogs/my-records-dialog';
import { RecordsServer } from '../../support/records-server';
import { startEngine, type Engine } from './harness';

/*
 * "Mis multas", "mi padrón", "certificado de empadronamiento" (issue 16 part 3) through the whole engine,
 * the records read over real HTTP from a local city (tests/support/records-server.ts): a verified citizen
 * sees each record briefly with its link, and every look-up is recorded before anything is shown; an
 * unverified one gets the sign-in link and nothing else; a city that does not answer is said so; a
 * certificate is asked for only after a yes.
 */

const ANA = '12345678Z';
let engine: Engine;
let city: RecordsServer;
let verified: Map<string, VerifiedCitizen>;
let audited: Array<{ citizenId: string; lookup: RecordLookup }>;
let auditFails: boolean;

function access(signIn = true): RecordsAccess {
  return {
    records: new RestCitizenRecords({ url: city.url, token: city.token, timeoutMs: 400 }),
    verifiedOf: async (citizenId) => verified.get(citizenId),
    audit: async (citizenId, lookup) => {
      if (auditFails) throw new Error('audit log unavailable');
      audited.push({ citizenId, lookup });
    },
    ...(signIn ? { signInLink: async (ctx: TurnContext) => `https://bot.example.city/auth/sign-in/tok-${ctx.activity.conversation?.id}` } : {}),
  };
}

beforeAll(async () => {
  engine = await startEngine();
  city = await RecordsServer.start();
});
afterAll(async () => {
  await city.stop();
  await engine.close();
});
beforeEach(() => {
  verified = new Map([['citizen-ana', { identifier: ANA }]]);
  audited = [];
  auditFails = false;
  city.fault = 'none';
  city.citizens.set(ANA, {
    records: {
      fines: [{ id: 'MUL-2027-0042', title: 'Estacionamiento en zona de carga', state: 'Pendiente de pago', dueDate: '2027-03-13', amount: { value: 90, currency: 'EUR' }, url: 'https://sede.example.city/multas/MUL-2027-0042' }],
      notifications: Array.from({ length: 7 }, (_, i) => ({ id: `N-${i + 1}`, title: `Notificación ${i + 1}`, url: `https://sede.example.city/n/${i + 1}` })),
    },
    census: { address: 'Carrer Major 3, 2n 1a', since: '2019-05-02', householdSize: 3, url: 'https://sede.example.city/padron' },
  });
});

describe('the citizen asks for their own records', () => {
  it('reads the phrases in three languages, and leaves "mis trámites" to the ticket list', () => {
    expect(commandIn('¿tengo alguna multa?')).toEqual({ kind: 'myRecords', lookup: 'fines' });
    expect(commandIn('les meves notificacions')).toEqual({ kind: 'myRecords', lookup: 'notifications' });
    expect(commandIn('my tax receipts please')).toEqual({ kind: 'myRecords', lookup: 'tax-receipts' });
    expect(commandIn('necesito un certificado de empadronamiento')).toEqual({ kind: 'myRecords', lookup: 'censusCertificate' });
    expect(commandIn('¿dónde estoy empadronado?')).toEqual({ kind: 'myRecords', lookup: 'census' });
    expect(commandIn('mis expedientes')).toEqual({ kind: 'myRecords', lookup: 'procedures' });
    expect(commandIn('mis trámites')).toEqual({ kind: 'myTickets' });
    // A report that mentions a fine is a report.
    expect(commandIn('el agente me puso una multa injusta en la calle Colón y quiero reclamar porque no había señal')).toBeUndefined();
  });

  it('shows a verified citizen their fines briefly, with amount, due date and link, after recording the look-up', async () => {
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es', records: access() })
      .send('mis multas')
      .assertReply((a) => {
        expect(a.text).toContain('Tus multas (1):');
        expect(a.text).toMatch(/\*\*MUL-2027-0042\*\* · Estacionamiento en zona de carga · Pendiente de pago · 90,00\s€/);
        expect(a.text).toMatch(/hasta el 13 mar 2027/);
        expect(a.text).toContain('https://sede.example.city/multas/MUL-2027-0042');
      })
      .startTest();
    expect(audited).toEqual([{ citizenId: 'citizen-ana', lookup: 'fines' }]);
  });

  it('lists five and counts the rest, in Catalan', async () => {
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'ca', records: access() })
      .send('les meves notificacions')
      .assertReply((a) => {
        expect(a.text).toContain('Les teves notificacions (7):');
        expect(a.text?.match(/\*\*N-\d\*\*/g)).toHaveLength(5);
        expect(a.text).toContain('… i 2 més a la seu electrònica.');
      })
      .startTest();
  });

  it('shows the census entry in English', async () => {
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'en', records: access() })
      .send('my census registration')
      .assertReply((a) => {
        expect(a.text).toContain('Your census registration:');
        expect(a.text).toContain('Address: Carrer Major 3, 2n 1a');
        expect(a.text).toContain('People registered at the address: 3');
        expect(a.text).toContain('https://sede.example.city/padron');
      })
      .startTest();
  });

  it('asks before requesting a certificate, and requests it once on yes', async () => {
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es', records: access() })
      .send('certificado de empadronamiento')
      .assertReply((a) => expect(a.text).toMatch(/¿Pido un certificado de empadronamiento a tu nombre\?/))
      .send('sí')
      .assertReply((a) => expect(a.text).toMatch(/^Hecho: he pedido tu certificado de empadronamiento \(CERT-\d+\)\. .*https:\/\/sede\.example\.city\/certificados\/\d+$/s))
      .startTest();
    expect(audited).toEqual([{ citizenId: 'citizen-ana', lookup: 'censusCertificate' }]);
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es', records: access() })
      .send('certificado de empadronamiento')
      .assertReply(() => undefined)
      .send('no')
      .assertReply((a) => expect(a.text).toBe('De acuerdo, no pido nada.'))
      .startTest();
  });

  it('gives an unverified citizen the sign-in link and shows nothing', async () => {
    const before = city.urls.length;
    await engine.adapter({ citizenId: 'citizen-unknown', conversationId: 'conv-x', locale: 'es', records: access() })
      .send('mis multas')
      .assertReply((a) => {
        expect(a.text).toMatch(/^Para ver tus multas necesito saber que eres tú\. .*https:\/\/bot\.example\.city\/auth\/sign-in\/tok-conv-x$/s);
        expect(a.text).not.toContain('MUL-');
      })
      .startTest();
    expect(audited).toEqual([]);
    expect(city.urls.length).toBe(before);
  });

  it('without an identity provider, says where to look instead', async () => {
    await engine.adapter({ citizenId: 'citizen-unknown', locale: 'es', records: access(false) })
      .send('mis multas')
      .assertReply((a) => expect(a.text).toMatch(/todavía no puedes identificarte/))
      .startTest();
  });

  it('says the city does not answer when it is down, and shows nothing when the audit log cannot record', async () => {
    city.fault = 'down';
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es', records: access() })
      .send('mis multas')
      .assertReply((a) => expect(a.text).toMatch(/^Ahora mismo no puedo consultar tus multas: el sistema del ayuntamiento no responde/))
      .startTest();
    city.fault = 'none';
    auditFails = true;
    const before = city.urls.length;
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es', records: access() })
      .send('mis multas')
      .assertReply((a) => expect(a.text).not.toContain('MUL-'))
      .startTest();
    expect(city.urls.length).toBe(before);
  });

  it('without a records connector, says where to look', async () => {
    await engine.adapter({ citizenId: 'citizen-ana', locale: 'es' })
      .send('mis multas')
      .assertReply((a) => expect(a.text).toMatch(/^Desde este asistente no puedo consultar tus multas\./))
      .startTest();
  });
});
