import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '@metacrm/metadata';
import { schedules, TICK_SCHEDULER_ID, WorkflowScheduler } from '../../server/src/automation/schedules/workflow-scheduler.js';
import type { RunDoc } from '../../server/src/automation/workflow-runs.js';
import { RedisServer } from '../../server/src/dev-services/redis.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { openTestDb, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Scheduled workflows over the real database and Redis, with the API and a worker as
 * separate platforms (the worker is stopped and started again): cron triggers with
 * and without records, date_field triggers and their catch-up, watermarks surviving
 * downtime and Redis losing everything. This file runs its own redis-server, so its
 * FLUSHALL touches no other test.
 */
const env = testEnv(import.meta.url);
const TICK_MS = 1000;
const l = (en: string) => ({ 'zh-CN': en, en });
const note = [{ id: 'note', type: 'set_variables', config: { values: { fired: true } } }];

const contract = {
  key: 'contract',
  label: l('Contract'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name'), required: true },
    {
      key: 'status',
      type: 'single_select',
      label: l('Status'),
      options: [
        { key: 'active', label: l('Active') },
        { key: 'ended', label: l('Ended') },
      ],
    },
    { key: 'ends_at', type: 'datetime', label: l('Ends at') },
    { key: 'renewal_date', type: 'date', label: l('Renewal date') },
  ],
};

const workflows: Workflow[] = [
  { key: 'every_second', label: l('Every second'), trigger: { type: 'schedule', cron: '* * * * * *' }, steps: note },
  {
    key: 'yearly_review',
    label: l('Yearly review'),
    entity: 'contract',
    trigger: { type: 'schedule', cron: '0 0 1 1 *', timezone: 'UTC', filter: { field: 'status', op: 'eq', value: 'active' } },
    condition: { '!=': [{ var: 'record.name' }, 'Skip me'] },
    steps: note,
  },
  {
    key: 'ends_soon',
    label: l('Ends soon'),
    entity: 'contract',
    trigger: { type: 'date_field', field: 'ends_at', offset: { amount: -1, unit: 'minute' } },
    condition: { '!=': [{ var: 'record.name' }, 'Quiet'] },
    steps: note,
  },
  {
    key: 'renewal_call',
    label: l('Renewal call'),
    entity: 'contract',
    trigger: {
      type: 'date_field',
      field: 'renewal_date',
      offset: { amount: -1, unit: 'day' },
      at: '09:00',
      timezone: 'Asia/Shanghai',
      catchUpDays: 36_500,
    },
    steps: note,
  },
];

let dir: string;
let redisServer: RedisServer;
let redis: Redis;
let queue: Queue;
let db: Db;
let apiPlatform: TestPlatform;
let worker: TestPlatform | undefined;
let api: ApiClient;
/** What the worker logs at warn and above. */
const workerLog: string[] = [];

const startWorker = () =>
  startTestPlatform({
    role: 'worker',
    mongoUrl: env.mongoUrl,
    redisUrl: redisServer.url,
    database: env.dbName,
    queuePrefix: env.prefix,
    config: { scheduleTickMs: TICK_MS },
    logger: createLogger('warn', {}, { write: (line: string) => void workerLog.push(line) }),
  });

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-schedules-'));
  redisServer = await RedisServer.create({ dataDir: path.join(dir, 'data'), runDir: path.join(dir, 'run'), persistent: false });
  await redisServer.start();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  queue = new Queue('workflows', { connection: redis, prefix: env.prefix });
  ({ db } = await openTestDb(env));
  apiPlatform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: redisServer.url,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(apiPlatform.url, { token: apiPlatform.adminToken });
  expect((await api.put('/api/meta/draft/entities/contract', contract)).status).toBeLessThan(300);
  for (const workflow of workflows) {
    const saved = await api.put(`/api/meta/draft/workflows/${workflow.key}`, workflow);
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  worker = await startWorker();
});

