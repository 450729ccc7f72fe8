import { ChannelUnavailableError, DeliveryRejectedError, type AppError } from '../../bot/errors';

/** The error object of a Graph API response: `{ error: { message, type, code, error_subcode, error_data } }`. */
export interface GraphErrorBody {
  message?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
}

/*
 * Graph error codes that mean "later", even when the HTTP status is a 400: throughput and rate limits
 * (4, 80007, 130429, 131048, 131056), temporary service problems (1, 2, 131000, 131016).
 * https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes
 */
const RETRYABLE_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131016, 131048, 131056]);

/**
 * Turns a failed Graph API call into our error: 408, 429, 5xx and the retryable codes above become
 * ChannelUnavailableError (the outbound queue retries with backoff); any other 4xx (invalid recipient,
 * malformed message, expired token) becomes DeliveryRejectedError, which no retry can fix.
 * The message names the call and Graph's code, never the recipient or the text.
 */
export function graphFailure(what: string, status: number, body: GraphErrorBody | undefined): AppError {
  const code = body?.code;
  const detail = `${what} failed: HTTP ${status}${code !== undefined ? `, Graph error ${code}` : ''}${body?.message ? ` (${body.message})` : ''}`;
  const retryable = status === 408 || status === 429 || status >= 500 || (code !== undefined && RETRYABLE_CODES.has(code));
  return retryable ? new ChannelUnavailableError(detail) : new DeliveryRejectedError(detail);
}

/** A network failure or timeout: the request may not have arrived, so it is worth another try. */
export function graphUnreachable(what: string, cause: unknown): AppError {
  return new ChannelUnavailableError(`${what} failed: Graph API unreachable`, { cause });
}
