import { loadConfig } from './config';
import { describeErrorChain } from './error-chain';
import { createLogger } from './logger';
import { installProcessGuards, installStopSignals } from './process-guards';
import { startApp, type App } from './app';
import { settleHeap } from './settle-heap';

// Entry point of `npm start` (and of the image: `node dist/bot/main.js`). Fails at boot with a readable
// message and its causes, never mid-conversation.
try {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  let app: App | undefined;
  const shutdown = async () => app?.stop();
  // What happens to errors nothing caught: see bot/process-guards.ts (rejections are logged and the
  // process keeps serving; an uncaught exception shuts it down cleanly with exit code 1).
  installProcessGuards({ log, shutdown, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  // SIGTERM/SIGINT: a graceful stop within SHUTDOWN_TIMEOUT_MS, exit code 0.
  installStopSignals({ log, shutdown, timeoutMs: config.SHUTDOWN_TIMEOUT_MS });
  app = await startApp(config, log);
  // The boot's garbage (classifier training, catalog parsing) goes now, not a minute into the idle (bot/settle-heap.ts).
  settleHeap();
  log.info({ role: config.ROLE }, 'started');
} catch (err) {
  process.stderr.write(`${describeErrorChain(err)}\n`);
  process.exit(1);
}
