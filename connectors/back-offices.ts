import type { Config } from '../bot/config';
import { ConfigError } from '../bot/errors';
import type { Catalog } from '../catalog/schema';
import type { BackOffice } from './back-office';
import type { ConnectorKind } from './connector';
import { Open311Client } from './open311/open311-client';
import { WebhookClient } from './webhook/webhook-client';

export interface BackOffices {
  /** Which back office holds each service's tickets of record. */
  routeOf(service: string): ConnectorKind;
  /** The external ones in use, by kind. */
  offices: ReadonlyMap<ConnectorKind, BackOffice>;
  /** The Open311 client, when a service uses it. */
  open311?: Open311Client;
}

/**
 * The back offices the catalog's services use (`connector.kind`), or the one TICKET_CONNECTOR names for
 * all of them. A service routed to a back office with no configuration stops the start, naming the variable.
 */
export function backOfficesFor(config: Config, catalog: Catalog): BackOffices {
  const routes = new Map(catalog.services.map((s) => [s.code, config.TICKET_CONNECTOR ?? s.connector.kind]));
  const used = new Set(routes.values());
  const offices = new Map<ConnectorKind, BackOffice>();
  let open311: Open311Client | undefined;
  if (used.has('open311')) {
    if (!config.OPEN311_ENDPOINT) throw new ConfigError('invalid environment:\n  OPEN311_ENDPOINT: required when a service uses the open311 connector');
    offices.set('open311', open311 = new Open311Client({
      endpoint: config.OPEN311_ENDPOINT, format: config.OPEN311_FORMAT, timeoutMs: config.BACK_OFFICE_TIMEOUT_MS,
      ...(config.OPEN311_API_KEY ? { apiKey: config.OPEN311_API_KEY } : {}),
      ...(config.OPEN311_JURISDICTION_ID ? { jurisdictionId: config.OPEN311_JURISDICTION_ID } : {}),
    }));
  }
  if (used.has('webhook')) {
    if (!config.WEBHOOK_URL || !config.WEBHOOK_SECRET) throw new ConfigError('invalid environment:\n  WEBHOOK_URL, WEBHOOK_SECRET: required when a service uses the webhook connector');
    offices.set('webhook', new WebhookClient({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET, timeoutMs: config.BACK_OFFICE_TIMEOUT_MS }));
  }
  return { routeOf: (service) => routes.get(service) ?? 'builtin', offices, ...(open311 ? { open311 } : {}) };
}
