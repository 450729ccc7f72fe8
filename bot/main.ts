import { loadConfig } from './config';
import { describeErrorChain } from './error-chain';
import { createLogger } from './logger';
import { installProcessGuards } from './process-guards';
import { startApp, type App } from './app';

/** Longest a graceful stop may take (in-flight turns and deliveries finish first). */
const SHUTDOWN_TIMEOUT_MS = 30_000;

// Entry point of `npm start`. Fails at boot with a readable message and its causes, never mid-conversation.
try {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  let app: App | undefined;
  // What happens to errors nothing caught: see bot/process-guards.ts (rejections are logged and the
  // process keeps serving; an uncaught exception shuts it down cleanly with exit code 1).
  installProcessGuards({ log, shutdown: async () => app?.stop(), shutdownTimeoutMs: SHUTDOWN_TIMEOUT_MS });
  // Installed before the boot: a boot that waits for Redis ends on a signal, and only on one.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      // Bounded: BullMQ's graceful Worker.close() can wait forever after a Redis restart (taskforcesh/bullmq#4656).
      setTimeout(() => {
        log.error({ signal, timeoutMs: SHUTDOWN_TIMEOUT_MS }, 'shutdown did not finish in time: exiting');
        process.exit(1);
      }, SHUTDOWN_TIMEOUT_MS).unref();
      void (app?.stop() ?? Promise.resolve()).then(() => process.exit(0), (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
  app = await startApp(config, log);
  log.info({ role: config.ROLE }, 'started');
} catch (err) {
  process.stderr.write(`${describeErrorChain(err)}\n`);
  process.exit(1);
}
