import { Queue } from 'bullmq';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '@metacrm/metadata';
import { approvals, decideApproval } from '../../server/src/automation/approvals.js';
import type { RunDoc } from '../../server/src/automation/workflow-runs.js';
import type { Actor } from '../../server/src/actor/actor.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Approval steps: the run waits for a user or the holders of a role (any or all of
 * them), the record is locked meanwhile, the decision routes the run through the
 * step's branches, and a timeout rejects.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let db: Db;
let platform: TestPlatform;
let api: ApiClient;
let queue: Queue;
const users: Record<string, Actor> = {};

const decide = (approvers: unknown, extra: Record<string, unknown> = {}) => [
  {
    id: 'ask',
    type: 'approval',
    config: { approvers, ...extra },
    branches: [{ when: { '==': [{ var: 'steps.ask.decision' }, 'approved'] }, next: 'win' }],
    next: 'lose',
  },
  { id: 'win', type: 'update_record', config: { values: { stage: 'won' } } },
  { id: 'lose', type: 'update_record', config: { values: { stage: 'lost' } } },
];
const onTitle = (prefix: string) => ({ '==': [{ substr: [{ var: 'record.title' }, 0, prefix.length] }, prefix] });

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    role: 'all',
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of salesBundle().entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  await api.put('/api/meta/draft/roles/approver', { key: 'approver', label: l('Approver') });
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  for (const key of ['boss', 'ann', 'bob']) {
    const created = await api.post<{ id: string }>('/api/users', {
      email: `${key}@example.com`,
      name: key,
      password: `${key} password 123`,
      roles: key === 'boss' ? [] : ['approver'],
    });
    expect(created.status).toBe(201);
    users[key] = { kind: 'user', id: created.body.id, name: key, roles: key === 'boss' ? [] : ['approver'] };
  }
  const workflows: Workflow[] = [
    {
      key: 'one_boss',
      label: l('Boss decides'),
      entity: 'opportunity',
      trigger: { type: 'record_created' },
      condition: onTitle('Boss'),
      start: 'ask',
      steps: decide({ type: 'user', id: users.boss!.id }),
    },
    {
      key: 'all_approvers',
      label: l('All approvers'),
      entity: 'opportunity',
      trigger: { type: 'record_created' },
      condition: onTitle('All'),
      start: 'ask',
      steps: decide({ type: 'role', role: 'approver' }, { mode: 'all' }),
    },
    {
      key: 'spread',
      label: l('Spread leads'),
      entity: 'opportunity',
      trigger: { type: 'record_created' },
      condition: onTitle('Lead'),
      start: 'give',
      steps: [{ id: 'give', type: 'assign_owner', config: { role: 'approver' } }],
    },
    {
      key: 'hurry',
      label: l('Hurry'),
      entity: 'opportunity',
      trigger: { type: 'record_created' },
      condition: onTitle('Hurry'),
      start: 'ask',
      steps: decide({ type: 'user', id: users.boss!.id }, { timeoutSeconds: 1 }),
    },
  ];
  for (const workflow of workflows) await api.put(`/api/meta/draft/workflows/${workflow.key}`, workflow);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  queue = new Queue('workflows', { connection: { url: env.redisUrl }, prefix: env.prefix });
});
afterAll(async () => {
  await queue?.close();
  await platform?.stop();
});

const runOf = (workflow: string) => db.collection<RunDoc>('workflow_runs').findOne({ workflow });
const pendingFor = async (workflow: string) =>
  await waitFor(`a pending ${workflow} approval`, async () => (await approvals(db).findOne({ workflow, status: 'pending' })) ?? undefined);
const stage = async (id: string) => (await api.get<{ stage: string }>(`/api/records/opportunity/${id}`)).body.stage;

