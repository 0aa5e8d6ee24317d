import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { Registry } from '@metacrm/metadata';
import type { Logger } from '../observability/logger.js';
import { QUEUE_NAMES, type QueueName } from '../queues/queues.js';

export interface JobContext {
  db: Db;
  logger: Logger;
}

/**
 * Handles one kind of job. Throw UnrecoverableError for a fault that a retry cannot
 * fix (bad configuration); any other error is retried with backoff.
 */
export type JobHandler = (job: Job, ctx: JobContext) => Promise<unknown>;

/** Job handlers keyed `<queue>:<job name>`, e.g. `jobs:import`. */
export type JobHandlers = Registry<JobHandler>;

export function createJobHandlers(): JobHandlers {
  return new Registry<JobHandler>('job handler');
}

export interface WorkerOptions {
  /** A blocking connection (createRedis `blocking`); each Worker duplicates it. */
  connection: Redis;
  prefix: string;
  db: Db;
  logger: Logger;
  handlers: JobHandlers;
  concurrency?: Partial<Record<QueueName, number>>;
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
      { connection, prefix, concurrency: options.concurrency?.[queue] ?? 4, autorun: true },
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
