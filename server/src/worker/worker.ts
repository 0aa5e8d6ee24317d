import { UnrecoverableError, Worker, type WorkerOptions as BullWorkerOptions } from 'bullmq';
import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import type { Logger } from '../observability/logger.js';
import { DEFAULT_LEASE_MS, type JobHandlers } from '../queues/jobs.js';
import { QUEUE_NAMES, type QueueName } from '../queues/queues.js';

/**
 * Queues whose jobs resume from state kept in MongoDB and are safe to run again (record
 * events are handled idempotently; a workflow run is fenced by its lease, see
 * run-lease.ts). A worker dying mid-job is an ordinary event for them, so:
 * - a dead worker's jobs are taken back sooner: their lock lasts the worker lease
 *   (WORKER_LEASE_MS, 15 s) and is checked at a third of it, instead of BullMQ's 30 s
 *   and 30 s (recovery 10–20 s after the crash instead of 30–60 s); a lock that lapses
 *   while its worker is only slow costs a duplicate that the lease or idempotency stops;
 * - a job survives many crashes: BullMQ fails a job that stalls more than once by
 *   default, which would leave an event unhandled for good after two unlucky crashes.
 *   A job that kills its worker every time still ends in the failed list after 20.
 * Their jobs spend nearly all their time waiting on the database and on outside calls
 * (an HTTP step may wait 30 s), so a worker runs 16 of each at once rather than 4.
 */
function resumable(leaseMs: number): Pick<BullWorkerOptions, 'lockDuration' | 'stalledInterval' | 'maxStalledCount'> {
  return { lockDuration: leaseMs, stalledInterval: Math.max(1000, Math.round(leaseMs / 3)), maxStalledCount: 20 };
}
const RESUMABLE_QUEUES: readonly QueueName[] = ['events', 'workflows'];
/** Jobs a worker runs at once per queue, unless WorkerOptions.concurrency says otherwise. */
export const DEFAULT_CONCURRENCY: Record<QueueName, number> = { events: 16, workflows: 16, jobs: 4 };

export interface WorkerOptions {
  /** A blocking connection (createRedis `blocking`); each Worker duplicates it. */
  connection: Redis;
  prefix: string;
  db: Db;
  logger: Logger;
  handlers: JobHandlers;
  concurrency?: Partial<Record<QueueName, number>>;
  /** The lock of event and run jobs (WORKER_LEASE_MS); DEFAULT_LEASE_MS when unset. */
  leaseMs?: number | undefined;
}

/** The running BullMQ workers of this process, one per queue. */
export interface Workers {
  workers: Worker[];
  /** Waits for active jobs to finish (up to BullMQ's own limits), then disconnects. */
  close(): Promise<void>;
}

export function startWorkers(options: WorkerOptions): Workers {
  const { connection, prefix, db, logger, handlers } = options;
  const workers = QUEUE_NAMES.map((queue) => {
    const worker = new Worker(
      queue,
      async (job) => {
        const handler = handlers.get(`${queue}:${job.name}`);
        if (!handler) throw new UnrecoverableError(`No handler for job "${job.name}" on queue "${queue}"`);
        return await handler(job, { db, logger: logger.child({ queue, job: job.name, jobId: job.id }) });
      },
      {
        connection,
        prefix,
        concurrency: options.concurrency?.[queue] ?? DEFAULT_CONCURRENCY[queue],
        autorun: true,
        ...(RESUMABLE_QUEUES.includes(queue) ? resumable(options.leaseMs ?? DEFAULT_LEASE_MS) : {}),
      },
    );
    worker.on('failed', (job, err) => {
      logger.warn({ queue, job: job?.name, jobId: job?.id, attempts: job?.attemptsMade, err: err.message }, 'job failed');
    });
    worker.on('error', (err) => logger.warn({ queue, err: err.message }, 'worker error'));
    return worker;
  });
  return {
    workers,
    async close() {
      await Promise.all(workers.map((w) => w.close()));
    },
  };
}
