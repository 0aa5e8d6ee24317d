import type { Queue } from 'bullmq';
import type { ChangeStream, Db } from 'mongodb';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { RedisLease } from '../queues/redis-lease.js';
import { OUTBOX, type OutboxEvent } from '../audit/record-trail.js';

/** How an event job is retried before it lands in the failed (dead-letter) set. */
export const EVENT_JOB_OPTIONS = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 14 * 24 * 3600 },
} as const;

export interface OutboxRelayOptions {
  db: Db;
  /** The `events` queue. */
  queue: Queue;
  /** For the relay lease, so that one worker relays at a time. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /**
   * Pause between polls when there is nothing to move. A change stream on the outbox
   * wakes the relay as soon as an event commits, so the poll is only the fallback (a
   * server without change streams, a stream that broke).
   */
  idleMs?: number;
  /** Watch the outbox for inserts (default true). */
  watch?: boolean;
  batch?: number;
  /** A sent event not processed after this long, and without a job, is enqueued again. */
  sweepAfterMs?: number;
  sweepEveryMs?: number;
}

/**
 * Moves committed outbox events to BullMQ (ARCHITECTURE.md, Queues). Each event
 * becomes a job whose id is the event id, so relaying the same event twice (a crash
 * between enqueueing and marking it sent) adds nothing while the job exists, and the
 * event handlers are idempotent for the rest. Events are marked `sentAt` only after
 * BullMQ accepted them, so none is lost between the database and Redis.
 *
 * One worker relays at a time, holding a lease in Redis that it renews; another takes
 * over within the lease time when it dies. The sweeper re-enqueues events that were
 * sent but never processed and have no job any more (Redis lost them: a restart without
 * persistence, an eviction).
 */
export class OutboxRelay {
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private readonly lease: RedisLease;
  /**
   * The first sweep comes a sweep interval after start, not at once: what a worker that
   * takes the relay over from a dead one finds is still at work, and a sweep is a query
   * over the outbox, costly on a busy database. (Redis losing its data is noticed and
   * swept at once by RedisWipeWatch.)
   */
  private lastSweep = Date.now();
  private stream: ChangeStream | undefined;
  /** An insert arrived while the loop was busy: poll again at once instead of sleeping. */
  private nudged = false;

  constructor(private readonly options: OutboxRelayOptions) {
    this.lease = new RedisLease(options.redis, `${options.prefix}:outbox-relay`, 10_000);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.options.watch !== false) this.watchInserts();
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.stream?.close().catch(() => undefined);
    await this.loop;
    await this.lease.release();
  }

  /** Moves up to one batch of unsent events; answers how many. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const { db, queue, batch = 200 } = this.options;
    const events = await db
      .collection<OutboxEvent>(OUTBOX)
      .find({ sentAt: null }, { sort: { createdAt: 1 }, limit: batch, projection: { _id: 1, type: 1 } })
      .toArray();
    if (events.length === 0) return 0;
    await queue.addBulk(
      events.map((e) => ({
        name: e.type,
        data: { eventId: e._id.toHexString() },
        opts: { ...EVENT_JOB_OPTIONS, jobId: e._id.toHexString() },
      })),
    );
    await db
      .collection<OutboxEvent>(OUTBOX)
      .updateMany({ _id: { $in: events.map((e) => e._id) }, sentAt: null }, { $set: { sentAt: new Date() } });
    return events.length;
  }

  /** Re-enqueues sent, unprocessed events whose job is gone; answers how many. Exposed for tests. */
  async sweepOnce(olderThanMs = this.options.sweepAfterMs ?? 60_000): Promise<number> {
    const { db, queue } = this.options;
    const stale = await db
      .collection<OutboxEvent>(OUTBOX)
      .find(
        { sentAt: { $ne: null, $lt: new Date(Date.now() - olderThanMs) }, processedAt: null },
        { sort: { sentAt: 1 }, limit: 1000, projection: { _id: 1, type: 1 } },
      )
      .toArray();
    let requeued = 0;
    for (const event of stale) {
      const id = event._id.toHexString();
      if (await queue.getJob(id)) continue; // waiting, active, delayed, or failed for good (the dead-letter list)
      await queue.add(event.type, { eventId: id }, { ...EVENT_JOB_OPTIONS, jobId: id });
      requeued++;
    }
    if (requeued > 0) this.options.logger.warn({ requeued }, 'outbox sweeper re-enqueued events whose jobs were lost');
    return requeued;
  }

  /**
   * Wakes the loop on every committed insert into the outbox. Inserts inside a
   * transaction reach the stream when it commits, so the relay never sees an event
   * that could still roll back. The stream is a hint only: if it fails (a server
   * without change streams, a failover) the relay logs it, polls, and watches again
   * after a while.
   */
  private watchInserts(): void {
    const { db, logger } = this.options;
    try {
      const stream = db.collection(OUTBOX).watch([{ $match: { operationType: 'insert' } }, { $project: { _id: 1 } }]);
      this.stream = stream;
      stream.on('change', () => this.nudge());
      stream.on('error', (err: Error) => {
        logger.warn({ err: err.message }, 'outbox change stream failed; polling until it is watched again');
        void stream.close().catch(() => undefined);
        if (this.stream === stream) this.stream = undefined;
        setTimeout(() => this.running && !this.stream && this.watchInserts(), 30_000).unref();
      });
    } catch (err) {
      logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'cannot watch the outbox; polling');
    }
  }

  private nudge(): void {
    this.nudged = true;
    this.wake?.();
  }

  private async run(): Promise<void> {
    const { idleMs = 250, logger, sweepEveryMs = 15_000 } = this.options;
    let failures = 0;
    while (this.running) {
      let moved = 0;
      try {
        if (await this.lease.acquire()) {
          moved = await this.relayOnce();
          if (Date.now() - this.lastSweep >= sweepEveryMs) {
            this.lastSweep = Date.now();
            await this.sweepOnce();
          }
        }
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 20 === 0)
          logger.warn({ err: err instanceof Error ? err.message : String(err), failures }, 'outbox relay failed; retrying');
      }
      if (moved === 0 && !this.nudged) await this.sleep(failures > 0 ? Math.min(idleMs * 2 ** failures, 5000) : idleMs);
      this.nudged = false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
