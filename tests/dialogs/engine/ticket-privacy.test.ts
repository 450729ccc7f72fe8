import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TicketStatus } from '../../../connectors/connector';
import { ticketViewFor } from '../../../dialogs/ticket-view';
import { startEngine, type Engine } from './harness';

/*
 * References are sequential, so anyone can type one: a ticket's note (and anything else about the person)
 * goes only to the ticket's own citizen; anyone else gets the public status.
 */

const NOTE = 'Brigada asignada; la vecina del 3º nos abrirá el portal';
const DESCRIPTION = 'Farola apagada delante de mi casa, llámenme al 600112233';

let engine: Engine;
beforeAll(async () => {
  engine = await startEngine();
});
afterAll(async () => {
  await engine.close();
});

/** A ticket of `citizenId`, filed with a description, address and contact, and a note from the back office. */
async function ticketOf(citizenId: string): Promise<string> {
  const ref = await engine.connector.createTicket({
    service: 'alumbrado', type: 'reclamo', connectorCode: 'alumbrado', description: DESCRIPTION,
    location: { address: 'Calle del Olmo 7', point: { latitude: 41.38, longitude: 2.17 } }, attachments: [{ contentType: 'image/jpeg', url: 'https://bot.test/media/a.jpg' }],
    contact: { name: 'Lucía Pérez', phone: '600112233' }, citizenId, channel: 'whatsapp-cloud', conversationId: '34600112233', locale: 'es',
  }, `privacy-${randomUUID()}`);
  await engine.connector.updateStatus(ref.reference, 'in_progress', NOTE);
  return ref.reference;
}

/** Asks for the status of `reference` as `citizenId` on `channelId`; the bot's answer. */
async function statusAs(citizenId: string, channelId: string, reference: string): Promise<string> {
  const adapter = engine.adapter({ citizenId, channelId, locale: 'es-ES' });
  await adapter.receiveActivity(`¿Cómo va ${reference}?`);
  return adapter.activeQueue.splice(0).map((a) => a.text ?? '').join('\n');
}

describe('who sees what of a ticket', () => {
  it("shows the owner the back office's note", async () => {
    const owner = `citizen-${randomUUID()}`;
    const reference = await ticketOf(owner);
    const answer = await statusAs(owner, 'whatsapp-cloud', reference);
    expect(answer).toContain(`📋 ${reference} · Alumbrado público`);
    expect(answer).toContain('Estado: En curso');
    expect(answer).toContain(`Nota: ${NOTE}`);
  });

  it('shows another citizen asking by reference only the service, state and dates', async () => {
    const reference = await ticketOf(`citizen-${randomUUID()}`);
    const answer = await statusAs(`citizen-${randomUUID()}`, 'telegram', reference);
    expect(answer).toContain(`📋 ${reference} · Alumbrado público`);
    expect(answer).toContain('Estado: En curso');
    expect(answer).toMatch(/Iniciado el .*\d{4}/);
    expect(answer).toMatch(/Última actualización: .*\d{4}/);
    expect(answer).toContain('solo se muestran a quien presentó el trámite');
    for (const secret of ['Nota', 'Brigada', 'vecina', 'Olmo', 'Lucía', '600112233', 'Farola apagada', 'media/a.jpg']) expect(answer).not.toContain(secret);
  });

  it("does not list another citizen's ticket under my tickets", async () => {
    const reference = await ticketOf(`citizen-${randomUUID()}`);
    const adapter = engine.adapter({ citizenId: `citizen-${randomUUID()}`, locale: 'es-ES' });
    await adapter.receiveActivity('mis reclamos');
    expect(adapter.activeQueue.splice(0).map((a) => a.text).join('\n')).not.toContain(reference);
  });

  it('gives the public status only when the connector does not say whose the ticket is', () => {
    const status: TicketStatus = {
      reference: 'ALU-2026-000001', service: 'alumbrado', type: 'reclamo', status: 'resolved',
      createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-03T09:00:00.000Z', note: NOTE, history: [{ status: 'resolved', at: '2026-03-03T09:00:00.000Z', note: NOTE }],
    };
    expect(ticketViewFor(status, 'anyone')).toEqual({
      reference: 'ALU-2026-000001', service: 'alumbrado', type: 'reclamo', status: 'resolved',
      createdAt: '2026-03-02T09:00:00.000Z', updatedAt: '2026-03-03T09:00:00.000Z', owner: false,
    });
    expect(ticketViewFor({ ...status, citizenId: 'lucia' }, 'lucia')).toMatchObject({ owner: true, note: NOTE });
  });
});
