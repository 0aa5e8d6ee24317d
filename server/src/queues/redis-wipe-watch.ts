import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

export interface RedisWipeWatchOptions {
  /** A command connection (createRedis `command`). */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Puts back what Redis lost (the sweepers, at once); errors are logged and tried again at the next look. */
  onWipe: () => Promise<void>;
  /** How often to look, besides on every reconnect. */
  everyMs?: number;
}

/**
 * Notices that Redis has lost its data: restarted without persistence, flushed, or
 * failed over to an empty replica. Jobs are then gone, and the sweepers would put runs
 * and events back only once they look stale (a minute); this has them put back at once.
 *
 * A marker key holds a random epoch. A watch remembers the epoch it saw; when the key is
 * missing (or holds another epoch that a watch in another process set after the loss),
 * Redis has been emptied since. The first look of a new process counts as a wipe only
 * when there is no marker at all: a fresh or emptied Redis, found at start. Several
 * workers may all react to one wipe; the sweepers are safe to run at once.
 */
export class RedisWipeWatch {
  private epoch: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private looking: Promise<void> | undefined;
  private sweepDue = false;
  private readonly onReady = () => void this.look();

  constructor(private readonly options: RedisWipeWatchOptions) {}

  start(): void {
    this.options.redis.on('ready', this.onReady);
    this.timer = setInterval(this.onReady, this.options.everyMs ?? 5000);
    this.timer.unref();
    void this.look();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.options.redis.off('ready', this.onReady);
    await this.looking;
  }

  /** Looks once (one look at a time); exposed for tests. */
  look(): Promise<void> {
    this.looking ??= this.check()
      .catch((err: unknown) =>
        this.options.logger.debug({ err: err instanceof Error ? err.message : String(err) }, 'redis wipe check failed'),
      )
      .finally(() => (this.looking = undefined));
    return this.looking;
  }

  private get key(): string {
    return `${this.options.prefix}:redis-epoch`;
  }

  private async check(): Promise<void> {
    const { redis, logger, onWipe } = this.options;
    const seen = await redis.get(this.key);
    if (seen === null || seen !== this.epoch) {
      const first = this.epoch === undefined;
      if (seen === null) {
        const mine = randomUUID();
        this.epoch = (await redis.set(this.key, mine, 'NX')) === 'OK' ? mine : ((await redis.get(this.key)) ?? undefined);
      } else {
        this.epoch = seen;
      }
      // A process starting against a Redis that has its data has nothing to put back.
      if (!first || seen === null) {
        this.sweepDue = true;
        if (first)
          logger.info(
            'Redis holds no marker of this installation (new, or emptied while no worker ran): putting back runs and events without a job',
          );
        else
          logger.warn(
            'Redis has lost its data (restarted without persistence, or emptied): putting back the runs and events whose jobs went with it',
          );
      }
    }
    if (!this.sweepDue) return;
    await onWipe(); // if it fails, the next look tries again
    this.sweepDue = false;
  }
}
