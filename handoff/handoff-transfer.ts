import { AtCapacityError, BadTransferError, NotHolderError } from '../bot/errors';
import type { AgentView } from '../console/protocol';
import { t } from '../dialogs/i18n';
import { teamName } from '../dialogs/team-name';
import type { HandoffParts, HandoffServiceDeps } from './handoff-deps';
import type { Handoff } from './handoff-store';

/** Where a transfer goes: a team's queue, or straight to one of its agents; the note is for whoever takes it. */
export interface TransferTarget {
  team?: string;
  agentId?: string;
  note: string;
}

/** Moves a handoff to another team's queue or to another agent. */
export class HandoffTransfer {
  constructor(
    private readonly deps: HandoffServiceDeps,
    private readonly parts: Pick<HandoffParts, 'holds' | 'places' | 'notices' | 'feed' | 'steps'>,
  ) {}

  /**
   * To another team's queue, or straight to an agent (of that team), with a note for whoever takes it.
   * Only its holder, a supervisor of its team or an admin may move it (E_NOT_HOLDER otherwise).
   */
  async transfer(agent: AgentView, id: string, to: TransferTarget): Promise<Handoff> {
    const h = await this.parts.steps.require(id);
    const oversees = agent.role === 'admin' || (agent.role === 'supervisor' && agent.teams.includes(h.team));
    if (!oversees && (h.status !== 'assigned' || h.agentId !== agent.id)) {
      throw new NotHolderError('Solo quien atiende la conversación, o quien supervisa su equipo, puede transferirla.');
    }
    // A holder's transfer fails if the conversation was taken from them meanwhile.
    const from = oversees ? (['queued', 'assigned'] as const) : { statuses: ['assigned'] as const, heldBy: agent.id };
    const team = to.team ?? h.team;
    if (!this.deps.catalog.teams.some((x) => x.code === team)) throw new BadTransferError('Ese equipo no existe.');
    const now = new Date().toISOString();
    const event = { kind: 'transferred', agentId: agent.id, team, note: to.note };
    let moved: Handoff | undefined;
    if (to.agentId) {
      const target = await this.deps.agents.byId(to.agentId);
      if (!target || target.disabled || !target.teams.includes(team)) throw new BadTransferError('Esa persona no pertenece a ese equipo.');
      if (((await this.deps.store.loads()).get(target.id) ?? 0) >= target.maxConcurrent) {
        throw new AtCapacityError(`${target.name} ya atiende todas las conversaciones que puede.`);
      }
      moved = await this.deps.store.transition(id, from, 'assigned', { team, agent_id: target.id, claimed_at: now }, event);
      if (moved) {
        await this.deps.queues.remove(h.team, id);
        await this.parts.holds.set(moved);
        await this.parts.notices.send(moved, t(moved.locale, 'handoff.transferredAgent', { agent: target.name }));
      }
    } else {
      moved = await this.deps.store.transition(id, from, 'queued', { team, agent_id: null, queued_at: now, claimed_at: null }, event);
      if (moved) {
        await this.deps.queues.remove(h.team, id);
        await this.parts.places.forget(id);
        const position = await this.parts.steps.enqueue(moved);
        await this.parts.notices.send(moved, t(moved.locale, 'handoff.transferredTeam', { team: teamName(this.deps.catalog, team, moved.locale), position }));
      }
    }
    if (!moved) throw new NotHolderError('La conversación ya no está abierta.');
    await this.parts.feed.changed(moved, h.agentId);
    if (h.team !== team || h.status === 'queued') await this.parts.feed.queueMoved(h.team);
    return moved;
  }
}
