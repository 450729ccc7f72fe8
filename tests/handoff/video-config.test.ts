import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../bot/config';
import { ConfigError } from '../../bot/errors';
import { videoCallsFor } from '../../handoff/video-calls-for';

/* The video calls' variables (issue 15 part 2): checked at start, named and never printed. */

const SECRET = 'jitsi-app-secret-for-the-tests-0123';
const fail = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('loadConfig accepted it');
};

describe('video call configuration', () => {
  it('is off by default, with a one-hour call and the jitsi audience', () => {
    const c = loadConfig({});
    expect(c.VIDEO_JITSI_URL).toBeUndefined();
    expect(c).toMatchObject({ VIDEO_CALL_TTL_MINUTES: 60, VIDEO_JITSI_AUDIENCE: 'jitsi' });
  });

  it('wants the app id and secret together, only with a server, and never prints the secret', () => {
    expect(fail({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_SECRET: SECRET })).toMatch(/VIDEO_JITSI_APP_ID, VIDEO_JITSI_APP_SECRET: set both or neither/);
    expect(fail({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot' })).toMatch(/set both or neither/);
    const message = fail({ VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: SECRET });
    expect(message).toMatch(/only with VIDEO_JITSI_URL/);
    expect(message).not.toContain(SECRET);
    expect(fail({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: 'short' })).toMatch(/VIDEO_JITSI_APP_SECRET/);
  });

  it('refuses a server that is not http(s) and a call shorter than 5 minutes or longer than a day', () => {
    expect(fail({ VIDEO_JITSI_URL: 'ftp://meet.example.org' })).toMatch(/VIDEO_JITSI_URL/);
    expect(fail({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_CALL_TTL_MINUTES: '2' })).toMatch(/VIDEO_CALL_TTL_MINUTES/);
    expect(fail({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_CALL_TTL_MINUTES: '1441' })).toMatch(/VIDEO_CALL_TTL_MINUTES/);
  });

  it('makes secured calls with the id and secret, open ones without, none without a server', () => {
    // Built, never called: no call is made here, so Redis and the logger are never reached.
    const deps = { store: { byId: async () => undefined, addEvent: async () => undefined }, notices: { send: async () => ({ id: 'n', at: new Date() }) }, bus: { publish: async () => undefined }, redis: undefined as never, prefix: 't', log: undefined as never };
    const secured = videoCallsFor(loadConfig({ VIDEO_JITSI_URL: 'https://meet.example.org', VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: SECRET }), deps);
    expect([secured.enabled, secured.secured]).toEqual([true, true]);
    const open = videoCallsFor(loadConfig({ VIDEO_JITSI_URL: 'https://meet.example.org' }), deps);
    expect([open.enabled, open.secured]).toEqual([true, false]);
    const none = videoCallsFor(loadConfig({}), deps);
    expect([none.enabled, none.secured]).toEqual([false, false]);
  });
});
