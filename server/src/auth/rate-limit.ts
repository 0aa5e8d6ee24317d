import type { Redis } from 'ioredis';
import { RateLimited } from './auth.errors.js';

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

/**
 * A fixed one-minute window per key in Redis (INCR + EXPIRE), shared by every API
 * process. Coarse at the window edge, cheap and predictable for integrations.
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  /** Counts one request; throws RATE_LIMITED with the seconds to wait once over `limit`. */
  async hit(key: string, limit: number): Promise<RateLimitState> {
    const now = Date.now();
    const window = Math.floor(now / 60_000);
    const redisKey = `${this.prefix}:ratelimit:${key}:${window}`;
    const results = await this.redis.multi().incr(redisKey).expire(redisKey, 61).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * 60_000 - now) / 1000));
    if (count > limit)
      throw RateLimited(`More than ${limit} requests in a minute with this token; try again in ${resetSeconds} s`, {
        limit,
        retryAfterSeconds: resetSeconds,
      });
    return { limit, remaining: limit - count, resetSeconds };
  }
}
