import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../server/src/runtime/platform.js';
import { createJobHandlers } from '../../server/src/queues/jobs.js';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { startTestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: Platform;
let queue: Queue;
let events: QueueEvents;
const seen: number[] = [];

beforeAll(async () => {
  await openTestRedis(env);
  const handlers = createJobHandlers().register('jobs:double', async (job, ctx) => {
    seen.push(job.data.n);
    await ctx.db.collection('doubled').insertOne({ n: job.data.n, twice: job.data.n * 2 });
    return job.data.n * 2;
  });
  platform = await startTestPlatform({
    role: 'worker',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    handlers,
  });
  queue = new Queue('jobs', { connection: { url: env.redisUrl }, prefix: env.prefix });
  events = new QueueEvents('jobs', { connection: { url: env.redisUrl }, prefix: env.prefix });
  await events.waitUntilReady();
});

afterAll(async () => {
  await queue?.close();
  await events?.close();
  await platform?.stop();
});

describe('worker', () => {
  it('runs a registered job handler with the database handed to it', async () => {
    const job = await queue.add('double', { n: 21 });
    expect(await job.waitUntilFinished(events, 20_000)).toBe(42);
    expect(await platform.mongo.db(env.dbName).collection('doubled').findOne({ n: 21 })).toMatchObject({ twice: 42 });
  });

  it('fails a job with no handler at once, without retrying it', async () => {
    const job = await queue.add('no-such-job', {}, { attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    await expect(job.waitUntilFinished(events, 20_000)).rejects.toThrow(/No handler for job "no-such-job"/);
    const failed = await queue.getJob(job.id!);
    expect(failed?.attemptsMade).toBe(1);
    expect(await failed?.getState()).toBe('failed');
  });

  it('lets an active job finish before a graceful stop completes', async () => {
    // A second platform whose handler is slow: stop() must wait for it.
    let finished = false;
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const handlers = createJobHandlers().register('jobs:slow', async () => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 500));
      finished = true;
      return 'ok';
    });
    const second = await startTestPlatform({
      role: 'worker',
      mongoUrl: env.mongoUrl,
      redisUrl: env.redisUrl,
      database: env.dbName,
      queuePrefix: `${env.prefix}_slow`,
      handlers,
    });
    const slowQueue = new Queue('jobs', { connection: { url: env.redisUrl }, prefix: `${env.prefix}_slow` });
    const job = await slowQueue.add('slow', {});
    await running;
    await second.stop();
    expect(finished).toBe(true);
    expect(await (await slowQueue.getJob(job.id!))?.getState()).toBe('completed');
    await slowQueue.close();
  });
});
