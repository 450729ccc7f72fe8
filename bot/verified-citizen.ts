import { VERIFIED_CHANNEL } from './identity/oidc-sign-in';
import type { HistoryStore } from './sql/history-store';

/**
 * Whether a citizen has proved who they are with the city's identity provider: after an OpenID Connect
 * sign-in their citizen holds an identity under the pseudo-channel `oidc` (bot/identity/oidc-sign-in.ts),
 * and keeps it through merges. What the engine's IdentityPort answers to `verified`.
 */
export function verifiedCitizen(history: Pick<HistoryStore, 'identitiesOf'>): (citizenId: string) => Promise<boolean> {
  return async (citizenId) => (await history.identitiesOf(citizenId)).some((i) => i.channel === VERIFIED_CHANNEL);
}