describe('approvals', () => {
  it('wait for the approver, lock the record meanwhile, and route the run by the decision', async () => {
    const id = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Boss deal' })).body.id;
    const approval = await pendingFor('one_boss');
    // The approval is written by the step; the run saves 'waiting' just after.
    await waitFor('the run to wait', async () => ((await runOf('one_boss'))?.status === 'waiting' ? true : undefined));
    const locked = await api.patch<{ error: { code: string } }>(`/api/records/opportunity/${id}`, { amount: '1.00' });
    expect([locked.status, locked.body.error.code]).toEqual([423, 'RECORD_LOCKED']);
    expect((await api.delete(`/api/records/opportunity/${id}`)).status).toBe(423);
    const boss = apiClient(platform.url, { token: (await signIn(platform.url, 'boss@example.com', 'boss password 123')).token });
    const ann = apiClient(platform.url, { token: (await signIn(platform.url, 'ann@example.com', 'ann password 123')).token });
    expect((await boss.get<{ approvals: { id: string }[] }>('/api/approvals')).body.approvals.map((a) => a.id)).toEqual([
      String(approval._id),
    ]);
    expect((await ann.get<{ approvals: unknown[] }>('/api/approvals')).body.approvals).toEqual([]);
    expect((await ann.post(`/api/approvals/${approval._id}/approve`, {})).status).toBe(404);
    const decided = await boss.post<{ status: string }>(`/api/approvals/${approval._id}/approve`, { comment: 'fine' });
    expect([decided.status, decided.body.status]).toEqual([200, 'approved']);
    await waitFor('the run to finish', async () => ((await runOf('one_boss'))?.status === 'completed' ? true : undefined));
    expect(await stage(id)).toBe('won');
    expect((await runOf('one_boss'))?.scope.steps.ask).toMatchObject({
      decision: 'approved',
      decisions: [{ name: 'boss', decision: 'approve', comment: 'fine' }],
    });
    expect((await api.patch(`/api/records/opportunity/${id}`, { amount: '2.00' })).status).toBe(200);
    await expect(decideApproval(db, queue, users.boss!, String(approval._id), 'reject', {})).rejects.toMatchObject({
      code: 'WORKFLOW_APPROVAL_NOT_FOUND',
    });
  });

  it('with all-of, need every approver; one rejection decides', async () => {
    const id = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'All hands' })).body.id;
    const approval = await pendingFor('all_approvers');
    expect([...approval.approvers].sort()).toEqual([users.ann!.id, users.bob!.id].sort());
    expect((await decideApproval(db, queue, users.ann!, String(approval._id), 'approve', {})).status).toBe('pending');
    expect((await decideApproval(db, queue, users.bob!, String(approval._id), 'reject', { comment: 'no' })).status).toBe('rejected');
    await waitFor('the run to finish', async () => ((await runOf('all_approvers'))?.status === 'completed' ? true : undefined));
    expect(await stage(id)).toBe('lost');
  });

  it('reject when nobody decides in time', async () => {
    const id = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Hurry up' })).body.id;
    await waitFor('the run to finish', async () => ((await runOf('hurry'))?.status === 'completed' ? true : undefined), {
      timeoutMs: 30_000,
    });
    expect(await stage(id)).toBe('lost');
    expect(await approvals(db).findOne({ workflow: 'hurry' })).toMatchObject({ status: 'rejected', reason: 'timeout' });
  });
});

describe('owner assignment', () => {
  it('takes turns within a team, recording the change in the history', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 4; i++) ids.push((await api.post<{ id: string }>('/api/records/opportunity', { title: `Lead ${i}` })).body.id);
    await waitFor('four assignments', async () =>
      (await db.collection<RunDoc>('workflow_runs').countDocuments({ workflow: 'spread', status: 'completed' })) === 4 ? true : undefined,
    );
    const owners = await Promise.all(
      ids.map(async (id) => (await api.get<{ _ownerId: string }>(`/api/records/opportunity/${id}`)).body._ownerId),
    );
    expect(owners.filter((o) => o === users.ann!.id).length).toBe(2);
    expect(owners.filter((o) => o === users.bob!.id).length).toBe(2);
    const history = await api.get<{ entries: { field: string; from: string; to: string }[] }>(`/api/records/opportunity/${ids[0]}/history`);
    expect(history.body.entries.find((e) => e.field === '_ownerId')).toMatchObject({ from: platform.admin.id, to: owners[0] });
  });
});
