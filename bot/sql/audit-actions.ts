/*
 * What people do with a citizen's data that the audit log records (issue 15 part 4). A file of its own
 * so the console's browser script can list them without importing the SQL store.
 */
export const AUDIT_ACTIONS = [
  'transcript.open', // a handoff's detail: its transcript and events
  'citizen.view', // the citizen 360 view (identities, conversations, tickets, handoffs)
  'search.open', // a search result opened
  'data.export', // a copy of a citizen's data produced
  'data.erase', // a citizen's data erased
  'audit.view', // the audit log itself read
  'audit.export', // the audit log exported as CSV
  'records.view', // a citizen looked up their own records in the city's systems (actor role `citizen`)
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];
