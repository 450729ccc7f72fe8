import { describe, expect, it } from 'vitest';
import * as errors from '../../bot/errors';
import { ApiError } from '../../console/ui/api';
import { errorText } from '../../console/ui/format';
import { T } from '../../console/ui/i18n';

/*
 * Issue 14 part 3: the console shows its own text per error code, never the server's message (English
 * for the auth errors, meant for logs). The console has one language (Spanish, console/ui/i18n.ts); a
 * second one is a second object of T's shape and this test then covers it too.
 */
type Concrete = new (message: string) => errors.AppError;
const registry = (Object.values(errors) as unknown[])
  .filter((v): v is Concrete => typeof v === 'function' && v.prototype instanceof errors.AppError)
  .map((C) => new C('x'));
const LOCALES = { es: T } as const;

describe('console error texts', () => {
  for (const [locale, texts] of Object.entries(LOCALES)) {
    it(`has a ${locale} text for every 4xx code of the registry (a request's own fault, so worth explaining)`, () => {
      const missing = registry.filter((e) => e.httpStatus < 500 && !texts.errors.byCode[e.code]).map((e) => e.code);
      expect(missing).toEqual([]);
    });
  }

  it('names no code the registry lacks', () => {
    const codes = new Set<string>(registry.map((e) => e.code));
    expect(Object.keys(T.errors.byCode).filter((c) => !codes.has(c))).toEqual([]);
  });

  it("shows the code's text, not the server's message", () => {
    expect(errorText(new ApiError(401, 'E_LOGIN', 'wrong e-mail or password'))).toBe(T.errors.byCode.E_LOGIN);
    expect(errorText(new ApiError(409, 'E_AT_CAPACITY', 'Ya atiendes 5 conversaciones'))).toBe(T.errors.byCode.E_AT_CAPACITY);
  });

  it('falls back on unavailable for a 503, generic for another failure, network for none', () => {
    expect(errorText(new ApiError(503, 'E_DEPENDENCY_UNAVAILABLE', 'redis down'))).toBe(T.errors.unavailable);
    expect(errorText(new ApiError(500, 'E_INTERNAL', 'internal error'))).toBe(T.errors.generic);
    expect(errorText(new ApiError(502, 'E_HTTP_502', 'Bad Gateway'))).toBe(T.errors.generic);
    expect(errorText(new ApiError(0, 'E_NETWORK', 'Failed to fetch'))).toBe(T.errors.network);
    expect(errorText(new Error('boom'))).toBe(T.errors.generic);
  });
});
