import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one process, served at /metrics. */
export class Metrics {
  readonly registry = new Registry();
  readonly turnSeconds = new Histogram({
    name: 'citybot_turn_duration_seconds',
    help: 'Time from a message entering the inbound queue to its replies entering the outbound queue',
    labelNames: ['channel'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly messages = new Counter({
    name: 'citybot_messages_total',
    help: 'Messages handled, by channel and direction',
    labelNames: ['channel', 'direction'],
    registers: [this.registry],
  });
  readonly tickets = new Counter({
    name: 'citybot_tickets_created_total',
    help: 'Tickets created, by service and procedure type',
    labelNames: ['service', 'type'],
    registers: [this.registry],
  });
  readonly queueDepth = new Gauge({
    name: 'citybot_queue_depth',
    help: 'Jobs in each queue, by state',
    labelNames: ['queue', 'state'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'citybot_' });
  }
}
