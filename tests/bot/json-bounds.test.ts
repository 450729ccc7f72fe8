import { describe, expect, it } from 'vitest';
import { jsonBoundsProblem } from '../../bot/json-bounds';

describe('jsonBoundsProblem', () => {
  it('counts each object and array as one level, the value itself included', () => {
    expect(jsonBoundsProblem({ a: [[1]] }, { maxDepth: 3 })).toBeUndefined();
    expect(jsonBoundsProblem({ a: [[1]] }, { maxDepth: 2 })).toBe('nested deeper than 2 levels');
    expect(jsonBoundsProblem('text', { maxDepth: 0 })).toBeUndefined();
  });

  it('measures 100,000 levels without overflowing the stack', () => {
    const deep = JSON.parse(`${'['.repeat(100_000)}${']'.repeat(100_000)}`) as unknown;
    expect(jsonBoundsProblem(deep)).toBe('nested deeper than 32 levels');
  });

  it('refuses a value whose JSON is larger than the size bound, counting keys and strings', () => {
    const value = { key: 'x'.repeat(90) };
    const size = JSON.stringify(value).length;
    expect(jsonBoundsProblem(value, { maxBytes: size })).toBeUndefined();
    expect(jsonBoundsProblem(value, { maxBytes: size - 1 })).toBe(`larger than about ${size - 1} bytes`);
    expect(jsonBoundsProblem(new Array(10_000).fill(0), { maxBytes: 1_000 })).toBe('larger than about 1000 bytes');
  });
});
