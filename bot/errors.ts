/**
 * Every error this project raises on purpose. Branch on `instanceof` or `code`, never on message text.
 * Keep in sync with docs/errors.md (tests/bot/errors-docs.test.ts fails when they disagree).
 * No error code is defined anywhere else: a new one is a class here and a row there.
 */
export abstract class AppError extends Error {
  abstract readonly code: `E_${string}`;
  abstract readonly retryable: boolean;
  /**
   * The HTTP status an answer carrying this error has, wherever it is answered (console, web chat,
   * webhooks): the one error-to-status mapping, read through `httpStatusOf` in bot/http-status.ts.
   */
  abstract readonly httpStatus: number;
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Configuration (environment or catalog) is invalid; raised at boot, never mid-conversation. */
export class ConfigError extends AppError {
  readonly code = 'E_CONFIG';
  readonly retryable = false;
  readonly httpStatus = 500;
}

/** The ticket back office could not be reached or answered 5xx; the job will be retried. */
export class ConnectorUnavailableError extends AppError {
  readonly code = 'E_CONNECTOR_UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The back office refused the ticket (4xx-like); retrying will not help. */
export class TicketRejectedError extends AppError {
  readonly code = 'E_TICKET_REJECTED';
  readonly retryable = false;
  readonly httpStatus = 422;
}

/** A concurrent writer changed a stored item since it was read (botbuilder Storage eTag mismatch). */
export class ETagConflictError extends AppError {
  readonly code = 'E_ETAG_CONFLICT';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** An inbound payload failed validation at the edge (malformed webhook, bad activity). */
export class BadInputError extends AppError {
  readonly code = 'E_BAD_INPUT';
  readonly retryable = false;
  readonly httpStatus = 400;
}

/** A file a citizen sent is of a type we do not keep (or too large); the sender gets a clear answer. */
export class UnsupportedMediaError extends AppError {
  readonly code = 'E_UNSUPPORTED_MEDIA';
  readonly retryable = false;
  readonly httpStatus = 415;
}

/** Agent console: a file for the citizen is larger than the console sends; nothing of it is stored. */
export class FileTooLargeError extends AppError {
  readonly code = 'E_FILE_TOO_LARGE';
  readonly retryable = false;
  readonly httpStatus = 413;
}

/**
 * A download URL points outside the hosts we trust with a credential (WhatsApp Cloud: Graph's API host
 * and Meta's media CDN); the token is not sent and retrying will not help.
 */
export class UntrustedMediaUrlError extends AppError {
  readonly code = 'E_UNTRUSTED_MEDIA_URL';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/** A message names a conversation this bot does not know. */
export class UnknownConversationError extends AppError {
  readonly code = 'E_UNKNOWN_CONVERSATION';
  readonly retryable = false;
  readonly httpStatus = 404;
}

/** A channel is not registered in this process, or cannot deliver at all. */
export class ChannelUnavailableError extends AppError {
  readonly code = 'E_CHANNEL_UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The messaging platform refused a message (invalid recipient, bad request, bad credentials); retrying will not help. */
export class DeliveryRejectedError extends AppError {
  readonly code = 'E_DELIVERY_REJECTED';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/** WhatsApp's 24-hour customer-service window is closed and no template message is configured to reopen it. */
export class ServiceWindowClosedError extends AppError {
  readonly code = 'E_SERVICE_WINDOW_CLOSED';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** The LLM classifier failed, timed out or answered outside the catalog. Hybrid mode falls back offline. */
export class ClassifierError extends AppError {
  readonly code = 'E_CLASSIFIER';
  readonly retryable = false;
  readonly httpStatus = 502;
}

/**
 * A model call was not made or not used: the citizen's hourly LLM allowance is spent, the circuit
 * breaker is open after provider failures, or the answer was too large. Callers fall back offline.
 */
export class LlmUnavailableError extends AppError {
  readonly code = 'E_LLM_UNAVAILABLE';
  readonly retryable = false;
  readonly httpStatus = 503;
}

/** Redis or the database did not answer at start. */
export class DependencyUnavailableError extends AppError {
  readonly code = 'E_DEPENDENCY_UNAVAILABLE';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** A password for the agent console is too short (under 10 characters) or too long (over 256). */
export class WeakPasswordError extends AppError {
  readonly code = 'E_WEAK_PASSWORD';
  readonly retryable = false;
  readonly httpStatus = 400;
}

/** Agent console login refused: unknown e-mail, wrong password or disabled agent (one message for all three). */
export class LoginFailedError extends AppError {
  readonly code = 'E_LOGIN';
  readonly retryable = false;
  readonly httpStatus = 401;
}

/** An agent console request has no valid session (no cookie, expired, logged out, or the agent was disabled). */
export class UnauthenticatedError extends AppError {
  readonly code = 'E_UNAUTHENTICATED';
  readonly retryable = false;
  readonly httpStatus = 401;
}

/** The agent is logged in but their role does not allow this. */
export class ForbiddenError extends AppError {
  readonly code = 'E_FORBIDDEN';
  readonly retryable = false;
  readonly httpStatus = 403;
}

/** A state-changing console request lacks the session's `x-csrf-token`, or carries another one. */
export class CsrfError extends AppError {
  readonly code = 'E_CSRF';
  readonly retryable = false;
  readonly httpStatus = 403;
}

/** A console request or WebSocket upgrade came from a page of another origin. */
export class OriginRejectedError extends AppError {
  readonly code = 'E_ORIGIN';
  readonly retryable = false;
  readonly httpStatus = 403;
}

/** Too many attempts (console logins); `retryAfterSeconds` says when to try again. */
export class RateLimitedError extends AppError {
  readonly code = 'E_RATE_LIMITED';
  readonly retryable = true;
  readonly httpStatus = 429;
  constructor(message: string, readonly retryAfterSeconds = 60, options?: ErrorOptions) {
    super(message, options);
  }
}

/** An agent with this e-mail already exists. */
export class AgentExistsError extends AppError {
  readonly code = 'E_AGENT_EXISTS';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** No agent has this id. */
export class UnknownAgentError extends AppError {
  readonly code = 'E_UNKNOWN_AGENT';
  readonly retryable = false;
  readonly httpStatus = 404;
}

/**
 * A queue worker lost a conversation's lock (it stalled past the lock's expiry and another worker took
 * over): its turn is discarded (nothing committed, sent or removed from the queue). See bot/fence.ts.
 */
export class LockLostError extends AppError {
  readonly code = 'E_LOCK_LOST';
  readonly retryable = false;
  readonly httpStatus = 500;
}

/**
 * A held message found its hold stale: SQL says the handoff ended (its hold survived a Redis failure).
 * The hold is dropped and the message runs again, so the bot answers it. See handoff/holds.ts.
 */
export class StaleHoldError extends AppError {
  readonly code = 'E_STALE_HOLD';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** The back office has not given an id for an Open311 token yet: the delivery asks again later (a retry, not a failure). */
export class NotYetError extends AppError {
  readonly code = 'E_NOT_YET';
  readonly retryable = true;
  readonly httpStatus = 503;
}

/** Agent console: another agent claimed this conversation first. */
export class AlreadyClaimedError extends AppError {
  readonly code = 'E_ALREADY_CLAIMED';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: the agent (or the transfer's target) already holds as many conversations as they may. */
export class AtCapacityError extends AppError {
  readonly code = 'E_AT_CAPACITY';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: the agent does not hold this conversation (any more), or the ticket is not awaiting review. */
export class NotHolderError extends AppError {
  readonly code = 'E_NOT_HOLDER';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/**
 * Agent console: no handoff, ticket or conversation with this id that this agent may see. What another
 * team's agent may not see answers the same as what does not exist, so nothing leaks.
 */
export class NotFoundError extends AppError {
  readonly code = 'E_NOT_FOUND';
  readonly retryable = false;
  readonly httpStatus = 404;
}

/** Agent console: a transfer (or a ticket) names a team, agent or service that does not exist or does not fit. */
export class BadTransferError extends AppError {
  readonly code = 'E_BAD_TRANSFER';
  readonly retryable = false;
  readonly httpStatus = 400;
}

/** Agent console: a conversation an agent wants to pull from the bot is already held by a person. */
export class AlreadyHeldError extends AppError {
  readonly code = 'E_ALREADY_HELD';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: a correction of a handoff whose citizen described nothing, so there is no text to learn from. */
export class NothingToLearnError extends AppError {
  readonly code = 'E_NO_TEXT';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: video calls are not set up on this server (VIDEO_JITSI_URL is not set). */
export class VideoUnavailableError extends AppError {
  readonly code = 'E_VIDEO_UNAVAILABLE';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: there is no video call in progress in this conversation to end. */
export class NoVideoCallError extends AppError {
  readonly code = 'E_NO_VIDEO_CALL';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Agent console: an erasure cannot go ahead: its request was already decided, or the citizen is still in a conversation with a person. */
export class ErasureBlockedError extends AppError {
  readonly code = 'E_ERASURE_BLOCKED';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/**
 * What an answer says instead of an unexpected error (a bug, a library's own error): the cause is
 * logged, never sent.
 */
export class InternalError extends AppError {
  readonly code = 'E_INTERNAL';
  readonly retryable = false;
  readonly httpStatus = 500;
}

/** Appointments: every place of the slot is taken (another citizen may have booked the last one first). */
export class SlotFullError extends AppError {
  readonly code = 'E_SLOT_FULL';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Appointments: the slot has already started: it cannot be booked or moved to, nor an appointment in it moved or cancelled. */
export class SlotInPastError extends AppError {
  readonly code = 'E_SLOT_PAST';
  readonly retryable = false;
  readonly httpStatus = 422;
}

/** Appointments: the slot is further ahead than the catalog's booking horizon (`appointments.horizonDays`). */
export class OutsideHorizonError extends AppError {
  readonly code = 'E_OUTSIDE_HORIZON';
  readonly retryable = false;
  readonly httpStatus = 422;
}

/**
 * Appointments: no such slot: the office does not attend the procedure (or either is unknown), or the
 * time is not the start of one of its slots (closed, a holiday, between two slots).
 */
export class NoSuchSlotError extends AppError {
  readonly code = 'E_NO_SUCH_SLOT';
  readonly retryable = false;
  readonly httpStatus = 422;
}

/** Appointments: no appointment with that reference is the citizen's; another's answers the same as none, so nothing leaks. */
export class NotYourAppointmentError extends AppError {
  readonly code = 'E_NOT_YOUR_APPOINTMENT';
  readonly retryable = false;
  readonly httpStatus = 404;
}

/** Appointments: the appointment was cancelled or already attended (or missed), so it cannot be moved or marked again. */
export class AppointmentNotActiveError extends AppError {
  readonly code = 'E_APPOINTMENT_NOT_ACTIVE';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/** Representation: the request was already approved, refused or revoked, so it cannot be decided again. */
export class RepresentationDecidedError extends AppError {
  readonly code = 'E_REPRESENTATION_DECIDED';
  readonly retryable = false;
  readonly httpStatus = 409;
}

/**
 * Speech-to-text failed for a voice note: the server timed out, answered an error, sent no text, or the
 * file was missing or over the size cap. The bot asks the citizen to type; the audio stays for agents.
 */
export class TranscriptionFailedError extends AppError {
  readonly code = 'E_TRANSCRIPTION_FAILED';
  readonly retryable = false;
  readonly httpStatus = 502;
}
