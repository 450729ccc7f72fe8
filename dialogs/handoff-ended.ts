/*
 * The event that tells the engine people let go of a conversation. In a file of its own: the handoff
 * service (every role) sends it without loading the dialog engine (see bot/turn-role.ts).
 */

/** The event activity's name (queued behind the citizen's messages). */
export const HANDOFF_ENDED = 'handoff.ended';

/** The event activity's value. */
export interface HandoffEnded {
  handoffId: string;
  team: string;
  /** released: back to the bot; closed: ask for satisfaction; expired: nobody claimed it in time. */
  outcome: 'released' | 'closed' | 'expired';
}
