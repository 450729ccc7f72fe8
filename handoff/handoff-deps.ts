import type { Redis } from 'ioredis';
import type { Ingest } from '../bot/channel';
import type { ChannelRegistry } from '../bot/channel-registry';
import type { Clock } from '../bot/clock';
import type { Logger } from '../bot/logger';
import type { Metrics } from '../bot/metrics';
import type { HistoryStore } from '../bot/sql/history-store';
import type { Catalog } from '../catalog/schema';
import type { AgentView } from '../console/protocol';
import type { CitizenNotices } from '../queues/citizen-notices';
import type { ConsoleBus } from './console-bus';
import type { HandoffFeed } from './handoff-feed';
import type { HandoffSteps } from './handoff-steps';
import type { Handoff, HandoffStore } from './handoff-store';
import type { HandoffTimers } from './handoff-timers';
import type { HandoffViews } from './handoff-views';
import type { Holds } from './holds';
import type { Presence } from './presence';
import type { QueuePlaces } from './queue-places';
import type { QueuePreviews } from './queue-previews';
import type { TeamQueues } from './team-queues';

export interface HandoffServiceDeps {
  store: HandoffStore;
  queues: TeamQueues;
  timers: HandoffTimers;
  presence: Presence;
  bus: ConsoleBus;
  redis: Redis;
  prefix: string;
  catalog: Catalog;
  outbound: ConstructorParameters<typeof CitizenNotices>[0]['outbound'];
  history: HistoryStore;
  /** Tells the engine (through the conversation's inbound mailbox) that people let go. */
  ingest: Ingest;
  channels: ChannelRegistry;
  agents: { byId(id: string): Promise<AgentView | undefined> };
  log: Logger;
  /**
   * Our media URLs as an agent's browser may load them (signed, expiring: `GET /media/<name>` needs a
   * signature or the web chat conversation's token). Only views that passed the console's checks use it.
   * @defaultValue unchanged URLs
   */
  mediaUrl?: (url: string) => string;
  /** "Now" for office hours (tests pin the day); the system clock by default. */
  clock?: Clock;
  /** How long a hold lives unless the sweep renews it. @defaultValue HOLD_LEASE_MS (handoff/holds) */
  holdLeaseMs?: number;
  /** Times each claim from the queue, per team (citybot_handoff_claim_seconds). */
  metrics?: Pick<Metrics, 'handoffClaimSeconds'>;
  /** After a handoff ended (closed, released, expired, cancelled): what lives only as long as it does, a video call. */
  onEnded?: (h: Handoff) => Promise<void>;
}

/**
 * The helpers HandoffService builds once from its deps and lends to its parts (the citizen's side, the
 * agents' actions, the maintenance). Each part names the ones it uses.
 */
export interface HandoffParts {
  notices: CitizenNotices;
  places: QueuePlaces;
  holds: Holds;
  previews: QueuePreviews;
  views: HandoffViews;
  feed: HandoffFeed;
  steps: HandoffSteps;
}
