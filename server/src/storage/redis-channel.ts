import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * One Redis pub/sub channel that tells every process of a change, for caches that must
 * drop what they hold at once. A message published while a process was cut off from
 * Redis never reaches it, so the channel also says whether it is `live` (subscribed
 * and connected) and calls its `onReset` listeners whenever that changes: a cache then
 * drops everything, and does not trust itself until the channel is live again.
 */
export class RedisChannel {
  private readonly listeners = new Set<(message: string) => void>();
  private readonly resets = new Set<() => void>();
  private subscribed = false;

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    readonly name: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (channel: string, message: string) => {
      if (channel !== name) return;
      for (const listener of this.listeners) listener(message);
    });
    subscriber.on('close', () => this.setLive(false));
    // ioredis subscribes again by itself after a reconnect; live only once that is confirmed.
    subscriber.on('ready', () => void this.start().catch(() => undefined));
  }

  /** Subscribed and connected: every message published from now on will arrive. */
  get live(): boolean {
    return this.subscribed;
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.name);
    this.setLive(this.subscriber.status === 'ready');
  }

  onMessage(listener: (message: string) => void): void {
    this.listeners.add(listener);
  }

  /** Called when the channel goes down or comes back: messages may have been missed. */
  onReset(listener: () => void): void {
    this.resets.add(listener);
  }

  /** Tells the other processes. Best effort: a process that misses it is not `live`, or catches up by staleness. */
  async publish(message: string): Promise<void> {
    await this.publisher.publish(this.name, message).catch((err: Error) => {
      this.logger.warn(
        { err: err.message, channel: this.name },
        'could not publish a change; other processes catch up when their cache entries expire',
      );
    });
  }

  private setLive(live: boolean): void {
    if (live === this.subscribed) return;
    this.subscribed = live;
    for (const reset of this.resets) reset();
  }
}
