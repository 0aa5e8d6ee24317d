import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/**
 * The platform's queues. Jobs carry ids only; their state lives in MongoDB.
 * - `events`: record events moved from the transactional outbox.
 * - `workflows`: workflow runs (jobId = run id).
 * - `jobs`: background work such as imports and exports.
 */
export const QUEUE_NAMES = ['events', 'workflows', 'jobs'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export type Queues = Record<QueueName, Queue>;

/**
 * Producer-side queues over a fail-fast connection (see createRedis `command`). Their
 * connection errors are the connection's, which logs them; without a listener, BullMQ
 * would print each one to stderr as well while Redis is down.
 */
export function createQueues(connection: Redis, prefix: string): Queues {
  return Object.fromEntries(
    QUEUE_NAMES.map((name) => [name, new Queue(name, { connection, prefix }).on('error', () => undefined)]),
  ) as Queues;
}

export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(Object.values(queues).map((q) => q.close()));
}

export const JOB_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/** Job counts per queue and state. */
export async function queueDepths(queues: Queues): Promise<Record<QueueName, Record<string, number>>> {
  const entries = await Promise.all(QUEUE_NAMES.map(async (name) => [name, await queues[name].getJobCounts(...JOB_STATES)] as const));
  return Object.fromEntries(entries) as Record<QueueName, Record<string, number>>;
}
