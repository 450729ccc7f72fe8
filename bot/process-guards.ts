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

export interface StopSignalOptions {
  log: Logger;
  /** The app's graceful `stop`: stop accepting, finish what is in flight, close connections. */
  shutdown(): Promise<void>;
  /** How long `shutdown` may take before the process exits with code 1 anyway (config SHUTDOWN_TIMEOUT_MS). */
  timeoutMs: number;
  /** @defaultValue process.exit */
  exit?(code: number): void;
}

/**
 * SIGTERM and SIGINT, the supervisor's stop (Kubernetes, Docker, systemd; Ctrl-C): one graceful shutdown,
 * then exit code 0, or 1 when it failed. A shutdown still running after `timeoutMs` exits with code 1
 * anyway: BullMQ's graceful Worker.close() can wait forever after a Redis restart (taskforcesh/bullmq#4656),
 * and a frozen Redis never answers `quit`. Keep the deadline under the supervisor's own (Kubernetes'
 * terminationGracePeriodSeconds, systemd's TimeoutStopSec), or it kills the process before our log line.
 * A second signal during the shutdown exits with code 1 at once (Ctrl-C twice).
 *
 * Installed before the boot: a boot that waits for Redis ends on a signal. Returns a function that removes
 * the handlers (tests).
 */
export function installStopSignals(opts: StopSignalOptions): () => void {
  const { log } = opts;
  const exit = opts.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal }, 'a second stop signal during shutdown: exiting now');
      exit(1);
      return;
    }
    stopping = true;
    log.info({ signal, timeoutMs: opts.timeoutMs }, 'shutting down');
    const deadline = setTimeout(() => {
      log.error({ signal, timeoutMs: opts.timeoutMs }, 'shutdown did not finish in time: exiting');
      exit(1);
    }, opts.timeoutMs);
    deadline.unref();
    opts.shutdown().then(
      () => {
        log.info({ signal }, 'stopped');
        exit(0);
      },
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        exit(1);
      },
    ).finally(() => clearTimeout(deadline));
  };
  const signals = ['SIGTERM', 'SIGINT'] as const;
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
