import { TelegramError } from 'telegraf';
import { AppError, ChannelUnavailableError, DeliveryRejectedError, UnknownConversationError } from '../../bot/errors';

/**
 * Translates a failed Bot API call into our errors, so the outbound queue knows whether to retry:
 * - 403 (blocked by the user, kicked, user deactivated) and 400 "chat not found": the chat is gone,
 *   UnknownConversationError, not retryable;
 * - 429, 5xx, a network failure or a timeout: ChannelUnavailableError, retried with backoff;
 * - any other 4xx: DeliveryRejectedError, not retryable (a request Telegram will never accept).
 *
 * The cause is a fresh Error carrying only method, code and description: Telegraf's error holds the
 * request payload (the message text), which must not reach the logs.
 */
export function toAppError(err: unknown, method: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof TelegramError) {
    const cause = new Error(`${method}: ${err.code} ${err.description}`);
    const retryAfter = err.parameters?.retry_after;
    if (err.code === 403 || (err.code === 400 && /chat not found|user not found|PEER_ID_INVALID/i.test(err.description))) {
      return new UnknownConversationError(`telegram ${method}: the chat is unreachable (${err.code})`, { cause });
    }
    if (err.code === 429 || err.code >= 500) {
      return new ChannelUnavailableError(`telegram ${method}: ${err.code}${retryAfter ? `, retry after ${retryAfter}s` : ''}`, { cause });
    }
    return new DeliveryRejectedError(`telegram ${method}: ${err.code} ${err.description}`, { cause });
  }
  const name = (err as { name?: string } | undefined)?.name ?? 'Error';
  const cause = new Error(`${method}: ${name}: ${(err as Error | undefined)?.message ?? String(err)}`);
  return new ChannelUnavailableError(`telegram ${method}: ${name}`, { cause });
}

/** A Bot API error with this HTTP code and a description matching `pattern`. */
export const isTelegramError = (err: unknown, code: number, pattern?: RegExp): err is TelegramError =>
  err instanceof TelegramError && err.code === code && (!pattern || pattern.test(err.description));
