import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../bot/errors';

// Fastify's idea: the registry of coded errors and its documentation may never disagree.
describe('docs/errors.md', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \| `(\w+)` \| (yes|no) \|/gm)].map((m) => ({ code: m[1], name: m[2], retryable: m[3] === 'yes' }));
  type Concrete = new (message: string) => errors.AppError;
  const classes = (Object.values(errors) as unknown[]).filter(
    (v): v is Concrete => typeof v === 'function' && v.prototype instanceof errors.AppError,
  );

  it('documents every error class with its code and retryability', () => {
    const fromCode = classes.map((C) => {
      const e = new C('x');
      return { code: e.code, name: e.name, retryable: e.retryable };
    });
    expect(rows.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(fromCode.sort((a, b) => a.code.localeCompare(b.code)));
  });

  it('has no two errors with one code', () => {
    const codes = classes.map((C) => new C('x').code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
