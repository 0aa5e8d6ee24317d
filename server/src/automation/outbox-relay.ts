import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Db, ObjectId } from 'mongodb';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { OUTBOX } from '../records/record-writer.js';

/** How an event job is retried before it lands in the failed (dead-letter) set. */
export const EVENT_JOB_OPTIONS = { attempts: 8, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: { age: 24 * 3600 }, removeOnFail: { age: 14 * 24 * 3600 } } as const;

export interface OutboxEvent {
  _id: ObjectId;
  type: string;
  entity: string;
  recordId: ObjectId;
  version: number;
  createdAt: Date;
  /** When the relay handed it to BullMQ; null until then. */
  sentAt: Date | null;
  /** When its handlers finished; absent until then. */
  processedAt?: Date | null;
}

export interface OutboxRelayOptions {
  db: Db;
  /** The `events` queue. */
  queue: Queue;
  /** For the relay lease, so that one worker relays at a time. */
  redis: Redis;
  prefix: string;
  logger: Logger;
  /** Pause between polls when there is nothing to move. */
  idleMs?: number;
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
  private readonly token = randomUUID();
  /**
   * The first sweep comes a sweep interval after start, not at once: what a worker that
   * takes the relay over from a dead one finds is still at work, and a sweep is a query
   * over the outbox, costly on a busy database. (Redis losing its data is noticed and
   * swept at once by RedisWipeWatch.)
   */
  private lastSweep = Date.now();

  constructor(private readonly options: OutboxRelayOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.options.redis.eval(RELEASE, 1, this.leaseKey, this.token).catch(() => undefined);
  }

  /** Moves up to one batch of unsent events; answers how many. Exposed for tests. */
  async relayOnce(): Promise<number> {
    const { db, queue, batch = 200 } = this.options;
    const events = await db.collection<OutboxEvent>(OUTBOX).find({ sentAt: null }, { sort: { createdAt: 1 }, limit: batch, projection: { _id: 1, type: 1 } }).toArray();
    if (events.length === 0) return 0;
    await queue.addBulk(events.map((e) => ({ name: e.type, data: { eventId: e._id.toHexString() }, opts: { ...EVENT_JOB_OPTIONS, jobId: e._id.toHexString() } })));
    await db.collection<OutboxEvent>(OUTBOX).updateMany({ _id: { $in: events.map((e) => e._id) }, sentAt: null }, { $set: { sentAt: new Date() } });
    return events.length;
  }

  /** Re-enqueues sent, unprocessed events whose job is gone; answers how many. Exposed for tests. */
  async sweepOnce(olderThanMs = this.options.sweepAfterMs ?? 60_000): Promise<number> {
    const { db, queue } = this.options;
    const stale = await db
      .collection<OutboxEvent>(OUTBOX)
      .find({ sentAt: { $ne: null, $lt: new Date(Date.now() - olderThanMs) }, processedAt: null }, { sort: { sentAt: 1 }, limit: 1000, projection: { _id: 1, type: 1 } })
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

  private get leaseKey(): string {
    return `${this.options.prefix}:outbox-relay`;
  }

  private async run(): Promise<void> {
    const { idleMs = 250, logger, sweepEveryMs = 15_000 } = this.options;
    let failures = 0;
    while (this.running) {
      let moved = 0;
      try {
        if (await this.holdLease()) {
          moved = await this.relayOnce();
          if (Date.now() - this.lastSweep >= sweepEveryMs) {
            this.lastSweep = Date.now();
            await this.sweepOnce();
          }
        }
        failures = 0;
      } catch (err) {
        failures++;
        if (failures === 1 || failures % 20 === 0) logger.warn({ err: err instanceof Error ? err.message : String(err), failures }, 'outbox relay failed; retrying');
      }
      if (moved === 0) await this.sleep(failures > 0 ? Math.min(idleMs * 2 ** failures, 5000) : idleMs);
    }
  }

  /** Takes or renews the lease (10 s); false while another worker holds it. */
  private async holdLease(): Promise<boolean> {
    const held = await this.options.redis.eval(ACQUIRE, 1, this.leaseKey, this.token, '10000');
    return held === 1;
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
