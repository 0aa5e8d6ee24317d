import { Redis, type RedisOptions } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { withTimeout } from './mongo.js';

export type { Redis };

/**
 * Opens a Redis connection.
 * - `command`: for the API: commands fail at once while disconnected (no offline
 *   queue), so a request never hangs on a Redis outage; it answers 503.
 * - `blocking`: for BullMQ workers and subscribers: `maxRetriesPerRequest: null`, as
 *   BullMQ requires, so they wait out an outage and resume by themselves.
 * Both reconnect forever with a capped backoff.
 */
export function createRedis(url: string, kind: 'command' | 'blocking', logger: Logger, name: string = kind): Redis {
  const options: RedisOptions = {
    connectionName: `metacrm:${name}`,
    connectTimeout: 3000,
    retryStrategy: (attempt) => Math.min(100 * 2 ** attempt, 2000),
    ...(kind === 'command'
      ? { enableOfflineQueue: false, maxRetriesPerRequest: 1 }
      : { enableOfflineQueue: true, maxRetriesPerRequest: null }),
  };
  const redis = new Redis(url, options);
  let down = false;
  redis.on('error', (err: Error) => {
    if (!down) logger.warn({ err: err.message, connection: name }, 'redis connection error');
    down = true;
  });
  redis.on('ready', () => {
    if (down) logger.info({ connection: name }, 'redis connection restored');
    down = false;
  });
  return redis;
}

/** PING with a deadline. */
export async function pingRedis(redis: Redis, timeoutMs: number): Promise<void> {
  const answer = await withTimeout(redis.ping(), timeoutMs, 'redis ping');
  if (answer !== 'PONG') throw new Error(`unexpected redis answer ${answer}`);
}

/**
 * Resolves when the connection is ready, or after `timeoutMs` (false): a process may
 * start while Redis is down; it then reports not ready until Redis comes back.
 */
export async function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return await new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}
