import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmPackage } from '../../metadata/apps/crm/index.js';
import { RECLAIM_WAIT_DAYS, WARN_DAYS } from '../../metadata/apps/crm/pool.js';
import { schedules, WorkflowScheduler } from '../../server/src/automation/schedules/workflow-scheduler.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The customer pool (公海) of issue #16 on real MongoDB, Redis and BullMQ, with the
 * scheduler ticked at chosen instants (the clock): an idle customer is warned, then
 * recycled, then refused to its previous owner, and claimed by another rep up to the
 * cap; a manager assigns from the pool; reps see the pool but not each other's customers.
 */
const env = testEnv(import.meta.url);
const DAY = 86_400_000;
const SLOW = 120_000;
let platform: TestPlatform;
let db: Db;
let redis: Redis;
let queue: Queue;
let admin: ApiClient;
const users: Record<'a' | 'b' | 'c' | 'boss', { id: string; api: ApiClient }> = {} as never;
type Rec = Record<string, unknown> & { id: string; _ownerId: string | null };
type Refusal = { code: string; pointer: string; params?: { reason?: string } };
type Run = { status: string; failure: { step: string; code: string } | null; log: { status: string; error?: { problems?: Refusal[] } }[] };

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  redis = await openTestRedis(env);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  queue = new Queue('workflows', { connection: redis, prefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  // The cap is metadata: lowered to 1 here, as an admin would in the designer.
  const pkg = crmPackage({});
  const claim = pkg.metadata.workflows!.find((w) => w.key === 'claim_customer')!;
  const cap = claim.steps.find((s) => s.id === 'cap')!;
  cap.config = { ...cap.config, when: { '>=': [{ var: 'steps.owned.count' }, 1] } };
  const imported = await admin.post('/api/meta/import?apply=true', pkg);
  expect(imported.status, JSON.stringify(imported.body).slice(0, 1000)).toBeLessThan(300);
  const people = {
    a: ['rep.a', 'sales_rep'],
    b: ['rep.b', 'sales_rep'],
    c: ['rep.c', 'sales_rep'],
    boss: ['boss', 'sales_manager'],
  } as const;
  for (const [key, [name, role]] of Object.entries(people)) {
    const made = await admin.post<{ id: string }>('/api/users', {
      email: `${name}@example.com`,
      name,
      password: `${name} password 123`,
      roles: [role],
    });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    users[key as keyof typeof users] = {
      id: made.body.id,
      api: apiClient(platform.url, { token: (await signIn(platform.url, `${name}@example.com`, `${name} password 123`)).token }),
    };
  }
}, SLOW);
afterAll(async () => {
  await queue?.close();
  await platform?.stop();
});

/** A scheduler of this test's own, ticking the workflow at `now` (the clock this test controls). */
const tick = async (workflow: string, now: Date) => {
  // A workflow's first tick only sets its watermark: wait for the worker's to have done that.
  await waitFor(`${workflow} has a watermark`, async () => (await schedules(db).findOne({ _id: workflow })) ?? undefined, {
    timeoutMs: SLOW,
    intervalMs: 100,
  });
  const scheduler = new WorkflowScheduler({
    db,
    cache: new MetadataCache(db),
    registries: metadataToolkit(createRegistries()).registries,
    queue,
    redis,
    prefix: env.prefix,
    logger: createLogger('warn', {}),
  });
  return await scheduler.tickOnce(now, workflow);
};
const runOf = (workflow: string, recordId: string, skip = 0) =>
  waitFor(
    `${workflow} on ${recordId} to finish`,
    async () => {
      const found = await db
        .collection<Run>('workflow_runs')
        .find({ workflow, 'trigger.recordId': recordId }, { sort: { _id: 1 } })
        .toArray();
      const run = found[skip];
      return run && ['completed', 'failed', 'skipped'].includes(run.status) ? run : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 100 },
  );
