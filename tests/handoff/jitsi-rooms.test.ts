import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import { JitsiRooms, ROOM_NAME } from '../../handoff/jitsi-rooms';

/*
 * Rooms and links on a Jitsi Meet server (issue 15 part 2): names nobody can guess or read anything
 * into, and tokens with the claims prosody's token_verification checks, valid for one room until the
 * call's end. Time is pinned (never today's date): the tokens are checked against the same clock.
 */

const SECRET = 'a-very-long-jitsi-app-secret-0123456789';
const NOW = new Date('2026-03-12T09:30:00Z');
const END = new Date(NOW.getTime() + 60 * 60_000);
const secured = new JitsiRooms({ baseUrl: 'https://meet.example.org/', app: { id: 'citybot', secret: SECRET } });
const open = new JitsiRooms({ baseUrl: 'https://meet.example.org' });
const agent = { name: 'Ana Pérez', moderator: true, id: 'agent-1' };
const citizen = { name: 'Ciudadano/a', moderator: false };
const at = (d: Date) => Math.floor(d.getTime() / 1_000);

function tokenOf(url: string): string {
  const token = new URL(url).searchParams.get('jwt');
  if (!token) throw new Error(`no token in ${url}`);
  return token;
}

describe('room names', () => {
  it('are lowercase letters and digits only, with 125 random bits, and never repeat', () => {
    const names = Array.from({ length: 5_000 }, () => open.newRoomName());
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+$/);
    for (const name of names) expect(name).toMatch(ROOM_NAME);
    expect(new Set(names).size).toBe(names.length);
    // Every letter of the alphabet turns up in every random position: nothing fixed past the prefix.
    const positions = Array.from({ length: 25 }, (_, i) => new Set(names.map((n) => n[4 + i])));
    for (const seen of positions) expect(seen.size).toBe(32);
  });

  it('carry nothing of the citizen or the conversation: they come only from the random source', () => {
    const fixed = new JitsiRooms({ baseUrl: 'https://meet.example.org' }, (n) => Buffer.alloc(n, 0));
    expect(fixed.newRoomName()).toBe(`cita${'a'.repeat(25)}`);
    const counting = new JitsiRooms({ baseUrl: 'https://meet.example.org' }, (n) => Buffer.from(Array.from({ length: n }, (_, i) => i)));
    expect(counting.newRoomName()).toBe('citaabcdefghijklmnopqrstuvwxy');
  });

  it('make links on the server, a path kept, and refuse a name that is not one of ours', () => {
    const room = open.newRoomName();
    expect(open.linkFor(room, agent, { now: NOW, expiresAt: END })).toBe(`https://meet.example.org/${room}#userInfo.displayName=%22Ana%20P%C3%A9rez%22`);
    const sub = new JitsiRooms({ baseUrl: 'https://example.org/meet/' });
    expect(sub.linkFor(room, citizen, { now: NOW, expiresAt: END })).toMatch(new RegExp(`^https://example\\.org/meet/${room}#`));
    expect(() => open.linkFor('Juan-Garcia-600111222', agent, { now: NOW, expiresAt: END })).toThrow(RangeError);
    expect(() => open.linkFor('../admin', agent, { now: NOW, expiresAt: END })).toThrow(RangeError);
  });
});

describe('tokens (VIDEO_JITSI_APP_ID and VIDEO_JITSI_APP_SECRET)', () => {
  it('carry the claims Jitsi checks: iss, aud, sub, room, nbf, exp, and the user with the moderator flag', () => {
    const room = secured.newRoomName();
    const url = secured.linkFor(room, agent, { now: NOW, expiresAt: END });
    expect(url).toMatch(new RegExp(`^https://meet\\.example\\.org/${room}\\?jwt=`));
    const header = jwt.decode(tokenOf(url), { complete: true })!.header;
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT' });
    const claims = jwt.verify(tokenOf(url), SECRET, { algorithms: ['HS256'], audience: 'jitsi', issuer: 'citybot', clockTimestamp: at(NOW) });
    expect(claims).toEqual({
      iss: 'citybot', aud: 'jitsi', sub: 'meet.example.org', room, iat: at(NOW), nbf: at(NOW) - 60, exp: at(END),
      context: { user: { name: 'Ana Pérez', moderator: true, id: 'agent-1' } }, moderator: true,
    });
    const theirs = jwt.verify(tokenOf(secured.linkFor(room, citizen, { now: NOW, expiresAt: END })), SECRET, { clockTimestamp: at(NOW) }) as jwt.JwtPayload;
    expect(theirs['context']).toEqual({ user: { name: 'Ciudadano/a', moderator: false } });
    expect(theirs['room']).toBe(room);
  });

  it('take the audience and subject of the configuration', () => {
    const other = new JitsiRooms({ baseUrl: 'https://meet.example.org', app: { id: 'x', secret: SECRET }, audience: 'meet', subject: '*' });
    const claims = jwt.verify(tokenOf(other.linkFor(other.newRoomName(), agent, { now: NOW, expiresAt: END })), SECRET, { clockTimestamp: at(NOW) }) as jwt.JwtPayload;
    expect(claims).toMatchObject({ aud: 'meet', sub: '*', iss: 'x' });
  });

  it('fail with another secret, and once the call\'s time is over (not before it starts, less a minute of clock skew)', () => {
    const token = tokenOf(secured.linkFor(secured.newRoomName(), agent, { now: NOW, expiresAt: END }));
    expect(() => jwt.verify(token, 'another-secret-of-the-same-length-012345', { clockTimestamp: at(NOW) })).toThrow(jwt.JsonWebTokenError);
    expect(() => jwt.verify(token, 'another-secret-of-the-same-length-012345', { clockTimestamp: at(NOW) })).toThrow(/invalid signature/);
    expect(jwt.verify(token, SECRET, { clockTimestamp: at(END) - 1 })).toBeTruthy();
    expect(() => jwt.verify(token, SECRET, { clockTimestamp: at(END) })).toThrow(jwt.TokenExpiredError);
    expect(() => jwt.verify(token, SECRET, { clockTimestamp: at(END) + 3_600 })).toThrow(jwt.TokenExpiredError);
    expect(jwt.verify(token, SECRET, { clockTimestamp: at(NOW) - 59 })).toBeTruthy();
    expect(() => jwt.verify(token, SECRET, { clockTimestamp: at(NOW) - 120 })).toThrow(jwt.NotBeforeError);
    // A token for one room says so: the server lets it into that room only.
    const payload = jwt.decode(token) as jwt.JwtPayload;
    expect(payload['room']).toMatch(ROOM_NAME);
  });

  it('are absent from open rooms\' links', () => {
    expect(open.secured).toBe(false);
    expect(secured.secured).toBe(true);
    expect(open.linkFor(open.newRoomName(), agent, { now: NOW, expiresAt: END })).not.toMatch(/jwt=/);
    expect(() => open.token(open.newRoomName(), agent, { now: NOW, expiresAt: END })).toThrow();
  });
});
