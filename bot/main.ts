import { loadConfig } from './config';
import { AppError } from './errors';
import { createLogger } from './logger';
import { startApp } from './app';

// Entry point of `npm start`. Fails at boot with a readable message, never mid-conversation.
try {
  const config = loadConfig();
  const log = createLogger(config.LOG_LEVEL);
  const app = await startApp(config, log);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      log.info({ signal }, 'shutting down');
      void app.stop().then(() => process.exit(0), (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      });
    });
  }
} catch (err) {
  process.stderr.write(`${err instanceof AppError ? err.message : (err as Error).stack}\n`);
  process.exit(1);
}
