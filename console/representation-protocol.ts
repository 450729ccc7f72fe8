/**
 * The JSON of the console's review of requests to act for someone else (console/representation-routes.ts),
 * shared by the server and the browser app (which imports types only). Described in docs/openapi/console.yaml.
 *
 * - `GET /console/api/representations` → RepresentationList: the pending requests, oldest first
 * - `GET /console/api/representations/:id/proof` → 303 to the proof file (a short-lived signed link), recorded
 *   in the audit log as `citizen.view` of the representative
 * - `POST /console/api/representations/:id/approve` `{ expiresOn: 'YYYY-MM-DD' }` → RepresentationDecision
 * - `POST /console/api/representations/:id/refuse` `{ reason }` → RepresentationDecision
 * Supervisors and admins only; the representative is told the decision on the channel they asked from.
 */

/** One pending request to act for someone else. */
export interface RepresentationItem {
  id: string;
  /** The verified citizen who asks to act. */
  representativeId: string;
  /** The person they would act for, as they named them (check it against the proof). */
  representedName: string;
  relationship: 'family' | 'social-services' | 'legal' | 'other';
  channel: string;
  createdAt: string;
}

export interface RepresentationList {
  items: RepresentationItem[];
}

export interface RepresentationDecision {
  status: 'approved' | 'refused';
  /** Until when an approval is in force (the end of `expiresOn`, UTC). */
  expiresAt?: string;
}