const read = async (who: ApiClient, id: string) => await who.get<Rec>(`/api/records/customer/${id}`);
const start = async (who: ApiClient, workflow: string, id: string, input?: unknown) => {
  const res = await who.post<{ runs: string[] }>(`/api/workflows/${workflow}/trigger`, { records: [id], ...(input ? { input } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return await waitFor(
    `${workflow} run`,
    async () => {
      const run = await db.collection<Run>('workflow_runs').findOne({ _id: new ObjectId(res.body.runs[0]!) });
      return run && ['completed', 'failed', 'skipped'].includes(run.status) ? run : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 100 },
  );
};
/** The refusal of the step a run failed on (its log keeps the problems). */
const refusalOf = (run: Run) => run.log.find((e) => e.status === 'failed')?.error?.problems?.[0];
const reasonOf = (run: Run) => refusalOf(run)?.params?.reason;

describe('the customer pool', () => {
  let idle: Rec;
  let other: Rec;
  /** Two more idle customers of the admin's, which enter the pool with the others. */
  let third: Rec;
  let fourth: Rec;
  let dueAt: Date;

  it('restarts the idle clock on a follow-up; reps see only their own customers', async () => {
    idle = (await users.a.api.post<Rec>('/api/records/customer', { name: '闲置客户有限公司', level: 'd' })).body;
    other = (await users.c.api.post<Rec>('/api/records/customer', { name: 'Other Idle Ltd', level: 'd' })).body;
    third = (await admin.post<Rec>('/api/records/customer', { name: '第三家公司', level: 'd' })).body;
    fourth = (await admin.post<Rec>('/api/records/customer', { name: 'Assigned From Pool Co', level: 'd' })).body;
    expect(idle._ownerId).toBe(users.a.id);
    // Level D: 15 days after the clock starts.
    expect(new Date(String(idle.pool_due_at)).getTime() - new Date(String(idle.pool_clock_at)).getTime()).toBe(15 * DAY);
    expect((await read(users.b.api, idle.id)).status).toBe(404);

    const activity = await users.a.api.post<Rec>('/api/records/activity', { subject: '电话回访', type: 'call', customer: idle.id });
    expect(activity.status, JSON.stringify(activity.body)).toBe(201);
    expect((await runOf('customer_follow_up_touch', activity.body.id)).status).toBe('completed');
    const touched = (await read(users.a.api, idle.id)).body;
    expect(touched.last_follow_up_at).toBe(activity.body.occurred_at);
    expect(new Date(String(touched.pool_clock_at)).getTime()).toBeGreaterThan(new Date(String(idle.pool_clock_at)).getTime());
    // A rep does not set the clock themselves.
    const forged = await users.a.api.patch(`/api/records/customer/${idle.id}`, {
      pool_clock_at: new Date().toISOString(),
      _version: touched._version,
    });
    expect(forged.status).toBe(403);
    idle = touched;
    dueAt = new Date(String(idle.pool_due_at));
  });

  it(`warns the owner ${WARN_DAYS} days before, once the clock reaches it`, async () => {
    const warnAt = new Date(dueAt.getTime() - WARN_DAYS * DAY);
    // The other three, idle since before the follow-up, are due first; this one not yet.
    await tick('customer_pool_warning', new Date(warnAt.getTime() - 1000));
    expect(await db.collection('workflow_runs').countDocuments({ workflow: 'customer_pool_warning', 'trigger.recordId': idle.id })).toBe(0);
    await tick('customer_pool_warning', warnAt);
    expect((await runOf('customer_pool_warning', idle.id)).status).toBe('completed');
    const { body } = await users.a.api.get<{ notifications: { title: Record<string, string> }[] }>('/api/notifications');
    expect(body.notifications.map((n) => n.title['zh-CN'])).toContainEqual(expect.stringContaining('闲置客户有限公司'));
    expect((await read(users.a.api, idle.id)).body._ownerId).toBe(users.a.id);
  });

  it('recycles it on its due time, keeping who had it and until when they wait', async () => {
    expect((await tick('customer_pool_recycle', dueAt)).started).toBe(4);
    expect((await runOf('customer_pool_recycle', idle.id)).status).toBe('completed');
    expect((await runOf('customer_pool_recycle', other.id)).status).toBe('completed');
    const pooled = (await read(admin, idle.id)).body;
    expect(pooled).toMatchObject({ _ownerId: null, previous_owner: users.a.id });
    expect(new Date(String(pooled.reclaim_after)).getTime()).toBe(dueAt.getTime() + RECLAIM_WAIT_DAYS * DAY);
    // Every rep sees the pool now, but changes a pooled customer only by claiming it.
    expect((await read(users.b.api, idle.id)).status).toBe(200);
    const pool = await users.b.api.get<{ records: Rec[] }>('/api/records/customer?view=customers_pool');
    expect(pool.body.records.map((r) => r.id).sort()).toEqual([idle.id, other.id, third.id, fourth.id].sort());
    expect((await users.b.api.patch(`/api/records/customer/${idle.id}`, { level: 'a', _version: pooled._version })).status).toBe(403);
  });

  it('refuses it to its previous owner before the reclaim time', async () => {
    const run = await start(users.a.api, 'claim_customer', idle.id);
    expect(run.status).toBe('failed');
    expect(run.failure).toMatchObject({ code: 'WORKFLOW_REFUSED' });
    expect(reasonOf(run)).toBe('reclaim_too_soon');
    expect(run.failure).toMatchObject({ step: 'wait' });
    expect(refusalOf(run)?.pointer).toBe('/reclaim_after');
    expect((await read(admin, idle.id)).body._ownerId).toBeNull();
  });

  it('lets another rep claim it, up to the cap', async () => {
    const claimed = await start(users.b.api, 'claim_customer', idle.id);
    expect(claimed.status, JSON.stringify(claimed.log)).toBe('completed');
    const mine = (await read(users.b.api, idle.id)).body;
    expect(mine).toMatchObject({ _ownerId: users.b.id, previous_owner: null, reclaim_after: null });
    expect(new Date(String(mine.pool_clock_at)).getTime()).toBeGreaterThan(new Date(String(idle.pool_clock_at)).getTime());
    // The previous owner no longer sees it, and nobody claims an owned customer.
    expect((await read(users.a.api, idle.id)).status).toBe(404);
    // Rep C had the other one and waits too; rep A, who waits for this one, may claim that.
    expect(reasonOf(await start(users.c.api, 'claim_customer', other.id))).toBe('reclaim_too_soon');
    expect((await start(users.a.api, 'claim_customer', other.id)).status).toBe('completed');
    expect(reasonOf(await start(users.b.api, 'claim_customer', idle.id))).toBe('not_in_pool');

    // The cap (lowered to 1 for this test): rep B owns one customer already.
    const capped = await start(users.b.api, 'claim_customer', third.id);
    expect(capped.status).toBe('failed');
    expect(reasonOf(capped)).toBe('owner_cap_reached');
    expect((await read(admin, third.id)).body._ownerId).toBeNull();
  });

  it('lets a manager assign from the pool, and nobody else', async () => {
    const customer = fourth;
    expect((await read(users.boss.api, customer.id)).status).toBe(200);
    const actions = async (who: ApiClient) =>
      (await who.get<{ actions: { key: string }[] }>('/api/me/metadata')).body.actions.map((a) => a.key);
    expect(await actions(users.a.api)).not.toContain('assign_from_pool');
    expect(await actions(users.boss.api)).toContain('assign_from_pool');
    const refused = await users.a.api.post<{ error: { code: string } }>('/api/workflows/assign_from_pool/trigger', {
      records: [customer.id],
      input: { owner: users.a.id },
    });
    expect(refused.status).toBe(403);
    const run = await start(users.boss.api, 'assign_from_pool', customer.id, { owner: users.c.id });
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect((await read(users.c.api, customer.id)).body._ownerId).toBe(users.c.id);
    expect((await read(users.b.api, customer.id)).status).toBe(404);
  });
});
