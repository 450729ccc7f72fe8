import { describe, expect, it } from 'vitest';
import { describeErrorChain } from '../../bot/error-chain';
import { DependencyUnavailableError } from '../../bot/errors';

describe('describeErrorChain', () => {
  it('shows every cause under our message, with its code, down to the root', () => {
    const root = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const text = describeErrorChain(new DependencyUnavailableError('database migrations failed', { cause: root }));
    expect(text.split('\n')[0]).toBe('DependencyUnavailableError [E_DEPENDENCY_UNAVAILABLE]: database migrations failed');
    expect(text).toMatch(/\n {2}caused by: Error \[SQLITE_BUSY\]: database is locked\n\s+at /);
  });

  it('lists each error of an AggregateError and stops at a cycle', () => {
    const a = new Error('connect ECONNREFUSED ::1:5432');
    const b = new Error('connect ECONNREFUSED 127.0.0.1:5432');
    const looped = new Error('loop');
    (looped as { cause?: unknown }).cause = looped;
    const text = describeErrorChain(new DependencyUnavailableError('cannot reach PostgreSQL', { cause: new AggregateError([a, b, looped], 'all failed') }));
    expect(text).toContain('one of: Error: connect ECONNREFUSED ::1:5432');
    expect(text).toContain('one of: Error: connect ECONNREFUSED 127.0.0.1:5432');
    expect(text).toContain('caused by: …');
  });
});
