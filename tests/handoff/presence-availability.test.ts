import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ONLINE_WINDOW_MS, Presence } from '../../handoff/presence';
import { dropPrefix, redisClient, testPrefix } from '../support/redis';

/*
 * Availability (issue 15 part 1) on real Redis: an agent at a console is available or away; away is not
 * counted online (routing, the bot's "nobody online"), and an agent with no console open is offline.
 * Times are given explicitly: presence takes the clock as an argument.
 */
const redis = redisClient();
const prefix = testPrefix();
const T0 = 1_900_000_000_000;

afterEach(() => dropPrefix(redis, prefix));
afterAll(() => redis.quit());

describe('Presence availability', () => {
  it('an agent at a console is available until they say away, and counted online only while available', async () => {
    const presence = new Presence(redis, prefix);
    await presence.seen(['ana', 'bo'], T0);
    expect(await presence.chosen('ana')).toBe('available');
    expect([...(await presence.online(T0))].sort()).toEqual(['ana', 'bo']);

    await presence.choose('ana', 'away');
    expect(await presence.chosen('ana')).toBe('away');
    expect([...(await presence.online(T0))]).toEqual(['bo']);
    expect(Object.fromEntries(await presence.availability(['ana', 'bo', 'cy'], T0))).toEqual({ ana: 'away', bo: 'available', cy: 'offline' });

    await presence.choose('ana', 'available');
    expect([...(await presence.online(T0))].sort()).toEqual(['ana', 'bo']);
  });

  it('an away agent keeps their last sighting (they keep their conversations) and is offline once their console closes', async () => {
    const presence = new Presence(redis, prefix);
    await presence.seen(['ana'], T0);
    await presence.choose('ana', 'away');
    expect((await presence.lastSeen()).get('ana')).toBe(T0);
    await presence.left('ana', T0 + 1);
    expect(Object.fromEntries(await presence.availability(['ana'], T0 + 2))).toEqual({ ana: 'offline' });
    // Their choice is kept for their next console.
    expect(await presence.chosen('ana')).toBe('away');
    await presence.seen(['ana'], T0 + 3);
    expect(Object.fromEntries(await presence.availability(['ana'], T0 + 3))).toEqual({ ana: 'away' });
  });

  it('an agent unseen for the window is offline whatever they chose', async () => {
    const presence = new Presence(redis, prefix);
    await presence.seen(['ana'], T0);
    const later = T0 + ONLINE_WINDOW_MS + 1;
    expect(Object.fromEntries(await presence.availability(['ana'], later))).toEqual({ ana: 'offline' });
    expect(await presence.online(later)).toEqual(new Set());
  });
});
