import { createHash } from 'node:crypto';

/*
 * The audit log's hash chain: hash_n = SHA-256(hash_{n-1} || canonical(entry_n)), hex, with 64 zeros
 * before the first entry. Altering a stored field breaks that entry's hash; deleting, inserting or
 * reordering entries breaks the link of the entry after. A chain alone cannot show that its newest
 * entries were cut off: `npm run audit:verify` prints the head hash so it can be kept elsewhere.
 *
 * Read this before changing: the canonical form is what every stored hash was computed over. Changing
 * it (field order, encoding, a new field) makes every existing log fail verification.
 */

/** The hash before the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

/** The fields of an entry that its hash covers: everything stored but the hash itself. */
export interface ChainedFields {
  seq: number;
  /** ISO 8601, UTC. */
  at: string;
  agentId: string;
  agentRole: string;
  action: string;
  citizenId: string | null;
  conversationId: string | null;
  handoffId: string | null;
  ticketReference: string | null;
  ip: string | null;
  /** JSON counts that go with some entries (data.erase: what was removed); absent or null for most. */
  detail?: string | null;
}

/**
 * A JSON array in a fixed order: unambiguous (strings are quoted and escaped), and the same on every
 * platform. `detail` came later: it is appended only when present, so entries without it keep the
 * hashes they were stored with.
 */
export function canonical(e: ChainedFields): string {
  const fields: unknown[] = [e.seq, e.at, e.agentId, e.agentRole, e.action, e.citizenId, e.conversationId, e.handoffId, e.ticketReference, e.ip];
  if (e.detail !== undefined && e.detail !== null) fields.push(e.detail);
  return JSON.stringify(fields);
}

/** The hash of an entry following the one whose hash is `previous`. */
export function chainHash(previous: string, e: ChainedFields): string {
  return createHash('sha256').update(previous).update(canonical(e)).digest('hex');
}
