import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { GeoPoint } from '../connectors/connector';

/** Where the citizen said they are, or a report was about, earlier in this conversation. */
export interface KnownPlace {
  point: GeoPoint;
  /** The words it was given in ("Plaza del Ayuntamiento"); absent for a shared pin. */
  label?: string;
}

/** `ctx.turnState` key of the conversation's KnownPlace property (set by the engine each turn). */
export const KNOWN_PLACE = 'citybot.knownPlace';

/*
 * Kept in conversation state (erased with it, see privacy/erase-redis.ts), so that a booking after a
 * report, or a second booking, can list the nearest office first without asking where again.
 */

/** The place last given in this conversation, if any. */
export async function knownPlaceOf(ctx: TurnContext): Promise<KnownPlace | undefined> {
  const accessor = ctx.turnState.get(KNOWN_PLACE) as StatePropertyAccessor<KnownPlace | undefined> | undefined;
  return accessor?.get(ctx);
}

/** Remembers the place the citizen just gave (a pin, a geocoded address); the latest wins. */
export async function rememberPlace(ctx: TurnContext, place: KnownPlace): Promise<void> {
  const accessor = ctx.turnState.get(KNOWN_PLACE) as StatePropertyAccessor<KnownPlace | undefined> | undefined;
  await accessor?.set(ctx, place.label ? { point: place.point, label: place.label } : { point: place.point });
}
