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
 * Brute-force protection of sign-in, kept in Redis so every API process shares it.
 * Three counters of failures: per account, per address, and per account at one
 * address. Failures on an account slow down every attempt on it (whatever the
 * address), but only an address is ever refused: one that failed too often on this
 * account, or on too many accounts. So an attacker cannot lock the owner out: the
 * right password from another address still works, only more slowly.
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
   * this address is refused, else resolves with how long to delay this attempt.
   */
  async check(email: string, ip: string): Promise<number> {
    const keys = this.keys(email, ip);
    const [account, address, pair] = (await this.redis.mget(keys.account, keys.address, keys.pair)).map((v) => Number(v ?? 0)) as [number, number, number];
    const blocking = pair >= this.options.blockAfter ? keys.pair : address >= this.options.addressBlockAfter ? keys.address : undefined;
    if (blocking !== undefined) {
      const ttl = await this.redis.ttl(blocking);
      const retryAfterSeconds = ttl > 0 ? ttl : this.options.windowSeconds;
      throw LoginThrottled(`Too many failed sign-ins from this address; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
    const over = Math.max(account - this.options.delayAfter, address - this.options.addressDelayAfter);
    if (over < 0) return 0;
    return Math.min(this.options.baseDelayMs * 2 ** over, this.options.maxDelayMs);
  }

  async failed(email: string, ip: string): Promise<void> {
    const multi = this.redis.multi();
    for (const key of Object.values(this.keys(email, ip))) multi.incr(key).expire(key, this.options.windowSeconds, 'NX');
    await multi.exec();
  }

  /** The owner proved who they are: forget this account's failures (not the address's). */
  async succeeded(email: string, ip: string): Promise<void> {
    const keys = this.keys(email, ip);
    await this.redis.del(keys.account, keys.pair);
  }
}
