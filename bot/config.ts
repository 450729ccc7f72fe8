import { z } from 'zod';
import { ConfigError } from './errors';

const port = z.coerce.number().int().min(0).max(65_535);
const csv = z
  .string()
  .transform((s) => s.split(',').map((x) => x.trim()).filter(Boolean));

/** Every environment variable the bot reads. Only this file touches process.env. */
export const ConfigSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** Which roles this process plays: HTTP + channels (`web`), queue workers (`worker`), or both. */
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  PORT: port.default(3978),
  HOST: z.string().default('0.0.0.0'),
  /** Public base URL (used in Direct Line streamUrl); defaults to http://localhost:PORT. */
  PUBLIC_URL: z.url().optional(),
  REDIS_URL: z.url().optional(),
  /** Prefix of every Redis key and BullMQ queue, so several bots (or tests) share one Redis. */
  REDIS_PREFIX: z.string().regex(/^[A-Za-z0-9_-]+$/).default('citybot'),
  /** PostgreSQL URL; when absent the SQLite file at SQLITE_PATH is used. */
  DATABASE_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL').optional(),
  /** PostgreSQL only: the schema to use (created when missing), so several bots or tests share one database. */
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case identifier').optional(),
  SQLITE_PATH: z.string().default('./data/bot.sqlite'),
  DATA_DIR: z.string().default('./data'),
  CATALOG: z.string().default('config/catalog.yaml'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Inbound turns run concurrently per worker process (different conversations only). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(1_000).default(256),

  /** When set, Direct Line clients need this secret (or a token made with it); otherwise tokens/generate is open, rate-limited. */
  DIRECTLINE_SECRET: z.string().min(16).optional(),
  /** Origins allowed to embed the web chat (CORS), comma-separated; `*` allows any. */
  WEBCHAT_ORIGINS: csv.default(['*']),
  /** tokens/generate calls allowed per IP per minute. */
  TOKEN_RATE_LIMIT: z.coerce.number().int().min(1).default(30),

  LLM_PROVIDER: z.enum(['openai', 'ollama']).optional(),
  LLM_BASE_URL: z.url().optional(),
  LLM_MODEL: z.string().optional(),
  LLM_API_KEY: z.string().optional(),
  /** `hybrid` asks the LLM only below the offline threshold; `llm` always asks it (still falls back offline). */
  LLM_MODE: z.enum(['hybrid', 'llm']).default('hybrid'),
  LLM_TIMEOUT_MS: z.coerce.number().int().min(100).default(8_000),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Parses the environment once at boot. Throws ConfigError naming the bad variables, never their values. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = ConfigSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`invalid environment:\n${lines.join('\n')}`);
  }
  if (r.data.LLM_PROVIDER && !r.data.LLM_MODEL) {
    throw new ConfigError('invalid environment:\n  LLM_MODEL: required when LLM_PROVIDER is set');
  }
  return Object.freeze(r.data);
}
