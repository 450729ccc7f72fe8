import type { HandoffView, Me } from '../protocol';
import type { Api } from './api';

/** What every view of the signed-in console needs: the API, who I am, and name look-ups. */
export interface Ctx {
  api: Api;
  me: Me;
  teamName(code: string): string;
  serviceName(code: string): string;
  /** The team's first-response target in seconds: longer waits are marked "Fuera de objetivo". */
  responseTarget(team: string): number;
  /** True when I hold the conversation: only then may I reply, transfer, release or close. */
  holds(handoff: HandoffView): boolean;
}

export function createCtx(api: Api, me: Me): Ctx {
  const teams = new Map(me.teams.map((t) => [t.code, t.name]));
  const targets = new Map(me.teams.map((t) => [t.code, t.firstResponseTargetSeconds]));
  const services = new Map(me.services.map((s) => [s.code, s.name]));
  return {
    api,
    me,
    teamName: (code) => teams.get(code) ?? code,
    serviceName: (code) => services.get(code) ?? code,
    // 120 s is the catalog's default (DEFAULT_FIRST_RESPONSE_TARGET_SECONDS), for a team the list lacks.
    responseTarget: (code) => targets.get(code) ?? 120,
    holds: (h) => h.status === 'assigned' && h.agentId === me.agent.id,
  };
}
