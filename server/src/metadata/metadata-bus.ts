import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';

/**
 * Tells every process that the current metadata version changed (Redis pub/sub), so
 * each drops its cached snapshot at once rather than on its staleness timer.
 */
export class MetadataBus {
  private readonly listeners = new Set<(version: number) => void>();

  constructor(
    private readonly publisher: Redis,
    private readonly subscriber: Redis,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {
    subscriber.on('message', (ch: string, message: string) => {
      if (ch !== channel) return;
      const version = Number(message);
      for (const listener of this.listeners) listener(version);
    });
  }

  async start(): Promise<void> {
    await this.subscriber.subscribe(this.channel);
  }

  onChange(listener: (version: number) => void): void {
    this.listeners.add(listener);
  }

  /** Announces a new version. Best effort: if Redis is down, caches catch up by staleness. */
  async announce(version: number): Promise<void> {
    for (const listener of this.listeners) listener(version);
    await this.publisher.publish(this.channel, String(version)).catch((err: Error) => {
      this.logger.warn({ err: err.message, version }, 'could not announce the new metadata version; other processes will pick it up within their staleness window');
    });
  }
}
