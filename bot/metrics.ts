import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one process, served on its own port (bot/metrics-server.ts, METRICS_PORT), never
 * on the public one. Labels stay bounded: channel ids, error codes, team and service codes, route
 * patterns; never a conversation, a citizen, a ticket reference or an error's text.
 * deploy/grafana and deploy/prometheus use these names (tests/bot/metrics-names.test.ts keeps them in step).
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly r = [this.registry];

  // Turns
  readonly turnSeconds = new Histogram({
    name: 'citybot_turn_duration_seconds',
    help: 'Time from a message entering the inbound queue to its replies entering the outbound queue',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: this.r,
  });
  readonly turnsFailed = new Counter({
    name: 'citybot_turns_failed_total',
    help: 'Turn attempts that threw (the message goes back to the inbound queue and is tried again)',
    labelNames: ['channel'],
    registers: this.r,
  });
  readonly turnsDead = new Counter({
    name: 'citybot_turns_dead_total',
    help: 'Messages that failed every attempt: the citizen got an apology instead of an answer',
    labelNames: ['channel'],
    registers: this.r,
  });
  readonly messages = new Counter({
    name: 'citybot_messages_total',
    help: 'Messages handled, by channel and direction',
    labelNames: ['channel', 'direction'],
    registers: this.r,
  });

  // Channels and outbound deliveries
  readonly sendFailures = new Counter({
    name: 'citybot_channel_send_failures_total',
    help: 'Sends a channel refused or could not make, by error code (retryable ones are tried again)',
    labelNames: ['channel', 'code', 'retryable'],
    registers: this.r,
  });
  readonly deliveriesAbandoned = new Counter({
    name: 'citybot_deliveries_abandoned_total',
    help: 'Replies given up after every delivery attempt failed',
    labelNames: ['channel'],
    registers: this.r,
  });
  readonly channelUp = new Gauge({
    name: 'citybot_channel_up',
    help: 'Whether each channel of this process works (1) or is down (0), as /healthz/channels says',
    labelNames: ['channel'],
    registers: this.r,
  });
  readonly queueDepth = new Gauge({
    name: 'citybot_queue_depth',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: this.r,
  });

  // Tickets and back offices
  readonly tickets = new Counter({
    name: 'citybot_tickets_created_total',
    help: 'Tickets created, by service and procedure type',
    labelNames: ['service', 'type'],
    registers: this.r,
  });
  readonly backOfficeSubmits = new Counter({
    name: 'citybot_backoffice_submits_total',
    help: 'Delivery attempts to a back office, by connector kind and outcome (accepted, retry, rejected, gave_up)',
    labelNames: ['kind', 'outcome'],
    registers: this.r,
  });
  readonly reviewTickets = new Gauge({
    name: 'citybot_backoffice_review_tickets',
    help: 'Tickets the back office refused or never took, waiting for an agent to review them',
    registers: this.r,
  });
  readonly webhookRefusals = new Counter({
    name: 'citybot_webhook_refusals_total',
    help: 'Webhook requests refused for a missing or wrong signature or secret, by source and reason',
    labelNames: ['source', 'reason'],
    registers: this.r,
  });

  // Handoff to people
  readonly handoffsWaiting = new Gauge({
    name: 'citybot_handoffs_waiting',
    help: 'Citizens waiting in each team queue for an agent',
    labelNames: ['team'],
    registers: this.r,
  });
  readonly handoffClaimSeconds = new Histogram({
    name: 'citybot_handoff_claim_seconds',
    help: 'Time from a handoff entering its team queue to an agent claiming it',
    labelNames: ['team'],
    buckets: [5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200],
    registers: this.r,
  });
  readonly agentsOnline = new Gauge({
    name: 'citybot_agents_online',
    help: 'Enabled agents of each team with a console open and not away (seen in the last minutes)',
    labelNames: ['team'],
    registers: this.r,
  });
  readonly teamOpen = new Gauge({
    name: 'citybot_team_open',
    help: 'Whether each team is within its office hours now (1) or closed (0)',
    labelNames: ['team'],
    registers: this.r,
  });

  // Classification
  readonly classifications = new Counter({
    name: 'citybot_classifications_total',
    help: 'Messages classified, by outcome (classified or unclassified)',
    labelNames: ['outcome'],
    registers: this.r,
  });
  readonly classificationConfidence = new Histogram({
    name: 'citybot_classification_confidence',
    help: 'Confidence of the chosen service, 0..1',
    buckets: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1],
    registers: this.r,
  });
  readonly llmSeconds = new Histogram({
    name: 'citybot_llm_request_duration_seconds',
    help: 'Time of each language-model classification call, by outcome (ok or failed)',
    labelNames: ['outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30],
    registers: this.r,
  });
  readonly llmFallbacks = new Counter({
    name: 'citybot_llm_fallbacks_total',
    help: 'Classifications that fell back to the offline answer because the model failed (error) or was not asked (skipped: allowance spent, breaker open)',
    labelNames: ['reason'],
    registers: this.r,
  });

  // HTTP and WebSocket
  readonly httpRequests = new Counter({
    name: 'citybot_http_requests_total',
    help: 'HTTP requests on the public port, by method, route pattern and status class',
    labelNames: ['method', 'route', 'status'],
    registers: this.r,
  });
  readonly httpSeconds = new Histogram({
    name: 'citybot_http_request_duration_seconds',
    help: 'HTTP request time on the public port, by method and route pattern',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: this.r,
  });
  readonly wsConnections = new Gauge({
    name: 'citybot_websocket_connections',
    help: 'Open WebSocket connections, by endpoint (directline, console)',
    labelNames: ['endpoint'],
    registers: this.r,
  });
  readonly wsMessages = new Counter({
    name: 'citybot_websocket_messages_total',
    help: 'WebSocket messages, by endpoint and direction (in, out)',
    labelNames: ['endpoint', 'direction'],
    registers: this.r,
  });

  /** `defaults`: Node's own metrics (process_*, nodejs_*), unprefixed as stock dashboards expect. @defaultValue true */
  constructor(options: { defaults?: boolean } = {}) {
    if (options.defaults !== false) collectDefaultMetrics({ register: this.registry });
  }
}
