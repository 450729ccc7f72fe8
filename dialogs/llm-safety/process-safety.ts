import type { Logger } from '../../bot/logger';
import { MemoryCallLimiter, type CallLimiter } from './call-limiter';

/*
 * The process's LLM safety settings, installed once by the composition root. Kept apart from the guard
 * (shared-guard.ts) so a process without a model installs them without loading LangChain (~7 MB of heap).
 */
let installed: CallLimiter | undefined;
let fallback: { limit: number; limiter: MemoryCallLimiter } | undefined;
let installedLog: Logger | undefined;

/**
 * Installs the process's per-citizen limiter (the composition root passes a `RedisCallLimiter`)
 * and logger. Until then, and in the CLI, an in-memory limiter with the configured allowance counts.
 */
export function installLlmSafety(opts: { limiter?: CallLimiter; log?: Logger }): void {
  installed = opts.limiter;
  installedLog = opts.log;
}

/** The installed limiter, or one in-memory limiter per process allowing `limit` calls an hour. */
export function processLimiter(limit: number): CallLimiter {
  if (installed) return installed;
  if (fallback?.limit !== limit) fallback = { limit, limiter: new MemoryCallLimiter({ limit }) };
  return fallback.limiter;
}

/** The installed logger, if any. */
export const processLog = (): Logger | undefined => installedLog;
