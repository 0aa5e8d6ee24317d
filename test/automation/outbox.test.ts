import { Queue } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OutboxRelay } from '../../server/src/automation/outbox-relay.js';
import { createLogger } from '../../server/src/observability/logger.js';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Record events leave through the transactional outbox: the relay moves them to BullMQ
 * with jobId = event id, subscribers in the worker see each one, and the sweeper puts
 * back events whose jobs Redis lost.
 */
const env = testEnv(import.meta.url);
const seen: string[] = [];
const watcher: MetacrmPlugin = {
  name: 'event-watcher',
  load(api) {
    api.recordEvents.register('watch', { types: '*', handle: async (event) => void seen.push(event._id.toHexString()) });
  },
};
let db: Db;
let redis: Redis;
let apiOnly: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  redis = await openTestRedis(env);
  // An API process alone: nothing relays, so events wait in the outbox.
  apiOnly = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    role: 'api',
  });
  api = apiClient(apiOnly.url, { token: apiOnly.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await apiOnly?.stop();
});

const outbox = () => db.collection('outbox');

describe('the outbox relay', () => {
  it('moves each committed event to BullMQ once, with the event id as job id, and the sweeper restores lost jobs', async () => {
    for (let i = 0; i < 12; i++) {
      const created = await api.post<{ id: string }>('/api/records/account', { name: `Relay ${i}` });
      await api.patch(`/api/records/account/${created.body.id}`, { employees: i });
    }
    const events = await outbox().find({}).toArray();
    expect(events.length).toBe(24);
    expect(events.every((e) => e.sentAt === null)).toBe(true);

    const queue = new Queue('events', { connection: redis.duplicate(), prefix: env.prefix });
    const relay = new OutboxRelay({ db, queue, redis, prefix: env.prefix, logger: createLogger('silent'), batch: 10 });
    expect([await relay.relayOnce(), await relay.relayOnce(), await relay.relayOnce(), await relay.relayOnce()]).toEqual([10, 10, 4, 0]);
    expect(await outbox().countDocuments({ sentAt: null })).toBe(0);
    for (const e of events) expect((await queue.getJob(e._id.toHexString()))?.name).toBe(e.type);
    expect(await queue.count()).toBe(24);

    // Relaying an event again (a crash between enqueueing and marking) adds no job.
    await outbox().updateMany({}, { $set: { sentAt: null } });
    while ((await relay.relayOnce()) > 0);
    expect(await queue.count()).toBe(24);

    // Redis loses everything of this prefix (a restart without persistence).
    const keys = await redis.keys(`${env.prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    expect(await queue.count()).toBe(0);
    expect(await relay.sweepOnce(0)).toBe(24);
    expect(await queue.count()).toBe(24);
    expect(await relay.sweepOnce(0)).toBe(0);
    await queue.close();
  });

  it('is woken by the outbox change stream when an event commits, not by its poll', async () => {
    const queue = new Queue('events-watch', { connection: redis.duplicate(), prefix: env.prefix });
    // A poll once a minute: within the few seconds below only the change stream can wake it.
    const relay = new OutboxRelay({ db, queue, redis, prefix: `${env.prefix}-watch`, logger: createLogger('silent'), idleMs: 60_000 });
    relay.start();
    try {
      // The first poll runs at start; wait for it to go idle on an empty outbox.
      await waitFor('the first poll', async () => ((await outbox().countDocuments({ sentAt: null })) === 0 ? true : undefined), {
        timeoutMs: 10_000,
      });
      const created = await api.post<{ id: string }>('/api/records/account', { name: 'Woken' });
      const sent = await waitFor(
        'the event relayed',
        async () => (await outbox().findOne({ recordId: new ObjectId(created.body.id), sentAt: { $ne: null } })) ?? undefined,
        { timeoutMs: 10_000 },
      );
      expect((await queue.getJob(sent._id.toHexString()))?.name).toBe('record.create');
      // Hand it back to the outbox for the worker of the next test.
      await outbox().updateOne({ _id: sent._id }, { $set: { sentAt: null } });
    } finally {
      await relay.stop();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });

  it('has a worker process every event and mark it processed; subscribers see each one', async () => {
    const worker = await startTestPlatform({
      mongoUrl: env.mongoUrl,
      redisUrl: env.redisUrl,
      database: env.dbName,
      queuePrefix: env.prefix,
      role: 'worker',
      plugins: [watcher],
    });
    try {
      const created = await api.post<{ id: string }>('/api/records/account', { name: 'Late' });
      await api.delete(`/api/records/account/${created.body.id}`);
      await waitFor(
        'every event processed',
        async () => ((await outbox().countDocuments({ processedAt: null })) === 0 ? true : undefined),
        { timeoutMs: 60_000 },
      );
      const ids = (
        await outbox()
          .find({}, { projection: { _id: 1 } })
          .toArray()
      )
        .map((e) => e._id.toHexString())
        .sort();
      expect(ids.length).toBe(27);
      expect([...new Set(seen)].sort()).toEqual(ids);
    } finally {
      await worker.stop();
    }
  });
});
