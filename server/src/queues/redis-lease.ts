import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * A lease in Redis that one process of many holds at a time (the outbox relay, the
 * schedule tick): a key holding the holder's token, expiring after `ttlMs` unless
 * renewed. Taking it when it is free or already ours renews it; releasing drops it
 * only while it is still ours, so a holder that stalled past its expiry never drops a
 * successor's lease.
 */
export class RedisLease {
  private readonly token = randomUUID();

  constructor(
    private readonly redis: Redis,
    readonly key: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; false while another process holds it. */
  async acquire(): Promise<boolean> {
    return (await this.redis.eval(ACQUIRE, 1, this.key, this.token, String(this.ttlMs))) === 1;
  }

  /** Drops the lease if it is still ours; never throws (it expires anyway). */
  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }
}

/** Set the lease if free or ours, renewing its expiry. */
const ACQUIRE = `
local holder = redis.call('GET', KEYS[1])
if holder == false or holder == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
return 0`;

/** Drop the lease only if it is still ours. */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0`;
