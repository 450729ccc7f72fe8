import { z } from 'zod';
import { CHOSEN_AVAILABILITIES } from '../handoff/presence';
import type { ClientEvent } from './protocol';

// Handoff ids are UUIDs; the bound only keeps a garbage id from reaching SQL as a long string.
const HandoffId = z.string().min(1).max(64);

/** Every frame a console may send over `/console/ws` (protocol.ts ClientEvent), nothing else. */
const ClientFrame: z.ZodType<ClientEvent> = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('open'), handoffId: HandoffId }),
  z.strictObject({ type: z.literal('close'), handoffId: HandoffId }),
  z.strictObject({ type: z.literal('availability'), availability: z.enum(CHOSEN_AVAILABILITIES) }),
  z.strictObject({ type: z.literal('ping') }),
]);

/** The client event in a text frame, or undefined when the frame is not JSON or not one of the protocol's events. */
export function parseClientFrame(text: string): ClientEvent | undefined {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = ClientFrame.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
