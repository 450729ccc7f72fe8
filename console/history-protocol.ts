/**
 * The JSON of the console's history of ended conversations (console/history-routes.ts), shared by the
 * server and the browser app (which imports types only). Described in docs/openapi/console.yaml.
 *
 * - `GET /console/api/history?team=&agentId=&service=&channel=&from=&to=&rating=&cursor=&limit=` → HistoryPage
 *   what the caller may see only; opening one is `GET /handoffs/:id` (read-only, recorded in the audit log)
 */

/** One conversation a person attended and ended (closed, or given back to the bot). */
export interface HistoryItem {
  handoffId: string;
  conversationKey: string;
  channel: string;
  team: string;
  status: 'closed' | 'released';
  agentId?: string;
  agentName?: string;
  citizenName?: string;
  service?: string;
  resolution?: string;
  /** The citizen's satisfaction score, 1 to 5, when they gave one. */
  rating?: number;
  createdAt: string;
  endedAt: string;
}

export interface HistoryPage {
  items: HistoryItem[];
  /** Present when there may be more: pass it as `cursor`. */
  nextCursor?: string;
}
