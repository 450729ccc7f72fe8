import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { luaScript } from './lua';
import { systemClock, type Clock } from './clock';

/** How far linking a WhatsApp number by code may go. Defaults below. */
export interface LinkLimits {
  /** How long a code is valid. @defaultValue 10 min */
  codeTtlMs: number;
  /** Wrong codes that end one code (a new one must be asked for). @defaultValue 3 */
  wrongPerCode: number;
  /** Codes sent to one number per hour. @defaultValue 3 */
  codesPerNumberPerHour: number;
  /** Codes asked for from one conversation per hour, whatever the numbers. @defaultValue 5 */
  codesPerConversationPerHour: number;
  /** Wrong codes for one number in 24 h, over all attempts and conversations, before the lock. @defaultValue 10 */
  wrongPerNumberPerDay: number;
  /** How long linking that number stays locked after them. @defaultValue 24 h */
  lockMs: number;
}

export const DEFAULT_LINK_LIMITS: LinkLimits = {
  codeTtlMs: 10 * 60_000,
  wrongPerCode: 3,
  codesPerNumberPerHour: 3,
  codesPerConversationPerHour: 5,
  wrongPerNumberPerDay: 10,
  lockMs: 24 * 3_600_000,
};

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Whether a code went out now; otherwise why not. `waitMs`: how long that answer holds. */
export type CodeIssue =
  /** Sent; it is valid for `waitMs`. */
  | { kind: 'sent'; waitMs: number }
  /** A code sent earlier to this number is still valid: no second one. */
  | { kind: 'live'; waitMs: number }
  | { kind: 'numberBusy'; waitMs: number }
  | { kind: 'conversationBusy'; waitMs: number }
  | { kind: 'locked'; waitMs: number };

/** What a typed code turned out to be. */
export type CodeCheck =
  | { kind: 'right' }
  /** Wrong; `left` more tries for this code. */
  | { kind: 'wrong'; left: number }
  /** Wrong, and the last try for this code: it is void now. */
  | { kind: 'spent' }
  /** No live code for the number (never sent, expired, or already used). */
  | { kind: 'expired' }
  | { kind: 'locked'; waitMs: number };

/*
 * Sliding windows as sorted sets of event times (score = the caller's clock, so tests can move time);
 * Redis TTLs only clear what no window can see any more. Each script decides and records in one step,
 * so two conversations asking at once cannot both get under a limit.
 * The scripts' keys and arguments are described at the top of each file.
 */
const ISSUE_LUA = luaScript('bot/lua/link-attempt-limits/issue.lua');
const CHECK_LUA = luaScript('bot/lua/link-attempt-limits/check.lua');

/**
 * The one-time codes that prove a WhatsApp number, and the limits that keep them from being guessed:
 * one live code per number (a new one only when it expired or was used up), few codes per number and
 * per conversation per hour (each is a WhatsApp message to the number's owner), few wrong codes per
 * number per day over every attempt, then linking that number is locked for a day.
 *
 * Shared by every process through Redis. Codes are kept only as hashes; keys name numbers by hash too.
 *
 * Hand-written on purpose (issue 14): the limits are not counters beside the code but part of it — a
 * code is sent only if no lock, no live code and neither hourly window says no, and a wrong code both
 * counts toward the day's lock and spends the code, each in one atomic script. rate-limiter-flexible
 * would cover the counters but not the code they guard, so two requests at once could both get a code.
 */
export class LinkAttemptLimits {
  private readonly limits: LinkLimits;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly clock: Clock = systemClock,
    limits: Partial<LinkLimits> = {},
  ) {
    this.limits = { ...DEFAULT_LINK_LIMITS, ...limits };
    if (!redis.linkIssue) redis.defineCommand('linkIssue', { numberOfKeys: 4, lua: ISSUE_LUA });
    if (!redis.linkCheck) redis.defineCommand('linkCheck', { numberOfKeys: 3, lua: CHECK_LUA });
  }

  /**
   * Makes `code` the number's live code if every limit allows it (and counts it): the caller sends it
   * only when the answer is `sent`. `conversation` names the chat that asks (channel and id).
   */
  async issue(phone: string, conversation: string, code: string): Promise<CodeIssue> {
    const l = this.limits;
    const n = this.numberKey(phone);
    const now = this.clock();
    const [kind, until] = await this.redis.linkIssue(
      `${n}:code`, `${n}:sent`, `${this.prefix}:link:conversation:${digest(conversation)}:sent`, `${n}:lock`,
      String(now), codeHash(phone, code), String(l.codeTtlMs), String(l.codesPerNumberPerHour),
      String(l.codesPerConversationPerHour), String(HOUR_MS), randomUUID(),
    );
    return { kind: kind as CodeIssue['kind'], waitMs: until - now };
  }

  /** Checks a typed code against the number's live code; a right one is used up. */
  async check(phone: string, code: string): Promise<CodeCheck> {
    const l = this.limits;
    const n = this.numberKey(phone);
    const now = this.clock();
    const [kind, value] = await this.redis.linkCheck(
      `${n}:code`, `${n}:wrong`, `${n}:lock`,
      String(now), codeHash(phone, code), String(l.wrongPerCode), String(l.wrongPerNumberPerDay),
      String(DAY_MS), String(l.lockMs), randomUUID(),
    );
    switch (kind) {
      case 'wrong': return { kind, left: value };
      case 'locked': return { kind, waitMs: value - now };
      default: return { kind: kind as 'right' | 'spent' | 'expired' };
    }
  }

  private numberKey(phone: string): string {
    return `${this.prefix}:link:number:${digest(phone)}`;
  }
}

const digest = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);
/** The code is hashed with its number: a hash says nothing about another number's code. */
const codeHash = (phone: string, code: string): string => createHash('sha256').update(`${phone}:${code}`).digest('hex');

declare module 'ioredis' {
  interface RedisCommander<Context> {
    linkIssue(...args: string[]): Promise<[string, number]>;
    linkCheck(...args: string[]): Promise<[string, number]>;
  }
}
