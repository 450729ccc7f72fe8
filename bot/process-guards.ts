import type { Logger } from './logger';

export interface ProcessGuardOptions {
  log: Logger;
  /** Stops accepting work and closes what is open (the app's graceful `stop`). */
  shutdown(): Promise<void>;
  /** How long `shutdown` may take before the process exits anyway. @defaultValue 10_000 */
  shutdownTimeoutMs?: number;
  /** @defaultValue process.exit */
  exit?(code: number): void;
}

/**
 * The process-wide policy for errors nothing else caught. Installed once, by bot/main.ts.
 *
 * - `unhandledRejection`: logged at error with its context, and the process keeps serving. A promise
 *   nobody awaited belongs to one operation (a request, a turn, a fire-and-forget write) and failed
 *   without unwinding through anyone else's code; what we share lives in Redis and SQL, behind fenced,
 *   retried, idempotent jobs. Node's default (exit at once) would turn one bad request into an outage of
 *   every conversation this process serves.
 * - `uncaughtException`: logged at fatal with its context, then a clean shutdown (stop accepting, let
 *   in-flight jobs finish, close connections) and exit code 1, so the supervisor (systemd, Docker, k8s)
 *   starts a fresh process. A synchronous throw unwound through some event handler or stream halfway
 *   through its work; that object's state (and whatever it was about to do) is unknown, and Node does not
 *   support resuming after it. Nothing is lost by restarting: queued messages wait in Redis.
 *   A second one during the shutdown, or a shutdown that does not end in time, exits at once.
 *
 * Returns a function that removes the guards (tests).
 */
export function installProcessGuards(opts: ProcessGuardOptions): () => void {
  const { log } = opts;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;

  const onRejection = (reason: unknown): void => {
    log.error({ err: reason, event: 'unhandledRejection' }, 'a promise failed and nothing awaited it: logged, still serving');
  };

  const onException = (err: Error, origin: string): void => {
    if (stopping) {
      log.fatal({ err, event: 'uncaughtException', origin }, 'a second uncaught exception during shutdown: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    log.fatal({ err, event: 'uncaughtException', origin }, 'uncaught exception: the process state is unknown, shutting down (exit code 1) for the supervisor to restart it');
    const timer = setTimeout(() => {
      log.fatal({ timeoutMs: opts.shutdownTimeoutMs ?? 10_000 }, 'shutdown took too long: exiting now');
      exit(1);
    }, opts.shutdownTimeoutMs ?? 10_000);
    timer.unref();
    opts.shutdown().then(
      () => exit(1),
      (shutdownErr: unknown) => {
        log.error({ err: shutdownErr }, 'shutdown after an uncaught exception failed');
        exit(1);
      },
    ).finally(() => clearTimeout(timer));
  };

  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return () => {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onException);
  };
}
