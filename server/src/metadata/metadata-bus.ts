import type { RedisChannel } from '../storage/redis-channel.js';

/**
 * Tells every process that the current metadata version changed, so each drops its
 * cached snapshot at once rather than on its staleness timer. A process that lost its
 * link to Redis may have missed a version, so it drops its snapshot then too.
 */
export class MetadataBus {
  private readonly listeners = new Set<(version: number | null) => void>();

  constructor(private readonly channel: RedisChannel) {
    channel.onMessage((message) => this.emit(Number(message)));
    channel.onReset(() => this.emit(null));
  }

  async start(): Promise<void> {
    await this.channel.start();
  }

  /** `version` is null when the link to Redis went down or came back: any version may be current. */
  onChange(listener: (version: number | null) => void): void {
    this.listeners.add(listener);
  }

  /** Announces a new version. Best effort: if Redis is down, caches catch up by staleness. */
  async announce(version: number): Promise<void> {
    this.emit(version);
    await this.channel.publish(String(version));
  }

  private emit(version: number | null): void {
    for (const listener of this.listeners) listener(version);
  }
}
