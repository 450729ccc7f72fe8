import { DEFAULT_FIRST_RESPONSE_TARGET_SECONDS, type Team } from '../catalog/schema';
import type { Handoff } from './handoff-store';

/** The team's first-response target in seconds (catalog `firstResponseTargetSeconds`, else the default). */
export function firstResponseTargetOf(team: Pick<Team, 'firstResponseTargetSeconds'> | undefined): number {
  return team?.firstResponseTargetSeconds ?? DEFAULT_FIRST_RESPONSE_TARGET_SECONDS;
}

/**
 * How long the citizen waited, or is still waiting, for a person: from entering the queue (a transfer
 * re-queues) until an agent took the conversation. Taking it is the first response: the citizen is told
 * at once who is with them (handoff.claimed).
 */
export function firstResponseWaitSeconds(h: Pick<Handoff, 'queuedAt' | 'claimedAt'>, now: Date): number {
  return Math.max(0, Math.round(((h.claimedAt ?? now).getTime() - h.queuedAt.getTime()) / 1_000));
}
