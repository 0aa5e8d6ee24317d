import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LoginThrottled } from './auth.errors.js';

export interface LoginThrottleOptions {
  /** Failures on an account after which every attempt on it waits first. */
  delayAfter: number;
  /**
   * Failures from an address (over all accounts) after which its attempts wait first;
   * higher than delayAfter because many people may share an office's address.
   */
  addressDelayAfter: number;
  /** Failures on one account from one address after which that address is refused. */
  blockAfter: number;
  /** Failures from one address, over all accounts, after which it is refused. */
  addressBlockAfter: number;
  /** Counters expire this long after their first failure. */
  windowSeconds: number;
  /** The first delay; each further failure doubles it, up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_LOGIN_THROTTLE: LoginThrottleOptions = {
  delayAfter: 3,
  addressDelayAfter: 10,
  blockAfter: 10,
  addressBlockAfter: 50,
  windowSeconds: 15 * 60,
  baseDelayMs: 250,
  maxDelayMs: 4000,
};

/**
 * One sign-in attempt, counted before its password (or code) is checked. A wrong
 * guess leaves the count standing (do nothing); a right one forgets the account's
 * failures; an attempt that never got to a verdict (the database failed, say) gives
 * its count back. Settling twice is a no-op.
 */
export interface LoginAttempt {
  /** How long to wait before checking (the failures before this attempt slow it down). */
  readonly delayMs: number;
  succeeded(): Promise<void>;
  release(): Promise<void>;
}

/**
 * Brute-force protection of sign-in, kept in Redis so every API process shares it.
 * Three counters of attempts that have not succeeded: per account, per address, and
 * per account at one address. Failures on an account slow down every attempt on it
 * (whatever the address), but only an address is ever refused: one that failed too
 * often on this account, or on too many accounts. So an attacker cannot lock the
 * owner out: the right password from another address still works, only more slowly.
 *
 * An attempt is counted atomically (one Lua script) before its password is checked,
 * and only then checked: a burst of parallel guesses cannot all read the counters
 * before any raised them, so no burst gets more tries than the limits.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: LoginThrottleOptions = DEFAULT_LOGIN_THROTTLE,
  ) {}

  private keys(email: string, ip: string) {
    const account = createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 32);
    return {
      account: `${this.prefix}:login:account:${account}`,
      address: `${this.prefix}:login:address:${ip}`,
      pair: `${this.prefix}:login:pair:${account}:${ip}`,
    };
  }

  /**
   * Before checking a password: throws LOGIN_THROTTLED (with the seconds to wait) when
   * this address is refused; else counts the attempt as a failure until it is settled,
   * and says how long to delay it.
   */
  async reserve(email: string, ip: string): Promise<LoginAttempt> {
    const keys = this.keys(email, ip);
    const { blockAfter, addressBlockAfter, windowSeconds } = this.options;
    const answer = (await this.redis.eval(
      RESERVE,
      3,
      keys.account,
      keys.address,
      keys.pair,
      blockAfter,
      addressBlockAfter,
      windowSeconds,
    )) as [number, number, number];
    if (answer[0] === 1) {
      const ttl = answer[1];
      const retryAfterSeconds = ttl > 0 ? ttl : windowSeconds;
      throw LoginThrottled(`Too many failed sign-ins from this address; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    let settled = false;
    const settle = async (script: string) => {
      if (settled) return;
      settled = true;
      await this.redis.eval(script, 3, keys.account, keys.address, keys.pair);
    };
    return {
      delayMs: this.delayFor(answer[1], answer[2]),
      succeeded: () => settle(SUCCEEDED),
      release: () => settle(RELEASE),
    };
  }

  /** Counts before this attempt past the thresholds: a delay doubling per failure. */
  private delayFor(account: number, address: number): number {
    const over = Math.max(account - this.options.delayAfter, address - this.options.addressDelayAfter);
    if (over < 0) return 0;
    return Math.min(this.options.baseDelayMs * 2 ** over, this.options.maxDelayMs);
  }
}

/**
 * KEYS: account, address, pair; ARGV: blockAfter, addressBlockAfter, windowSeconds.
 * Refused: {1, ttl of the counter that refuses}. Else every counter is raised (expiring
 * a window after its first attempt) and the counts before it come back: {0, account, address}.
 */
const RESERVE = `
local pair = tonumber(redis.call('GET', KEYS[3]) or '0')
local address = tonumber(redis.call('GET', KEYS[2]) or '0')
if pair >= tonumber(ARGV[1]) then return {1, redis.call('TTL', KEYS[3]), 0} end
if address >= tonumber(ARGV[2]) then return {1, redis.call('TTL', KEYS[2]), 0} end
local account = tonumber(redis.call('GET', KEYS[1]) or '0')
for _, key in ipairs(KEYS) do
  redis.call('INCR', key)
  redis.call('EXPIRE', key, ARGV[3], 'NX')
end
return {0, account, address}`;

/** The owner proved who they are: forget this account's failures, and give back the address's count of this attempt (not its other failures). */
const SUCCEEDED = `
redis.call('DEL', KEYS[1], KEYS[3])
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then redis.call('DECR', KEYS[2]) end
return 1`;

/** The attempt reached no verdict: give its count back on every counter that still holds it. */
const RELEASE = `
for _, key in ipairs(KEYS) do
  if tonumber(redis.call('GET', key) or '0') > 0 then redis.call('DECR', key) end
end
return 1`;
