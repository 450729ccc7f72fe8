import { z } from 'zod';

/**
 * How deep a value received as JSON may nest. JSON.parse copes with any depth, but JSON.stringify, zod
 * and every recursive walk after it overflow the stack somewhere past a few thousand levels: a web chat
 * activity nested 8,000 levels deep took the turn down with a RangeError (issue 12). Real payloads
 * (Adaptive Card submits, Telegram updates with a replied-to message inside) stay under ten.
 */
export const MAX_JSON_DEPTH = 32;

/** Why a value is out of bounds, or undefined when it is within them. */
export type JsonBoundsProblem = `nested deeper than ${number} levels` | `larger than about ${number} bytes`;

/**
 * Measures a value parsed from JSON without recursion (an explicit stack), stopping at the first bound
 * crossed, so the cost is at most about `maxBytes` steps whatever was sent. The size is the length of
 * its JSON text, roughly (escapes are not counted). Objects and arrays count one level each; the
 * value itself is level 1 when it is one of them.
 *
 * @example jsonBoundsProblem({ a: [[1]] }, { maxDepth: 2 }) // 'nested deeper than 2 levels'
 */
export function jsonBoundsProblem(value: unknown, bounds: { maxDepth?: number; maxBytes?: number } = {}): JsonBoundsProblem | undefined {
  const { maxDepth = MAX_JSON_DEPTH, maxBytes = Number.POSITIVE_INFINITY } = bounds;
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let bytes = 0;
  while (stack.length > 0) {
    const { value: v, depth } = stack.pop()!;
    bytes += sizeOf(v);
    if (bytes > maxBytes) return `larger than about ${maxBytes} bytes`;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > maxDepth) return `nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const item of v) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const [key, item] of Object.entries(v)) {
      bytes += key.length + 3; // "key":
      stack.push({ value: item, depth: depth + 1 });
    }
  }
  return undefined;
}

/** The JSON length of a value on its own (containers: brackets and separators only). */
function sizeOf(v: unknown): number {
  if (typeof v === 'string') return v.length + 2;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v).length;
  if (Array.isArray(v)) return 2 + v.length;
  if (v !== null && typeof v === 'object') return 2;
  return 4; // null (undefined is dropped by JSON, counted the same)
}

/**
 * A zod refinement that refuses JSON past the bounds (see jsonBoundsProblem). Put it in front of the
 * schema that walks the value (`z.unknown().superRefine(withinJsonBounds()).pipe(schema)`): zod stops at
 * the refusal, before any recursive step.
 */
export function withinJsonBounds(bounds: { maxDepth?: number; maxBytes?: number } = {}) {
  return (value: unknown, ctx: z.RefinementCtx): void => {
    const problem = jsonBoundsProblem(value, bounds);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  };
}
