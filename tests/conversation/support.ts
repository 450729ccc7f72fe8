import { randomUUID } from 'node:crypto';
import type { Locale } from '../../catalog/schema';
import type { Engine } from '../dialogs/engine/harness';

/** Files a ticket straight through the engine's connector for `citizenId` (what intake would have filed). */
export async function fileFor(engine: Engine, citizenId: string, service: string, description: string, address?: string, locale: Locale = 'es'): Promise<string> {
  const entry = engine.catalog.services.find((s) => s.code === service)!;
  const ref = await engine.connector.createTicket(
    {
      service, type: 'reclamo', connectorCode: entry.connector.code, description, attachments: [], citizenId,
      channel: 'test', conversationId: `seed-${randomUUID()}`, locale,
      ...(address ? { location: { address } } : {}),
    },
    randomUUID(),
  );
  return ref.reference;
}

/** The ways citizens type a reference back: "alu 2026 1", "ALU-2026-1", "alu2026000001", "alu 1/2026". */
export function lenientForms(reference: string): string[] {
  const [prefix, year, n] = reference.split('-') as [string, string, string];
  const number = String(Number(n));
  return [`${prefix.toLowerCase()} ${year} ${number}`, `${prefix}-${year}-${number}`, `${prefix.toLowerCase()}-${year}-${n}`, `${prefix}${year}${n}`, `${prefix.toLowerCase()} ${number}/${year}`];
}
