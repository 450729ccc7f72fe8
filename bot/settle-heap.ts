import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * One full garbage collection, for the end of the boot. The start (catalog parsing, classifier training,
 * the knowledge index) leaves garbage that V8 keeps resident until its memory reducer notices the process
 * is idle, about a minute later: a worker measured 283 MB 5 s after start without this, 274 MB with it
 * (bench/idle-memory.ts, twice each, busy machine). V8's `gc` exists only with --expose-gc: setting the flag
 * now and reading `gc` from a new context is how Jest's leak detector gets it, without a flag on every
 * command line. Takes a few tens of ms, once.
 */
export function settleHeap(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}
