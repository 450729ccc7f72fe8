import type { EngineDeps } from '../engine-deps';
import { Understanding } from './understanding';

// Without a configured one (tests, the CLI), intake reads places with the offline rules alone.
const OFFLINE = new Understanding();

/** The engine's understanding, or the offline rules when none was configured. */
export function understandingOf(deps: Pick<EngineDeps, 'understanding'>): Understanding {
  return deps.understanding ?? OFFLINE;
}
