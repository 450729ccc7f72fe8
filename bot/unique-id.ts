import { randomBytes } from 'node:crypto';

// Random once per process, then a counter: unique across processes and restarts without drawing random
// bytes for every id (eTags, lock tokens and reply ids are made on every message).
const processTag = randomBytes(6).toString('hex');
let issued = 0;

/** An id no other call in any process returns (lock tokens, eTags, activity ids); not secret, not a timestamp. */
export const uniqueId = (): string => `${processTag}${(issued++).toString(36)}`;
