import { UnrecoverableError, type Job } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import { Registry } from '@metacrm/metadata';
import type { Logger } from '../observability/logger.js';
import { OUTBOX, RECORD_EVENT_TYPES, type OutboxEvent } from '../audit/record-trail.js';
import type { JobHandler, JobHandlers } from '../queues/jobs.js';

/**
 * Something that reacts to committed record events: the workflow trigger matcher,
 * plugins. Delivery is at least once (a retry, a sweeper re-enqueue), so `handle` must
 * be idempotent on the event id; an error makes BullMQ retry the whole event.
 */
export interface RecordEventSubscriber {
  /** Event types (`record.update`) or `*`. */
  types: readonly string[] | '*';
  handle(event: OutboxEvent, ctx: { db: Db; logger: Logger }): Promise<void>;
}

export type RecordEventSubscribers = Registry<RecordEventSubscriber>;

export function createRecordEventSubscribers(): RecordEventSubscribers {
  return new Registry<RecordEventSubscriber>('record event subscriber');
}

/**
 * Registers the `events:<type>` job handlers: each loads the event from the outbox,
 * runs every subscriber for its type, then marks it processed (which the sweeper reads
 * to tell a lost job from a finished one).
 */
export function registerRecordEventHandlers(handlers: JobHandlers, subscribers: RecordEventSubscribers): void {
  const handler: JobHandler = async (job: Job, ctx) => {
    const id = String((job.data as { eventId?: unknown }).eventId ?? '');
    if (!/^[0-9a-f]{24}$/.test(id)) throw new UnrecoverableError(`Bad event id "${id.slice(0, 40)}"`);
    const events = ctx.db.collection<OutboxEvent>(OUTBOX);
    const event = await events.findOne({ _id: new ObjectId(id) });
    if (!event) return { eventId: id, skipped: 'no such event' };
    if (event.processedAt) return { eventId: id, skipped: 'already processed' };
    for (const [name, subscriber] of subscribers.entries()) {
      if (subscriber.types !== '*' && !subscriber.types.includes(event.type)) continue;
      await subscriber.handle(event, { db: ctx.db, logger: ctx.logger.child({ subscriber: name, eventId: id }) });
    }
    await events.updateOne({ _id: event._id }, { $set: { processedAt: new Date() } });
    return { eventId: id };
  };
  for (const type of RECORD_EVENT_TYPES) handlers.register(`events:${type}`, handler);
}
