import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';

/** Where video calls happen: a Jitsi Meet server, open or with token authentication. */
export interface JitsiRoomsOptions {
  /** The server, e.g. `https://meet.example.org` (a path is kept: `https://example.org/meet`). */
  baseUrl: string;
  /**
   * Token authentication (prosody `token_verification`): `iss` of the tokens and the HS256 key. Without
   * them a room is open to whoever has its (unguessable) name.
   */
  app?: { id: string; secret: string };
  /** `aud` of the tokens (prosody's `asap_accepted_audiences`). @defaultValue 'jitsi' */
  audience?: string;
  /** `sub` of the tokens: the Jitsi domain, or `*`. @defaultValue the host of `baseUrl` */
  subject?: string;
}

/** Who a link is for: the name shown in the room, and whether they moderate it (the agent does). */
export interface Participant {
  name: string;
  moderator: boolean;
  /** An opaque id shown to nobody (the agent's id); never the citizen's name, phone or e-mail. */
  id?: string;
}

/** Letters of a room name: lowercase base32 (RFC 4648), valid in any Jitsi room name and in a URL path. */
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
/** 25 characters of 5 bits: 125 random bits, beyond guessing. */
const RANDOM_CHARS = 25;
const ROOM_PREFIX = 'cita';
/** The Jitsi server's clock may run a little behind ours: a token is good from a minute before it was made. */
const NOT_BEFORE_SKEW_S = 60;

/** A room name as `newRoomName` makes them: lowercase letters and digits only. */
export const ROOM_NAME = new RegExp(`^${ROOM_PREFIX}[${ALPHABET}]{${RANDOM_CHARS}}$`);

/**
 * Rooms on a Jitsi Meet server and the links that open them. Each call gets a new room whose name is a
 * fixed prefix and random letters, nothing derived from the citizen or the conversation, so a room name
 * read in a log or a browser history tells nothing and cannot be guessed. With `app` set, every link
 * carries its own JWT (HS256, the claims Jitsi's token authentication checks), valid for that room only
 * and until the call's end time. Pure apart from the random source: time comes from the caller.
 *
 * @example
 * ```ts
 * const rooms = new JitsiRooms({ baseUrl: 'https://meet.example.org', app: { id: 'citybot', secret } });
 * const room = rooms.newRoomName();
 * rooms.linkFor(room, { name: 'Ana', moderator: true, id: 'agent-1' }, { now, expiresAt });
 * // → https://meet.example.org/cita…?jwt=eyJ…
 * ```
 */
export class JitsiRooms {
  private readonly base: string;

  constructor(
    private readonly opts: JitsiRoomsOptions,
    private readonly random: (bytes: number) => Buffer = randomBytes,
  ) {
    this.base = opts.baseUrl.replace(/\/+$/, '');
  }

  /** Whether links carry tokens (the server checks them) or the room is open to whoever has its name. */
  get secured(): boolean {
    return this.opts.app !== undefined;
  }

  newRoomName(): string {
    const bytes = this.random(RANDOM_CHARS);
    let name = ROOM_PREFIX;
    // One byte per character, 5 of its bits: 256 is a multiple of 32, so every letter is equally likely.
    for (let i = 0; i < RANDOM_CHARS; i++) name += ALPHABET[bytes[i]! & 31];
    return name;
  }

  /** The link that opens `room` for `who`, working from `now` until `expiresAt` when the server checks tokens. */
  linkFor(room: string, who: Participant, time: { now: Date; expiresAt: Date }): string {
    if (!ROOM_NAME.test(room)) throw new RangeError('not a room name of ours');
    const url = `${this.base}/${room}`;
    if (!this.opts.app) {
      // No token to carry the name: Jitsi reads it from the URL's fragment (never sent to the server).
      return `${url}#userInfo.displayName=${encodeURIComponent(JSON.stringify(who.name))}`;
    }
    return `${url}?jwt=${this.token(room, who, time)}`;
  }

  /** The JWT for `who` in `room` (prosody `token_verification`: iss, aud, sub, room, exp, nbf; context.user). */
  token(room: string, who: Participant, time: { now: Date; expiresAt: Date }): string {
    const app = this.opts.app;
    if (!app) throw new Error('token authentication is not configured');
    const iat = Math.floor(time.now.getTime() / 1_000);
    const claims = {
      iss: app.id,
      aud: this.opts.audience ?? 'jitsi',
      sub: this.opts.subject ?? new URL(this.base).hostname,
      room,
      iat,
      nbf: iat - NOT_BEFORE_SKEW_S,
      exp: Math.floor(time.expiresAt.getTime() / 1_000),
      context: { user: { name: who.name, moderator: who.moderator, ...(who.id ? { id: who.id } : {}) } },
      // Older prosody modules (token_moderation) read the flag at the top level.
      moderator: who.moderator,
    };
    // `iat` is ours (the caller's clock): jsonwebtoken keeps a given one rather than read the real clock.
    return jwt.sign(claims, app.secret, { algorithm: 'HS256' });
  }
}
