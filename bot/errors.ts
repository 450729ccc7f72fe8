/**
 * Every error this project raises on purpose. Branch on `instanceof` or `code`, never on message text.
 * Keep in sync with docs/errors.md (tests/bot/errors-docs.test.ts fails when they disagree).
 */
export abstract class AppError extends Error {
  abstract readonly code: `E_${string}`;
  abstract readonly retryable: boolean;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration (environment or catalog) is invalid; raised at boot, never mid-conversation. */
export class ConfigError extends AppError {
  readonly code = 'E_CONFIG';
  readonly retryable = false;
}

/** The ticket back office could not be reached or answered 5xx; the job will be retried. */
export class ConnectorUnavailableError extends AppError {
  readonly code = 'E_CONNECTOR_UNAVAILABLE';
  readonly retryable = true;
}

/** The back office refused the ticket (4xx-like); retrying will not help. */
export class TicketRejectedError extends AppError {
  readonly code = 'E_TICKET_REJECTED';
  readonly retryable = false;
}

/** A concurrent writer changed a stored item since it was read (botbuilder Storage eTag mismatch). */
export class ETagConflictError extends AppError {
  readonly code = 'E_ETAG_CONFLICT';
  readonly retryable = true;
}

/** An inbound payload failed validation at the edge (malformed webhook, bad activity). */
export class BadInputError extends AppError {
  readonly code = 'E_BAD_INPUT';
  readonly retryable = false;
}

/** A file a citizen sent is of a type we do not keep (or too large); the sender gets a clear answer. */
export class UnsupportedMediaError extends AppError {
  readonly code = 'E_UNSUPPORTED_MEDIA';
  readonly retryable = false;
}

/** A message names a conversation this bot does not know. */
export class UnknownConversationError extends AppError {
  readonly code = 'E_UNKNOWN_CONVERSATION';
  readonly retryable = false;
}

/** A channel is not registered in this process, or cannot deliver at all. */
export class ChannelUnavailableError extends AppError {
  readonly code = 'E_CHANNEL_UNAVAILABLE';
  readonly retryable = true;
}

/** The messaging platform refused a message (invalid recipient, bad request, bad credentials); retrying will not help. */
export class DeliveryRejectedError extends AppError {
  readonly code = 'E_DELIVERY_REJECTED';
  readonly retryable = false;
}

/** WhatsApp's 24-hour customer-service window is closed and no template message is configured to reopen it. */
export class ServiceWindowClosedError extends AppError {
  readonly code = 'E_SERVICE_WINDOW_CLOSED';
  readonly retryable = false;
}

/** The LLM classifier failed, timed out or answered outside the catalog. Hybrid mode falls back offline. */
export class ClassifierError extends AppError {
  readonly code = 'E_CLASSIFIER';
  readonly retryable = false;
}

/** Redis or the database did not answer at start. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'E_DEPENDENCY_UNAVAILABLE';
  readonly retryable = true;
}
