import os from 'node:os';
import type { Job } from 'bullmq';
import type { Db } from 'mongodb';
import { Registry } from '@metacrm/metadata';
import type { Logger } from '../observability/logger.js';

/*
 * The job contract: what a job handler is given and may throw, and the lease a worker
 * holds its work under. Handlers live with their domain (records, automation) and are
 * registered at start; worker/worker.ts runs them. They meet here, below both.
 */

/** This process as run logs and run leases name it: host and pid, so an operator can find it. */
export const WORKER_ID = `${os.hostname()}:${process.pid}`;

/** How long a worker's hold on its work lasts unrenewed, unless WORKER_LEASE_MS says otherwise. */
export const DEFAULT_LEASE_MS = 15_000;

/** What a handler gets beside its job: the database and a logger naming the queue, job and id. */
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

/** An empty registry of job handlers; registering a key twice throws. */
export function createJobHandlers(): JobHandlers {
  return new Registry<JobHandler>('job handler');
}
