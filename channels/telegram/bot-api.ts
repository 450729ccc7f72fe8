import type { Telegram } from 'telegraf';
import type { Opts, Telegram as Methods } from 'telegraf/types';
import { toAppError } from './telegram-errors';

type CallOptions = NonNullable<Parameters<Telegram['callApi']>[2]>;

/** Longest wait for one Bot API call; Telegraf's own default is over eight minutes. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The Bot API as this channel calls it: every call bounded in time, every failure translated into an
 * AppError (see telegram-errors). Needs only the token and the API root, so any process can use it.
 */
export class BotApi {
  constructor(
    readonly telegram: Telegram,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {}

  /** Calls a method; a failure is thrown as an AppError (see telegram-errors). */
  async call<M extends keyof Methods>(method: M, payload: Opts<M>): Promise<ReturnType<Methods[M]>> {
    try {
      return await this.raw(method, payload);
    } catch (err) {
      throw toAppError(err, method);
    }
  }

  /** Calls a method and lets Telegraf's TelegramError through, for callers that handle one case themselves. */
  raw<M extends keyof Methods>(method: M, payload: Opts<M>): Promise<ReturnType<Methods[M]>> {
    // Telegraf types `signal` with the abort-controller shim; its node-fetch accepts Node's own AbortSignal.
    const options = { signal: AbortSignal.timeout(this.timeoutMs) } as unknown as CallOptions;
    return this.telegram.callApi(method, payload, options);
  }

  /** Where a file from getFile is downloaded: `${apiRoot}/file/bot<token>/<file_path>`. */
  fileUrl(filePath: string): string {
    const root = this.telegram.options.apiRoot.replace(/\/+$/, '');
    return `${root}/file/bot${this.telegram.token}/${filePath.replace(/^\/+/, '')}`;
  }
}
