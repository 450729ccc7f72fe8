/**
 * The JSON of the console's search (console/search-routes.ts), shared by the server and the browser app
 * (which imports types only). Described in docs/openapi/console.yaml.
 *
 * - `GET  /console/api/search?q=&cursor=&limit=` → SearchAnswer    what the caller may see only
 * - `POST /console/api/search/open` {handoffId} → { handoffId }   recorded in the audit log as
 *   `search.open`; 404 E_NOT_FOUND for a handoff the caller may not see
 */

/** What a result is about: the list it was in. */
export type SearchResultKind = 'conversation' | 'citizen' | 'ticket';

export interface SearchConversation {
  conversationKey: string;
  channel: string;
  citizenId: string;
  citizenName?: string;
  /** The matching transcript line, cut around the first word searched. */
  snippet: string;
  direction: 'in' | 'out';
  at: string;
  /** Its latest handoff the caller may see (what opening it shows); absent when it never reached a person. */
  handoffId?: string;
}

export interface SearchCitizen {
  citizenId: string;
  name?: string;
  matched: 'name' | 'phone' | 'email';
  handoffId?: string;
}

export interface SearchTicket {
  reference: string;
  service: string;
  type: string;
  status: string;
  citizenId: string;
  conversationKey: string;
  createdAt: string;
  matched: 'reference' | 'phone' | 'email';
  handoffId?: string;
}

export interface SearchAnswer {
  conversations: SearchConversation[];
  /** First page only. */
  citizens: SearchCitizen[];
  /** First page only. */
  tickets: SearchTicket[];
  /** More conversations: pass it back as `cursor`. */
  nextCursor?: string;
}

export interface SearchOpen {
  /** The `handoffId` of the result. */
  handoffId: string;
}
