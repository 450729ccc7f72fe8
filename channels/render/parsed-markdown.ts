import { LRUCache } from 'lru-cache';
import { parseMarkdown, type Run } from './markdown';

/**
 * The bot's messages repeat (prompts, menus, confirmations), so each text is parsed once per process
 * rather than on every send: parsing was ~25 µs a message, ~4 % of a worker's CPU. Server side only
 * (the widget calls parseMarkdown itself and does not bundle lru-cache). The runs are shared: read-only.
 */
const parsed = new LRUCache<string, readonly Run[]>({ max: 2_000, memoMethod: (text) => parseMarkdown(text) });

export const parsedMarkdown = (text: string): readonly Run[] => parsed.memo(text);
