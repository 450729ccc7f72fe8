import { ConfigSchema } from '../../bot/config';

/** Variables the schema itself requires: no default, not optional (none today; any added later must be deployed). */
export const requiredBySchema: string[] = Object.entries(ConfigSchema.shape)
  .filter(([, schema]) => !(schema as { safeParse(v: unknown): { success: boolean } }).safeParse(undefined).success)
  .map(([name]) => name);

/**
 * What a deployment of separate web and worker processes must set although the schema has a default for
 * a single process: each default is a one-machine default.
 */
export const requiredByDeployment: Record<string, string> = {
  ROLE: 'each process says whether it is web or worker',
  REDIS_URL: 'the default (127.0.0.1, or a redis-server the bot starts itself) is per machine',
  DATABASE_URL: 'the default SQLite file cannot be shared by pods or containers',
  PUBLIC_URL: 'the default names 127.0.0.1: stream and media URLs would not reach citizens',
  MEDIA_URL_SECRET: 'the default lives in Redis: photo links handed to back offices die with a Redis loss',
  DATA_DIR: 'uploads go to the mounted volume, not the image',
  SHUTDOWN_TIMEOUT_MS: 'must stay below the orchestrator\'s own stop deadline',
};

/** Every variable the schema reads. */
export const known = new Set(Object.keys(ConfigSchema.shape));
