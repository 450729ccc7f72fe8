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
 * Returns the uninstall, for the app's stop: a limiter on a closed Redis connection must not outlive it
 * (an app started later in the same process, as tests do, would count model calls against it and fail).
 */
export function installLlmSafety(opts: { limiter?: CallLimiter; log?: Logger }): () => void {
  const limiter = opts.limiter;
  installed = limiter;
  installedLog = opts.log;
  return () => {
    if (installed !== limiter) return;
    installed = undefined;
    installedLog = undefined;
  };
}

/** The installed limiter, or one in-memory limiter per process allowing `limit` calls an hour. */
export function processLimiter(limit: number): CallLimiter {
  if (installed) return installed;
  if (fallback?.limit !== limit) fallback = { limit, limiter: new MemoryCallLimiter({ limit }) };
  return fallback.limiter;
}

/** The installed logger, if any. */
export const processLog = (): Logger | undefined => installedLog;
