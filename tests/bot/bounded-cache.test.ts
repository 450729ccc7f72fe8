import { describe, expect, it } from 'vitest';
import { BoundedCache } from '../../bot/bounded-cache';

describe('BoundedCache', () => {
  it('forgets the oldest entry beyond its capacity, counting a re-set entry as new', () => {
    const cache = new BoundedCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    cache.set('a', 10); // a is now the newest
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(10);
    expect(cache.get('c')).toBe(3);
  });

  it('computes a missing value once and remembers it', () => {
    const cache = new BoundedCache<string, string>(10);
    let made = 0;
    const make = () => `v${++made}`;
    expect(cache.remember('k', make)).toBe('v1');
    expect(cache.remember('k', make)).toBe('v1');
    expect(made).toBe(1);
    cache.delete('k');
    expect(cache.remember('k', make)).toBe('v2');
  });
});
