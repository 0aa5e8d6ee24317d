import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '@metacrm/metadata';
import { Queue } from 'bullmq';
import { RunSweeper } from '../../server/src/automation/run-sweeper.js';
import type { WorkflowAction } from '../../server/src/automation/action-contract.js';
import { MAX_LOG, type RunDoc } from '../../server/src/automation/workflow-runs.js';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import { createLogger } from '../../server/src/observability/logger.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Workflows run by the worker from record events, over the real database and Redis:
 * sequences with branches, parallel branches that join, loops over a query, delays,
 * failures with their reason, and the causation limit that stops a self-triggering loop.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let db: Db;
let platform: TestPlatform;
let api: ApiClient;

/** How often `poll` visits its probe: more than the run log keeps (MAX_LOG, 500 entries, two a visit). */
const POLLS = 300;

const workflows: Workflow[] = [
  {
    key: 'size_deal',
    label: l('Size a deal'),
    entity: 'opportunity',
    trigger: { type: 'record_created' },
    condition: { '!=': [{ var: 'record.title' }, 'skip me'] },
    start: 'double',
    steps: [
      {
        id: 'double',
        type: 'set_variables',
        config: { values: { doubled: { '*': [{ var: 'record.amount' }, 2] } } },
        branches: [{ when: { '>': [{ var: 'record.amount' }, 100] }, next: 'big' }],
        next: 'small',
      },
      { id: 'big', type: 'update_record', config: { values: { probability: 80, close_date: '2027-01-31' } } },
      { id: 'small', type: 'update_record', config: { values: { probability: 10 } } },
    ],
  },
  {
    key: 'fan_out',
    label: l('Fan out'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.industry' }, 'tech'] },
    start: 'fork',
    steps: [
      { id: 'fork', type: 'parallel', config: { branches: ['left', 'right'], join: 'meet' } },
      {
        id: 'left',
        type: 'create_record',
        config: {
          entity: 'opportunity',
          values: { title: { cat: ['Left for ', { var: 'record.name' }] }, account: { var: 'record.id' }, amount: '5.00' },
        },
        next: 'meet',
      },
      {
        id: 'right',
        type: 'create_record',
        config: {
          entity: 'opportunity',
          values: { title: { cat: ['Right for ', { var: 'record.name' }] }, account: { var: 'record.id' }, amount: '7.00' },
        },
        next: 'meet',
      },
      { id: 'meet', type: 'join', next: 'tally' },
      {
        id: 'tally',
        type: 'query_records',
        config: { entity: 'opportunity', filter: { field: 'account', op: 'eq', value: { var: 'record.id' } } },
        next: 'each',
      },
      {
        id: 'each',
        type: 'loop',
        config: { entity: 'opportunity', filter: { field: 'account', op: 'eq', value: { var: 'record.id' } }, body: 'touch' },
        next: 'done',
      },
      { id: 'touch', type: 'update_record', config: { entity: 'opportunity', record: { var: 'item.id' }, values: { stage: 'won' } } },
      { id: 'done', type: 'update_record', config: { values: { employees: { var: 'steps.tally.count' } } } },
    ],
  },
  {
    key: 'echo',
    label: l('Echo'),
    entity: 'account',
    trigger: { type: 'record_updated', fields: ['code'] },
    start: 'bump',
    steps: [{ id: 'bump', type: 'update_record', config: { values: { code: { cat: [{ var: 'record.code' }, 'x'] } } } }],
  },
  {
    key: 'later',
    label: l('Later'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.industry' }, 'retail'] },
    start: 'wait',
    steps: [
      { id: 'wait', type: 'delay', config: { seconds: 1 }, next: 'mark' },
      { id: 'mark', type: 'update_record', config: { values: { employees: 1 } } },
    ],
  },
  {
    key: 'broken',
    label: l('Broken'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.name' }, 'Broken Co'] },
    start: 'bad',
    steps: [{ id: 'bad', type: 'update_record', config: { values: { employees: -5 } } }],
  },
  {
    key: 'bulk_stage',
    label: l('Set stage'),
    entity: 'opportunity',
    trigger: {
      type: 'manual',
      inputSchema: {
        type: 'object',
        properties: { stage: { enum: ['new', 'won', 'lost'] } },
        required: ['stage'],
        additionalProperties: false,
      },
    },
    start: 'set',
    steps: [{ id: 'set', type: 'update_record', config: { values: { stage: { var: 'input.stage' } } } }],
  },
  {
    // A cycle that comes back to a step with a side effect more often than the log keeps entries.
    key: 'poll',
    label: l('Poll'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.name' }, 'Poll Co'] },
    start: 'probe',
    steps: [
      { id: 'probe', type: 'key_probe', next: 'count' },
      {
        id: 'count',
        type: 'set_variables',
        config: { values: { n: { '+': [{ var: ['vars.n', 0] }, 1] } } },
        branches: [{ when: { '<': [{ var: 'vars.n' }, POLLS] }, next: 'probe' }],
      },
    ],
  },
  {
    key: 'gated',
    label: l('Gated'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.name' }, 'Gate Co'] },
    start: 'gate',
    steps: [
      { id: 'gate', type: 'gate', branches: [{ when: { '==': [{ var: 'steps.gate.openedBy' }, 'tester'] }, next: 'mark' }] },
      { id: 'mark', type: 'update_record', config: { values: { employees: 7 } } },
    ],
  },
  {
    key: 'leak_check',
    label: l('Leak check'),
    entity: 'account',
    trigger: { type: 'record_updated', fields: ['name'] },
    start: 'capture',
    steps: [{ id: 'capture', type: 'capture' }],
  },
];

/** Step types from a plugin: one keeps what an outbound step would be given, one the idempotency keys it is given. */
const captured: { scope: unknown; outbound: unknown }[] = [];
const probedKeys: string[] = [];
const capturePlugin: MetacrmPlugin = {
  name: 'capture',
  load(api) {
    const action: WorkflowAction = {
      type: 'capture',
      sideEffect: false,
      external: false,
      configSchema: { type: 'object' },
      run: async (_config, ctx) => (captured.push({ scope: ctx.scope.record, outbound: ctx.visible.record }), {}),
    };
    api.actions.register('capture', action);
    const probe: WorkflowAction = {
      type: 'key_probe',
      sideEffect: true,
      external: false,
      configSchema: { type: 'object' },
      run: async (_config, ctx) => (probedKeys.push(ctx.idempotencyKey), {}),
    };
    api.actions.register('key_probe', probe);
    api.actions.register('gate', gateAction);
  },
};

/**
 * A plugin step that waits like the approval step, through the action contract alone:
 * its path waits `on` its key until a document named so appears in `gates`.
 */
const gateAction: WorkflowAction = {
  type: 'gate',
  sideEffect: false,
  external: false,
  configSchema: { type: 'object' },
  run: async (_config, ctx) => ({ wait: { on: ctx.idempotencyKey, until: new Date(Date.now() + 300) } }),
  async resume(on, ctx) {
    const gate = await ctx.db.collection<{ _id: string; by: string }>('gates').findOne({ _id: on });
    return gate ? { output: { openedBy: gate.by } } : { pending: new Date(ctx.now.getTime() + 300) };
  },
};

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    role: 'all',
    plugins: [capturePlugin],
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  await api.put('/api/meta/draft/roles/viewer', {
    key: 'viewer',
    label: l('Viewer'),
    entities: {
      account: { read: true, update: true, scope: 'all', fields: { employees: { read: false }, code: { mask: { keepStart: 1 } } } },
    },
  });
  for (const workflow of workflows) {
    const saved = await api.put(`/api/meta/draft/workflows/${workflow.key}`, workflow);
    expect(saved.status, JSON.stringify(saved.body)).toBeLessThan(300);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const runsOf = (workflow: string) => db.collection<RunDoc>('workflow_runs').find({ workflow }).sort({ createdAt: 1 }).toArray();
async function settled(workflow: string, count = 1): Promise<RunDoc[]> {
  return await waitFor(
    `${count} finished ${workflow} runs`,
    async () => {
      const found = await runsOf(workflow);
      return found.length >= count && found.every((r) => r.status === 'completed' || r.status === 'failed') ? found : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

describe('workflows', () => {
  it('run a sequence, take the first branch whose condition holds, and skip records the condition refuses', async () => {
    const big = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Big', amount: '500.00' })).body.id;
    const small = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Small', amount: '50.00' })).body.id;
    await api.post('/api/records/opportunity', { title: 'skip me', amount: '50.00' });
    const done = await settled('size_deal', 2);
    expect(done.map((r) => r.status)).toEqual(['completed', 'completed']);
    expect((await api.get(`/api/records/opportunity/${big}`)).body).toMatchObject({ probability: '80', close_date: '2027-01-31' });
    expect((await api.get(`/api/records/opportunity/${small}`)).body).toMatchObject({ probability: '10' });
    const bigRun = done.find((r) => r.trigger.recordId === big)!;
    expect(bigRun.log.map((e) => [e.step, e.status])).toEqual([
      ['double', 'completed'],
      ['big', 'completed'],
    ]);
    expect(bigRun.scope.vars).toEqual({ doubled: 1000 });
  });

  it('fork into parallel branches that join, then loop over a query', async () => {
    const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Fork Co', industry: 'tech' })).body.id;
    const [run] = await settled('fan_out');
    expect(run!.status, JSON.stringify(run!.failure)).toBe('completed');
    const children = (
      await api.get<{ records: { title: string; stage: string }[] }>(
        `/api/records/opportunity?filter=${encodeURIComponent(JSON.stringify({ field: 'account', op: 'eq', value: account }))}&sort=title`,
      )
    ).body.records;
    expect(children.map((c) => [c.title, c.stage])).toEqual([
      ['Left for Fork Co', 'won'],
      ['Right for Fork Co', 'won'],
    ]);
    expect((await api.get(`/api/records/account/${account}`)).body).toMatchObject({ employees: 2, open_amount: '12.00' });
    expect(run!.log.filter((e) => e.step === 'touch').length).toBe(2);
  });

  it('give every visit of a step in a cycle its own idempotency key, however long the run log grows', async () => {
    const created = await api.post('/api/records/account', { name: 'Poll Co' });
    expect(created.status).toBe(201);
    const [run] = await settled('poll');
    expect(run!.status, JSON.stringify(run!.failure)).toBe('completed');
    expect(probedKeys).toHaveLength(POLLS);
    // Each visit a key of its own: a key seen before would answer the recorded effect instead of acting.
    expect(new Set(probedKeys).size).toBe(POLLS);
    expect(probedKeys.at(-1)).toBe(`${run!._id.toHexString()}:probe:main:0:${POLLS - 1}`);
    // The saved log is the newest MAX_LOG entries, appended save by save, ending with the last visit.
    expect(run!.log).toHaveLength(MAX_LOG);
    expect(run!.log.at(-1)).toMatchObject({ step: 'count', status: 'completed' });
    expect(run!.visits).toMatchObject({ 'main:probe': POLLS, 'main:count': POLLS });
  });

  it('waits out a delay, then goes on', async () => {
    const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Slow Co', industry: 'retail' })).body.id;
    await waitFor('the run to wait', async () => ((await runsOf('later'))[0]?.status === 'waiting' ? true : undefined));
    const [run] = await settled('later');
    expect(run!.status).toBe('completed');
    expect((await api.get(`/api/records/account/${account}`)).body).toMatchObject({ employees: 1 });
    const waited = run!.log[1]!.startedAt.getTime() - run!.log[0]!.startedAt.getTime();
    expect(waited).toBeGreaterThanOrEqual(900);
  });

  it('waits on a plugin step until its resume settles it, then takes the branch its output chooses', async () => {
    const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Gate Co' })).body.id;
    const waiting = await waitFor('the run to wait on its gate', async () => {
      const [run] = await runsOf('gated');
      return run?.status === 'waiting' && run.paths[0]?.waitOn ? run : undefined;
    });
    expect((await api.get<{ employees?: number | null }>(`/api/records/account/${account}`)).body.employees ?? null).toBeNull();
    await db.collection<{ _id: string; by: string }>('gates').insertOne({ _id: waiting.paths[0]!.waitOn!, by: 'tester' });
    const [run] = await settled('gated');
    expect(run).toMatchObject({ status: 'completed', scope: { steps: { gate: { openedBy: 'tester' } } } });
    expect((await api.get(`/api/records/account/${account}`)).body).toMatchObject({ employees: 7 });
  });

  it('fail with the step and the reason when a step cannot succeed', async () => {
    await api.post('/api/records/account', { name: 'Broken Co' });
    const [run] = await settled('broken');
    expect(run).toMatchObject({ status: 'failed', failure: { step: 'bad', code: 'RECORD_INVALID' } });
  });

  it('give steps that send data out only what the triggering user may see', async () => {
    expect(
      (await api.post('/api/users', { email: 'viewer@example.com', name: 'viewer', password: 'viewer password 1', roles: ['viewer'] }))
        .status,
    ).toBe(201);
    const viewer = apiClient(platform.url, { token: (await signIn(platform.url, 'viewer@example.com', 'viewer password 1')).token });
    const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Quiet Co', code: 'SECRET', employees: 5 })).body.id;
    expect((await viewer.patch(`/api/records/account/${account}`, { name: 'Quiet Co 2' })).status).toBe(200);
    await settled('leak_check');
    expect(captured).toEqual([
      {
        scope: expect.objectContaining({ name: 'Quiet Co 2', code: 'SECRET', employees: 5 }),
        outbound: expect.objectContaining({ name: 'Quiet Co 2', code: 'S*****' }),
      },
    ]);
    expect(captured[0]!.outbound).not.toHaveProperty('employees');
  });

  it('stop a workflow that keeps triggering itself at depth 16, naming the chain', async () => {
    const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Echo Co' })).body.id;
    await api.patch(`/api/records/account/${account}`, { code: 'e' });
    const all = await settled('echo', 17);
    expect(all.filter((r) => r.status === 'completed').length).toBe(16);
    const stopped = all.find((r) => r.status === 'failed')!;
    expect(stopped.failure?.code).toBe('WORKFLOW_LOOP');
    expect(stopped.failure?.message).toContain(Array.from({ length: 17 }, () => 'echo').join(' → '));
    expect((await api.get<{ code: string }>(`/api/records/account/${account}`)).body.code).toBe(`e${'x'.repeat(16)}`);
  });
});

describe('the workflows API', () => {
  it('lists workflows, and switching one off stops new runs until it is on again', async () => {
    const list = await api.get<{ workflows: { key: string; enabled: boolean; trigger: string }[] }>('/api/workflows');
    expect(list.body.workflows.map((w) => w.key).sort()).toEqual(workflows.map((w) => w.key).sort());
    expect((await api.post('/api/workflows/size_deal/disable', {})).status).toBe(204);
    const before = (await runsOf('size_deal')).length;
    await api.post('/api/records/opportunity', { title: 'Unseen', amount: '1.00' });
    await waitFor('the event to be processed', async () =>
      (await db.collection('outbox').countDocuments({ processedAt: null })) === 0 ? true : undefined,
    );
    expect((await runsOf('size_deal')).length).toBe(before);
    expect((await api.post('/api/workflows/size_deal/enable', {})).status).toBe(204);
    await api.post('/api/records/opportunity', { title: 'Seen', amount: '1.00' });
    await settled('size_deal', before + 1);
    expect((await api.post('/api/workflows/nope/disable', {})).status).toBe(404);
  });

  it('starts a manual workflow for a selection with a checked input form', async () => {
    const ids = await Promise.all(
      ['M1', 'M2'].map(async (title) => (await api.post<{ id: string }>('/api/records/opportunity', { title })).body.id),
    );
    const bad = await api.post<{ error: { code: string; details: { problems: { pointer: string }[] } } }>(
      '/api/workflows/bulk_stage/trigger',
      { records: ids, input: { stage: 'maybe' } },
    );
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.problems[0]?.pointer).toBe('/input/stage');
    expect((await api.post('/api/workflows/size_deal/trigger', {})).status).toBe(400);
    const started = await api.post<{ runs: string[] }>('/api/workflows/bulk_stage/trigger', { records: ids, input: { stage: 'lost' } });
    expect(started.status).toBe(202);
    expect(started.body.runs.length).toBe(2);
    await settled('bulk_stage', 2);
    for (const id of ids) expect((await api.get(`/api/records/opportunity/${id}`)).body).toMatchObject({ stage: 'lost' });
  });

  it('shows runs with their step logs, filters the failed ones, and retries a failed run from its step', async () => {
    const failed = await api.get<{ runs: { id: string; workflow: string; failure: { step: string } }[] }>(
      '/api/workflows/runs?status=failed&workflow=broken',
    );
    expect(failed.body.runs.length).toBe(1);
    const id = failed.body.runs[0]!.id;
    const detail = await api.get<{ log: { step: string; status: string; attempt: number }[] }>(`/api/workflows/runs/${id}`);
    expect(detail.body.log.map((e) => [e.step, e.status])).toEqual([['bad', 'failed']]);
    const retried = await api.post(`/api/workflows/runs/${id}/retry`, {});
    expect(retried.status).toBe(200);
    await waitFor('the retried run to fail again', async () => {
      const run = (await api.get<{ status: string; log: unknown[] }>(`/api/workflows/runs/${id}`)).body;
      return run.status === 'failed' && run.log.length === 2 ? true : undefined;
    });
    const completed = (await runsOf('size_deal'))[0]!;
    expect(
      (await api.post<{ error: { code: string } }>(`/api/workflows/runs/${completed._id.toHexString()}/retry`, {})).body.error.code,
    ).toBe('WORKFLOW_RUN_NOT_RETRYABLE');
    expect((await api.get('/api/workflows/runs?status=sideways')).status).toBe(400);
    expect((await api.get('/api/workflows/runs/zzz')).status).toBe(404);
  });

  it('dry-runs a workflow over a sample record, saying what it would change and changing nothing', async () => {
    const runsBefore = await db.collection('workflow_runs').countDocuments();
    const records = await db.collection('rec_opportunity').countDocuments();
    const dry = await api.post<{ status: string; steps: { step: string; output: { plan?: unknown } }[]; vars: unknown }>(
      '/api/workflows/size_deal/dry-run',
      { record: { title: 'Sample', amount: '300.00' } },
    );
    expect(dry.status).toBe(200);
    expect(dry.body.status).toBe('completed');
    expect(dry.body.steps.map((s) => s.step)).toEqual(['double', 'big']);
    expect(dry.body.steps[1]!.output).toEqual({
      dryRun: true,
      wouldRun: 'update_record',
      external: false,
      plan: { entity: 'opportunity', id: '000000000000000000000000', values: { probability: 80, close_date: '2027-01-31' } },
    });
    expect(dry.body.vars).toEqual({ doubled: 600 });
    expect(await db.collection('workflow_runs').countDocuments()).toBe(runsBefore);
    expect(await db.collection('rec_opportunity').countDocuments()).toBe(records);
  });

  it('re-enqueues a run whose job was lost', async () => {
    const queue = new Queue('workflows', { connection: { url: env.redisUrl }, prefix: env.prefix });
    try {
      const run = (await runsOf('size_deal'))[0]!;
      // A run that looks stuck: queued long ago, its job gone (Redis lost it).
      await db.collection('workflow_runs').updateOne({ _id: run._id }, { $set: { status: 'queued', updatedAt: new Date(0) } });
      await (await queue.getJob(run._id.toHexString()))?.remove();
      const sweeper = new RunSweeper({ db, queue, logger: createLogger('silent') });
      expect(await sweeper.sweepOnce()).toBe(1);
      await waitFor('the run to finish again', async () =>
        (await db.collection<RunDoc>('workflow_runs').findOne({ _id: run._id }))?.status === 'completed' ? true : undefined,
      );
    } finally {
      await queue.close();
    }
  });
});
