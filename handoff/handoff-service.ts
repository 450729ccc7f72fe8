import type { Activity } from 'botbuilder';
import type { ConversationKey } from '../bot/conversation-key';
import type { AgentView, ConsoleMessage, HandoffView, QueueItem } from '../console/protocol';
// Not '../dialogs' (the engine's index): every role has this service, and only turn processes load the engine.
import type { ForwardFlags, HandoffOutcome, HandoffPort, HandoffRequest, Hold } from '../dialogs';
import { CitizenNotices } from '../queues/citizen-notices';
import { AgentActions } from './agent-actions';
import { CitizenHandoffs } from './citizen-handoffs';
import type { HandoffServiceDeps } from './handoff-deps';
import { HandoffFeed } from './handoff-feed';
import { HandoffMaintenance } from './handoff-maintenance';
import { HandoffSteps } from './handoff-steps';
import type { Handoff } from './handoff-store';
import { HandoffTransfer, type TransferTarget } from './handoff-transfer';
import { HandoffViews } from './handoff-views';
import { Holds } from './holds';
import { QueuePlaces } from './queue-places';
import { QueuePreviews } from './queue-previews';

export type { HandoffServiceDeps } from './handoff-deps';

/**
 * The life of a handoff, from the bot's request to a person's close. Every state change is decided in
 * SQL first (conditional updates: one winner), then mirrored to Redis (the hold the engine reads on
 * every turn, the team's BullMQ queue), told to the citizen on their channel, and pushed to consoles.
 *
 * Read this before changing: the engine stays silent while `hold:<conversation>` exists, so every path
 * that ends a handoff must delete it, and every path that starts or re-queues one must set it. Holds are
 * leases (handoff/holds): one left behind by a failure heals (see `sweep`, `forward`, `rebuild`).
 *
 * This class is the one entry point; the work is in its parts: the citizen's side (citizen-handoffs),
 * the agents' actions (agent-actions, handoff-transfer), time and repair (handoff-maintenance), what
 * consoles see (handoff-views, handoff-feed) and the steps they share (handoff-steps).
 */
export class HandoffService implements HandoffPort {
  readonly notices: CitizenNotices;
  /** A photo URL as the console shows it (see HandoffServiceDeps.mediaUrl). */
  readonly consoleMediaUrl: (url: string) => string;
  private readonly views: HandoffViews;
  private readonly steps: HandoffSteps;
  private readonly citizens: CitizenHandoffs;
  private readonly agentActions: AgentActions;
  private readonly transfers: HandoffTransfer;
  private readonly maintenance: HandoffMaintenance;

  constructor(deps: HandoffServiceDeps) {
    const notices = new CitizenNotices(deps);
    const places = new QueuePlaces(deps);
    const holds = new Holds(deps.redis, deps.prefix, deps.holdLeaseMs);
    const previews = new QueuePreviews(deps.redis, deps.prefix);
    const views = new HandoffViews(deps, previews);
    const feed = new HandoffFeed(deps, { notices, places, views });
    const steps = new HandoffSteps(deps, { holds, places, previews, feed });
    const parts = { notices, places, holds, previews, views, feed, steps };
    this.notices = notices;
    this.views = views;
    this.steps = steps;
    this.consoleMediaUrl = views.consoleMediaUrl;
    this.citizens = new CitizenHandoffs(deps, parts);
    this.agentActions = new AgentActions(deps, parts);
    this.transfers = new HandoffTransfer(deps, parts);
    this.maintenance = new HandoffMaintenance(deps, parts);
  }

  // ---- the engine's side (HandoffPort): citizen-handoffs ----

  holdOf(channel: string, conversationId: string): Promise<Hold | undefined> { return this.citizens.holdOf(channel, conversationId); }
  request(req: HandoffRequest): Promise<HandoffOutcome> { return this.citizens.request(req); }
  leave(hold: Hold): Promise<void> { return this.citizens.leave(hold); }
  forward(hold: Hold, activity: Partial<Activity>, flags?: ForwardFlags): Promise<void> { return this.citizens.forward(hold, activity, flags); }
  recordSatisfaction(handoffId: string, score: number, comment?: string): Promise<void> { return this.citizens.recordSatisfaction(handoffId, score, comment); }
  ticketFiled(handoffId: string | undefined, reference: string): Promise<void> { return this.citizens.ticketFiled(handoffId, reference); }

  // ---- the agents' side (the console API calls these after checking the agent may see the handoff) ----

  claim(agent: AgentView, id: string): Promise<Handoff> { return this.agentActions.claim(agent, id); }
  /** The team the bot's own conversations belong to (AgentActions.botConversationsTeam). */
  get botConversationsTeam(): string { return this.agentActions.botConversationsTeam; }
  pull(agent: AgentView, conversationKey: ConversationKey): Promise<Handoff> { return this.agentActions.pull(agent, conversationKey); }
  reply(agent: AgentView, id: string, text: string): Promise<ConsoleMessage> { return this.agentActions.reply(agent, id, text); }
  replyWithFile(...args: Parameters<AgentActions['replyWithFile']>): Promise<ConsoleMessage> { return this.agentActions.replyWithFile(...args); }
  note(agent: AgentView, id: string, text: string): Promise<void> { return this.agentActions.note(agent, id, text); }
  typing(agent: AgentView, id: string): Promise<void> { return this.agentActions.typing(agent, id); }
  transfer(agent: AgentView, id: string, to: TransferTarget): Promise<Handoff> { return this.transfers.transfer(agent, id, to); }
  release(agent: AgentView, id: string): Promise<Handoff> { return this.agentActions.release(agent, id); }
  close(agent: AgentView, id: string, resolution: string): Promise<Handoff> { return this.agentActions.close(agent, id, resolution); }

  // ---- time and repair (HandoffTimers and the start call these): handoff-maintenance ----

  expire(id: string, queuedAt: string): Promise<void> { return this.maintenance.expire(id, queuedAt); }
  returnAbsentAgents(now = Date.now()): Promise<number> { return this.maintenance.returnAbsentAgents(now); }
  sweep(now = Date.now()): Promise<void> { return this.maintenance.sweep(now); }
  renewHolds(): Promise<number> { return this.maintenance.renewHolds(); }
  rebuild(): Promise<void> { return this.maintenance.rebuild(); }

  // ---- views for the console: handoff-views ----

  view(h: Handoff): Promise<HandoffView> { return this.views.view(h); }
  queueOf(team: string): Promise<QueueItem[]> { return this.views.queueOf(team); }
  require(id: string): Promise<Handoff> { return this.steps.require(id); }
}
