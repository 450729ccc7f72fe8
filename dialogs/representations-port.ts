import type { Representation, RepresentationRequest } from '../bot/sql/representation-store';

/**
 * Acting for someone else (issue 16 part 4), as the engine reaches it: bot/sql/representation-store's
 * RepresentationStore. Absent: nobody is offered to act for anyone, and nothing asks "¿Para quién es?".
 */
export interface RepresentationsPort {
  /** Records a request with its proof, pending an agent's decision (BadInputError past the pending limit). */
  request(r: RepresentationRequest): Promise<Representation>;
  /** How many of the representative's requests wait for a decision. */
  pendingCount(representativeId: string): Promise<number>;
  /** The approvals in force now (approved, not expired, not revoked): whom the citizen may act for. */
  activeFor(representativeId: string): Promise<Representation[]>;
  /** Everyone the citizen was ever approved to act for, by their citizen id: names their lists. */
  representedBy(representativeId: string): Promise<Map<string, string>>;
}