afterAll(async () => {
  await worker?.stop();
  await apiPlatform?.stop();
  await queue?.close();
  redis?.disconnect();
  await redisServer?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A second worker's scheduler in this process, to race the real one or to tick at a chosen instant. */
function anotherScheduler(options: { maxRecordsPerFiring?: number; lines?: string[]; cache?: MetadataCache } = {}): WorkflowScheduler {
  const logger = createLogger('warn', {}, { write: (line: string) => void options.lines?.push(line) });
  return new WorkflowScheduler({
    db,
    cache: options.cache ?? new MetadataCache(db),
    registries: metadataToolkit(createRegistries()).registries,
    queue,
    redis,
    prefix: env.prefix,
    logger,
    maxRecordsPerFiring: options.maxRecordsPerFiring,
  });
}

const runsOf = async (workflow: string) =>
  (await db.collection<RunDoc>('workflow_runs').find({ workflow }).toArray()).sort(
    (a, b) => a.trigger.scheduledFor!.getTime() - b.trigger.scheduledFor!.getTime(),
  );
const watermark = async (workflow: string) => (await schedules(db).findOne({ _id: workflow }))?.through;
const create = async (values: Record<string, unknown>) => {
  const created = await api.post<{ id: string }>('/api/records/contract', values);
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return created.body.id;
};
/** Waits until the scheduler has ticked past `instant` for the workflow. */
const tickedPast = (workflow: string, instant: number) =>
  waitFor(
    `${workflow} ticked past ${new Date(instant).toISOString()}`,
    async () => ((await watermark(workflow))?.getTime() ?? 0) > instant || undefined,
    { timeoutMs: 20_000 },
  );
/** Waits until every record event of the record has been handled (its catch-up, if any, is done). */
const eventsHandled = (recordId: string) =>
  waitFor(
    `events of ${recordId} handled`,
    async () =>
      (await db.collection('outbox').countDocuments({ recordId: new ObjectId(recordId), processedAt: null })) === 0 ? true : undefined,
    { timeoutMs: 20_000 },
  );

interface RunSummary {
  id: string;
  status: string;
  createdAt: string;
  trigger: { type: string; scheduleKey: string; scheduledFor: string; missed: number; recordId: string | null };
}

describe('a cron trigger without records', () => {
  it('fires on time, every occurrence, with runs listed by GET /api/workflows/runs', async () => {
    const listed = await waitFor(
      'three completed every_second runs',
      async () => {
        const { body } = await api.get<{ runs: RunSummary[] }>('/api/workflows/runs?workflow=every_second&limit=200');
        const done = body.runs.filter((r) => r.status === 'completed');
        return done.length >= 3 ? body.runs : undefined;
      },
      { timeoutMs: 30_000 },
    );
    for (const run of listed) {
      expect(run.trigger).toMatchObject({ type: 'schedule', recordId: null, scheduleKey: `cron:${run.trigger.scheduledFor}` });
      expect(new Date(run.trigger.scheduledFor).getUTCMilliseconds()).toBe(0);
      const late = new Date(run.createdAt).getTime() - new Date(run.trigger.scheduledFor).getTime();
      expect(late).toBeGreaterThanOrEqual(0);
      expect(late).toBeLessThan(5000);
    }
    expect(new Set(listed.map((r) => r.trigger.scheduledFor)).size).toBe(listed.length);
  });

  it('does not fire while the workflow is switched off', async () => {
    expect((await api.post('/api/workflows/every_second/disable')).status).toBeLessThan(300);
    const off = Date.now();
    await tickedPast('every_second', off + 3000);
    const after = (await runsOf('every_second')).filter((r) => r.trigger.scheduledFor!.getTime() > off + 1000);
    expect(after).toEqual([]);
    expect((await api.post('/api/workflows/every_second/enable')).status).toBeLessThan(300);
    const on = Date.now();
    await waitFor(
      'every_second firing again',
      async () => ((await runsOf('every_second')).some((r) => r.trigger.scheduledFor!.getTime() > on) ? true : undefined),
      { timeoutMs: 20_000 },
    );
    // Switching it on again fired nothing for the time it was off.
    expect(
      (await runsOf('every_second')).filter(
        (r) => r.trigger.scheduledFor!.getTime() > off + 1000 && r.trigger.scheduledFor!.getTime() < on - 1000,
      ),
    ).toEqual([]);
  });

  it('after the worker was down, catches up with one run for the missed occurrences, from the watermark in MongoDB', async () => {
    await worker!.stop();
    worker = undefined;
    const stoppedAt = (await watermark('every_second'))!;
    // Stopped workers tick no more, so this watermark is where the catch-up starts from.
    await waitFor('5 occurrences to pass while no worker runs', () => (Date.now() > stoppedAt.getTime() + 5000 ? true : undefined), {
      timeoutMs: 10_000,
    });
    const restartedAt = Date.now();
    worker = await startWorker();
    const later = await waitFor(
      'a run after the downtime',
      async () => {
        const found = (await runsOf('every_second')).filter((r) => r.trigger.scheduledFor!.getTime() > stoppedAt.getTime());
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    const catchUp = later[0]!;
    // The latest occurrence when the worker came back, standing for the ones before it; none of those ran.
    expect(catchUp.trigger.scheduledFor!.getTime()).toBeGreaterThanOrEqual(restartedAt - 1000);
    // It stands for every whole second strictly between the watermark and itself: at least the 4 before the last of the 5.
    const at = catchUp.trigger.scheduledFor!.getTime();
    expect(catchUp.trigger.missed).toBe(at / 1000 - Math.floor(stoppedAt.getTime() / 1000) - 1);
    expect(catchUp.trigger.missed).toBeGreaterThanOrEqual(4);
    expect(later.filter((r) => r.trigger.scheduledFor!.getTime() < restartedAt - 1000)).toEqual([]);
  });

  it('comes back by itself after Redis lost everything (FLUSHALL): the tick is upserted again and catches up', async () => {
    expect(await queue.getJobScheduler(TICK_SCHEDULER_ID)).toMatchObject({ every: TICK_MS });
    await redis.flushall();
    const flushedAt = Date.now();
    await waitFor('the tick job scheduler back in Redis', async () => (await queue.getJobScheduler(TICK_SCHEDULER_ID)) ?? undefined, {
      timeoutMs: 20_000,
    });
    await waitFor(
      'every_second firing after the flush',
      async () => ((await runsOf('every_second')).some((r) => r.trigger.scheduledFor!.getTime() > flushedAt + TICK_MS) ? true : undefined),
      { timeoutMs: 20_000 },
    );
    // The worker's periodic check put it back (BullMQ itself only schedules the next tick when it takes one).
    expect(workerLog.some((line) => line.includes('the schedule tick was missing from Redis'))).toBe(true);
    // Done with it: less load for the tests below.
    expect((await api.post('/api/workflows/every_second/disable')).status).toBeLessThan(300);
  });
});

describe('a cron trigger over an entity', () => {
  const firstOfJanuary = (yearsAhead: number) => new Date(Date.UTC(new Date().getUTCFullYear() + yearsAhead, 0, 1));
  let ids: Record<string, string>;

  beforeAll(async () => {
    ids = {
      first: await create({ name: 'First', status: 'active' }),
      second: await create({ name: 'Second', status: 'active' }),
      ended: await create({ name: 'Ended', status: 'ended' }),
      skipped: await create({ name: 'Skip me', status: 'active' }),
      deleted: await create({ name: 'Deleted', status: 'active' }),
    };
    expect((await api.delete(`/api/records/contract/${ids.deleted}`)).status).toBeLessThan(300);
    await waitFor('yearly_review has a watermark', async () => (await watermark('yearly_review')) ?? undefined);
  });

  it('starts one run per live matching record whose condition holds, once, though workers tick at the same time or a tick is repeated', async () => {
    const occurrence = firstOfJanuary(1);
    const now = new Date(occurrence.getTime() + 1000);
    const before = (await watermark('yearly_review'))!;
    // Three workers with their metadata loaded, ticking at once.
    const cache = new MetadataCache(db);
    await cache.current();
    const reports = await Promise.all([1, 2, 3].map(() => anotherScheduler({ cache }).tickOnce(now, 'yearly_review')));
    expect(reports.reduce((sum, r) => sum + r.started, 0)).toBe(2);
    const found = await runsOf('yearly_review');
    expect(found.map((r) => r.trigger.recordId).sort()).toEqual([ids.first, ids.second].sort());
    expect(found.map((r) => r.trigger.scheduleKey).sort()).toEqual(
      [ids.first, ids.second].map((id) => `cron:${occurrence.toISOString()}:${id}`).sort(),
    );
    expect(
      found.every((r) => r.trigger.actor.id === 'schedule:yearly_review' && (r.scope.record as { status: string }).status === 'active'),
    ).toBe(true);
    // A tick repeated after a crash that kept the watermark from moving: the schedule keys alone stop it.
    await schedules(db).updateOne({ _id: 'yearly_review' }, { $set: { through: before } });
    expect((await anotherScheduler().tickOnce(now, 'yearly_review')).started).toBe(0);
    expect(await runsOf('yearly_review')).toHaveLength(2);
    expect(await watermark('yearly_review')).toEqual(now);
  });

  it('starts at most the cap per occurrence, in id order, and records and logs what it skipped', async () => {
    const occurrence = firstOfJanuary(2);
    const lines: string[] = [];
    const report = await anotherScheduler({ maxRecordsPerFiring: 1, lines }).tickOnce(
      new Date(occurrence.getTime() + 1000),
      'yearly_review',
    );
    expect(report.started).toBe(1);
    const ofThisYear = (await runsOf('yearly_review')).filter((r) => r.trigger.scheduledFor!.getTime() === occurrence.getTime());
    expect(ofThisYear.map((r) => r.trigger.recordId)).toEqual([ids.first]);
    expect((await schedules(db).findOne({ _id: 'yearly_review' }))?.lastFiring).toMatchObject({
      occurrence,
      records: 1,
      started: 1,
      skipped: 2,
    });
    expect(lines.map((line) => JSON.parse(line) as { msg: string; skipped?: number })).toContainEqual(
      expect.objectContaining({ skipped: 2, msg: expect.stringMatching(/skipped/) }),
    );
  });
});

describe('a date_field trigger', () => {
  it('fires a datetime record when its date, moved by the offset, arrives, and not one the condition refuses', async () => {
    const endsAt = new Date(Date.now() + 60_000 + 4000);
    const due = new Date(endsAt.getTime() - 60_000);
    const soon = await create({ name: 'Soon', ends_at: endsAt.toISOString() });
    const quiet = await create({ name: 'Quiet', ends_at: endsAt.toISOString() });
    const later = await create({ name: 'Later', ends_at: new Date(Date.now() + 7_200_000).toISOString() });
    const [run] = await waitFor(
      'the run of Soon',
      async () => {
        const found = (await runsOf('ends_soon')).filter((r) => r.trigger.recordId === soon);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(run!.trigger).toMatchObject({ type: 'date_field', scheduleKey: `date:${soon}:${due.toISOString()}`, scheduledFor: due });
    expect(run!.createdAt.getTime()).toBeGreaterThanOrEqual(due.getTime());
    expect(run!.createdAt.getTime() - due.getTime()).toBeLessThan(5000);
    await tickedPast('ends_soon', due.getTime() + 1000);
    const started = (await runsOf('ends_soon')).map((r) => r.trigger.recordId);
    expect(started).not.toContain(quiet);
    expect(started).not.toContain(later);
  });

  it("has the index its tick reads, derived at publish like a view's", async () => {
    const keys = (await db.collection('rec_contract').indexes()).map((ix) => JSON.stringify(ix.key));
    expect(keys).toContain(JSON.stringify({ _deletedAt: 1, ends_at: 1, _id: 1 }));
    expect(keys).toContain(JSON.stringify({ _deletedAt: 1, renewal_date: 1, _id: 1 }));
  });

  it('fires at once for a record created with its due time already past (catch-up), and again when its date moves', async () => {
    const endsAt = new Date(Date.now() - 600_000);
    const late = await create({ name: 'Late', ends_at: endsAt.toISOString() });
    const [run] = await waitFor(
      'the catch-up run of Late',
      async () => {
        const found = (await runsOf('ends_soon')).filter((r) => r.trigger.recordId === late);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(run!.trigger.scheduleKey).toBe(`date:${late}:${new Date(endsAt.getTime() - 60_000).toISOString()}`);
    // A past due time that was below the watermark: only the catch-up could have started it.
    expect(run!.trigger.scheduledFor!.getTime()).toBeLessThan((await schedules(db).findOne({ _id: 'ends_soon' }))!.createdAt.getTime());

    const movedTo = new Date(Date.now() - 300_000);
    expect((await api.patch(`/api/records/contract/${late}`, { ends_at: movedTo.toISOString() })).status).toBe(200);
    await waitFor(
      'the run for the new date',
      async () => ((await runsOf('ends_soon')).filter((r) => r.trigger.recordId === late).length === 2 ? true : undefined),
      { timeoutMs: 20_000 },
    );
    const keys = (await runsOf('ends_soon')).filter((r) => r.trigger.recordId === late).map((r) => r.trigger.scheduleKey);
    expect(keys).toContain(`date:${late}:${new Date(movedTo.getTime() - 60_000).toISOString()}`);

    // The condition holds for the catch-up too; a change of another field fires nothing again;
    // a due time more than catchUpDays (7 by default) ago is let go.
    const quiet = await create({ name: 'Quiet', ends_at: endsAt.toISOString() });
    const old = await create({ name: 'Ended last month', ends_at: new Date(Date.now() - 30 * 86_400_000).toISOString() });
    expect((await api.patch(`/api/records/contract/${late}`, { status: 'ended' })).status).toBe(200);
    await eventsHandled(quiet);
    await eventsHandled(late);
    await eventsHandled(old);
    expect((await runsOf('ends_soon')).filter((r) => r.trigger.recordId === quiet)).toEqual([]);
    expect((await runsOf('ends_soon')).filter((r) => r.trigger.recordId === old)).toEqual([]);
    expect((await runsOf('ends_soon')).filter((r) => r.trigger.recordId === late)).toHaveLength(2);
  });

  it('takes a date field at its time of day in its time zone, by the tick and by the catch-up', async () => {
    const future = await create({ name: 'Renew', renewal_date: '2031-03-15' });
    const past = await create({ name: 'Renewed long ago', renewal_date: '2020-02-01' });
    // 09:00 in Shanghai (UTC+8) on the day before.
    const due = new Date('2031-03-14T01:00:00.000Z');
    await waitFor('renewal_call has a watermark', async () => (await watermark('renewal_call')) ?? undefined);
    const scheduler = anotherScheduler();
    expect((await scheduler.tickOnce(new Date(due.getTime() - 1000), 'renewal_call')).started).toBe(0);
    expect((await scheduler.tickOnce(due, 'renewal_call')).started).toBe(1);
    const found = await waitFor(
      'both renewal runs',
      async () => {
        const runs = await runsOf('renewal_call');
        return runs.length === 2 ? runs : undefined;
      },
      { timeoutMs: 20_000 },
    );
    expect(found.map((r) => r.trigger.scheduleKey)).toEqual([
      `date:${past}:2020-01-31T01:00:00.000Z`,
      `date:${future}:${due.toISOString()}`,
    ]);
  });
});

describe('publishing', () => {
  it.each([
    ['a cron that is not one', { type: 'schedule', cron: 'every day' }, undefined, /\/trigger\/cron$/, 'BAD_FORMAT'],
    ['a cron of 7 fields', { type: 'schedule', cron: '* * * * * * *' }, undefined, /\/trigger\/cron$/, 'BAD_FORMAT'],
    [
      'an unknown time zone',
      { type: 'schedule', cron: '0 9 * * 1-5', timezone: 'Mars/Olympus' },
      undefined,
      /\/trigger\/timezone$/,
      'NOT_ALLOWED_VALUE',
    ],
    [
      'a filter without an entity',
      { type: 'schedule', cron: '0 9 * * *', filter: { field: 'status', op: 'eq', value: 'active' } },
      undefined,
      /^\/workflows\/[a-z_0-9]+\/entity$/,
      'REQUIRED',
    ],
    [
      'a filter on a missing field',
      { type: 'schedule', cron: '0 9 * * *', filter: { field: 'stage', op: 'eq', value: 'x' } },
      'contract',
      /\/trigger\/filter\/field$/,
      'UNKNOWN_FIELD',
    ],
    [
      'a date_field on a text field',
      { type: 'date_field', field: 'name', offset: { amount: 1, unit: 'day' } },
      'contract',
      /\/trigger\/field$/,
      'FIELD_TYPE_MISMATCH',
    ],
    [
      'a date_field on a missing field',
      { type: 'date_field', field: 'signed_on', offset: { amount: 1, unit: 'day' } },
      'contract',
      /\/trigger\/field$/,
      'UNKNOWN_FIELD',
    ],
    [
      'a date_field without an entity',
      { type: 'date_field', field: 'ends_at', offset: { amount: 1, unit: 'day' } },
      undefined,
      /^\/workflows\/[a-z_0-9]+\/entity$/,
      'REQUIRED',
    ],
    [
      'a time of day on a datetime',
      { type: 'date_field', field: 'ends_at', offset: { amount: 1, unit: 'day' }, at: '09:00' },
      'contract',
      /\/trigger\/at$/,
      'NOT_ALLOWED_VALUE',
    ],
    [
      'an offset in seconds',
      { type: 'date_field', field: 'ends_at', offset: { amount: 1, unit: 'second' } },
      'contract',
      /\/trigger\/offset\/unit$/,
      'NOT_ALLOWED_VALUE',
    ],
  ])('refuses %s, with a pointer and a code', async (_what, trigger, entity, pointer, code) => {
    const before = (await api.get<{ version: number }>('/api/meta')).body.version;
    const workflow = { key: 'bad_schedule', label: l('Bad'), ...(entity ? { entity } : {}), trigger, steps: note };
    expect((await api.put('/api/meta/draft/workflows/bad_schedule', workflow)).status).toBeLessThan(300);
    const published = await api.post<{ error: { code: string; details: { problems: { pointer: string; code: string }[] } } }>(
      '/api/meta/publish',
    );
    await api.delete('/api/meta/draft/workflows/bad_schedule');
    expect(published.status).toBe(422);
    expect(published.body.error.code).toBe('METADATA_INVALID');
    expect(published.body.error.details.problems).toContainEqual(
      expect.objectContaining({ pointer: expect.stringMatching(pointer), code }),
    );
    expect((await api.get<{ version: number }>('/api/meta')).body.version).toBe(before);
  });
});

describe('schedule keys', () => {
  it('never started one run twice, whatever raced above', async () => {
    const repeated = await db
      .collection('workflow_runs')
      .aggregate([
        { $match: { 'trigger.scheduleKey': { $type: 'string' } } },
        { $group: { _id: { workflow: '$workflow', key: '$trigger.scheduleKey' }, n: { $sum: 1 } } },
        { $match: { n: { $gt: 1 } } },
      ])
      .toArray();
    expect(repeated).toEqual([]);
    expect(await db.collection('workflow_runs').countDocuments({ 'trigger.scheduleKey': { $type: 'string' } })).toBeGreaterThan(10);
  });
});
