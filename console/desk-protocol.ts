import type { HandoffView } from './protocol';

/**
 * The JSON of the supervisors' desk (console/desk-routes.ts), shared by the server and the browser app
 * (which imports types only). Described in docs/openapi/console.yaml.
 *
 * - `GET /console/api/supervisor/desk` → DeskAnswer   supervisors: their teams; admins: every team
 * Reassigning a conversation is `POST /handoffs/:id/transfer` (a supervisor of its team, or an admin).
 */

/** A conversation still with people (waiting or held), as the supervisor watches it. */
export interface DeskItem extends HandoffView {
  /** Seconds the citizen waited, or is waiting, for a person (queued until claimed). */
  waitingSeconds: number;
  /** The wait passed the team's first-response target. */
  overTarget: boolean;
  /** The conversation's latest line (plain text: render it as text, never as HTML). */
  lastMessage?: { from: 'citizen' | 'bot' | 'agent'; text: string; at: string };
}

export interface DeskTeam {
  code: string;
  name: string;
  firstResponseTargetSeconds: number;
  waiting: number;
  held: number;
  /** Waiting or held conversations whose wait passed the target. */
  overTarget: number;
}

export interface DeskAnswer {
  teams: DeskTeam[];
  /** Longest wait first. */
  items: DeskItem[];
}
