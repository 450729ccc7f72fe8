import type { Metrics } from '../bot/metrics';
import type { Connector } from './connector';

/** Wraps a connector so every ticket it files is counted by service and type in /metrics. */
export function countedConnector(inner: Connector, metrics: Metrics): Connector {
  return {
    kind: inner.kind,
    getStatus: (reference) => inner.getStatus(reference),
    ...(inner.listForCitizen ? { listForCitizen: (citizenId: string) => inner.listForCitizen!(citizenId) } : {}),
    async createTicket(draft, key) {
      const ref = await inner.createTicket(draft, key);
      metrics.tickets.inc({ service: draft.service, type: draft.type });
      return ref;
    },
  };
}
