import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as errors from '../../bot/errors';

// Fastify's idea: the registry of coded errors and its documentation may never disagree.
describe('docs/errors.md', () => {
  const doc = readFileSync('docs/errors.md', 'utf8');
  const rows = [...doc.matchAll(/^\| `(E_[A-Z_]+)` \| `(\w+)` \| (yes|no) \| (\d{3}) \|/gm)].map((m) => ({
    code: m[1], name: m[2], retryable: m[3] === 'yes', httpStatus: Number(m[4]),
  }));
  type Concrete = new (message: string) => errors.AppError;
  const classes = (Object.values(errors) as unknown[]).filter(
    (v): v is Concrete => typeof v === 'function' && v.prototype instanceof errors.AppError,
  );

  it('documents every error class with its code, retryability and HTTP status', () => {
    const fromCode = classes.map((C) => {
      const e = new C('x');
      return { code: e.code, name: e.name, retryable: e.retryable, httpStatus: e.httpStatus };
    });
    expect(rows.sort((a, b) => a.code!.localeCompare(b.code!))).toEqual(fromCode.sort((a, b) => a.code.localeCompare(b.code)));
  });

  it('has no two errors with one code', () => {
    const codes = classes.map((C) => new C('x').code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});

// Issue 14 part 3: a code defined outside bot/errors.ts is invisible to the test above.
describe('the error registry', () => {
  const SOURCE_DIRS = ['bot', 'catalog', 'channels', 'connectors', 'console', 'dialogs', 'handoff', 'queues', 'turns'];
  const CLIENT_ONLY = new Set(['E_NETWORK']); // console/ui/api.ts: a fetch that never reached the server

  it('holds every E_ code the server code names', () => {
    const registry = new Set(
      (Object.values(errors) as unknown[])
        .filter((v): v is new (m: string) => errors.AppError => typeof v === 'function' && v.prototype instanceof errors.AppError)
        .map((C) => new C('x').code),
    );
    const outside: string[] = [];
    for (const dir of SOURCE_DIRS) {
      for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
        if (!file.endsWith('.ts') || `${dir}/${file}` === 'bot/errors.ts') continue;
        const text = readFileSync(`${dir}/${file}`, 'utf8');
        for (const m of text.matchAll(/['"`](E_[A-Z][A-Z_]*[A-Z])['"`]/g)) {
          if (!registry.has(m[1]! as errors.AppError['code']) && !CLIENT_ONLY.has(m[1]!)) outside.push(`${dir}/${file}: ${m[1]}`);
        }
      }
    }
    expect(outside).toEqual([]);
  });
});
