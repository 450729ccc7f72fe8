import type { TicketState } from '../connector';

/**
 * Words in `status_notes` that mean a closed request was turned down rather than fixed, in the
 * languages our cities write in (es, ca, en). GeoReport v2 only has `open` and `closed`, so the
 * notes are the one place a back office says "duplicate" or "not our competence".
 * Used with `RegExp.test`, so give it no `g` flag (a global regex remembers where it stopped).
 */
export const DEFAULT_REJECTED_NOTES =
  /\b(reject|rechaz|rebutj|denied|deneg|desestim|duplicat|duplicad|inv[aà]lid|no procede|no competen)/i;

/**
 * Maps a GeoReport status to ours:
 * - `open` → `open` (the spec cannot say more; we do not guess "in progress" from notes);
 * - `closed` → `resolved`, or `rejected` when `status_notes` match `rejectedNotes`;
 * - statuses some servers add beyond the spec: `acknowledged`/`in_progress`/`in progress`/`assigned`
 *   → `in_progress`, `rejected`/`declined`/`invalid` → `rejected`, `resolved`/`fixed` → `resolved`;
 * - anything else → `open`, since an unknown status is not evidence that work is done.
 *
 * `closed` never maps to our `closed`: ours means "closed by the citizen's side / archived", while a
 * GeoReport `closed` is the back office finishing the work, which the citizen reads as resolved.
 */
export function toTicketState(status: string, notes?: string, rejectedNotes: RegExp = DEFAULT_REJECTED_NOTES): TicketState {
  const s = status.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (s === 'closed') return notes && rejectedNotes.test(notes) ? 'rejected' : 'resolved';
  if (['acknowledged', 'in_progress', 'assigned', 'in_process'].includes(s)) return 'in_progress';
  if (['rejected', 'declined', 'invalid'].includes(s)) return 'rejected';
  if (['resolved', 'fixed', 'completed'].includes(s)) return 'resolved';
  return 'open';
}
