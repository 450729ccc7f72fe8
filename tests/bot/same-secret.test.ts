import { describe, expect, it } from 'vitest';
import { sameSecret } from '../../bot/same-secret';

describe('sameSecret (webhook tokens, the Direct Line secret)', () => {
  it('matches only the same string, whatever the lengths', () => {
    expect(sameSecret('token-1', 'token-1')).toBe(true);
    expect(sameSecret('token-2', 'token-1')).toBe(false);
    expect(sameSecret('', 'token-1')).toBe(false);
    expect(sameSecret('token-1-and-more', 'token-1')).toBe(false);
    expect(sameSecret(undefined, 'token-1')).toBe(false);
  });
});
