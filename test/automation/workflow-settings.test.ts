import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workflow } from '@metacrm/metadata';
import type { RunDoc } from '../../server/src/automation/workflow-runs.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * How a workflow reads its settings and its record (issue #20, items 1-5): a run sees the
 * record with its system fields; a dry run honours the condition and plans each step
 * through the code a real run uses; a record a step creates belongs to a user; publish
 * refuses settings that could only fail; a failed write's problems stay in the run log.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let db: Db;
let platform: TestPlatform;
let api: ApiClient;
let rep: ApiClient;
const ids: Record<string, string> = {};

const workflows = (): Workflow[] => [
  {
    key: 'owner_note',
    label: l('Tell the owner'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.industry' }, 'retail'] },
    start: 'tell',
    steps: [
      {
        id: 'tell',
        type: 'notify',
        config: { to: { var: 'record._ownerId' }, title: { 'zh-CN': '新客户 {{record.name}}', en: 'New account {{record.name}}' } },
      },
    ],
  },
  {
    key: 'ask_manager',
    label: l('Ask the manager'),
    entity: 'opportunity',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.title' }, 'never'] },
    start: 'ask',
    steps: [{ id: 'ask', type: 'approval', config: { approvers: { type: 'manager' }, title: 'Check' } }],
  },
  {
    key: 'follow_up',
    label: l('Follow up'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.industry' }, 'tech'] },
    start: 'mine',
    steps: [
      {
        id: 'mine',
        type: 'create_record',
        config: { entity: 'opportunity', values: { title: { cat: ['Mine ', { var: 'record.name' }] }, account: { var: 'record.id' } } },
        next: 'owners',
      },
      {
        id: 'owners',
        type: 'create_record',
        config: { entity: 'opportunity', owner: 'record_owner', values: { title: { cat: ['Owners ', { var: 'record.name' }] } } },
        next: 'turn',
      },
      {
        id: 'turn',
        type: 'create_record',
        config: { entity: 'opportunity', owner: { roundRobin: { role: 'member' } }, values: { title: 'Turn' } },
        next: 'boss',
      },
      {
        id: 'boss',
        type: 'create_record',
        config: { entity: 'opportunity', owner: { user: { var: 'vars.none' } }, values: { title: 'never' } },
      },
    ],
  },
  {
    key: 'reclaim',
    label: l('Reclaim'),
    entity: 'opportunity',
    trigger: { type: 'manual' },
    start: 'give',
    steps: [{ id: 'give', type: 'assign_owner', config: { owner: 'triggering_user' } }],
  },
  {
    key: 'bad_write',
    label: l('Bad write'),
    entity: 'account',
    trigger: { type: 'record_created' },
    condition: { '==': [{ var: 'record.name' }, 'Bad Co'] },
    start: 'bad',
    steps: [{ id: 'bad', type: 'update_record', config: { values: { employees: -5 } } }],
  },
];

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
  const bundle = salesBundle();
  for (const entity of bundle.entities) await api.put(`/api/meta/draft/entities/${entity.key}`, entity);
  await api.put('/api/meta/draft/roles/member', {
    key: 'member',
    label: l('Member'),
    entities: {
      account: { create: true, read: true, update: true, scope: 'own' },
      opportunity: { create: true, read: true, update: true, scope: 'own' },
    },
  });
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  ids.boss = (
    await api.post<{ id: string }>('/api/users', {
      email: 'boss@example.com',
      name: 'boss',
      password: 'boss password 123',
      roles: ['member'],
    })
  ).body.id;
  const created = await api.post<{ id: string }>('/api/users', {
    email: 'rep@example.com',
    name: 'rep',
    password: 'rep password 123',
    roles: ['member'],
    managerId: ids.boss,
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  ids.rep = created.body.id;
  rep = apiClient(platform.url, { token: (await signIn(platform.url, 'rep@example.com', 'rep password 123')).token });
  for (const workflow of workflows()) expect((await api.put(`/api/meta/draft/workflows/${workflow.key}`, workflow)).status).toBe(200);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

async function settled(workflow: string, count = 1): Promise<RunDoc[]> {
  return await waitFor(
    `${count} finished ${workflow} runs`,
    async () => {
      const found = await db.collection<RunDoc>('workflow_runs').find({ workflow }).sort({ createdAt: 1 }).toArray();
      return found.length >= count && found.every((r) => r.status === 'completed' || r.status === 'failed') ? found : undefined;
    },
    { timeoutMs: 60_000 },
  );
}

describe('a run', () => {
  it('sees its record as the API shows it, system fields included, so a step can notify the owner', async () => {
    const account = await rep.post<{ id: string }>('/api/records/account', { name: 'Shop', industry: 'retail' });
    expect(account.status).toBe(201);
    const [run] = await settled('owner_note');
    expect(run!.status, JSON.stringify(run!.failure)).toBe('completed');
    expect(run!.scope.record).toMatchObject({
      id: account.body.id,
      name: 'Shop',
      _ownerId: ids.rep,
      _createdBy: ids.rep,
      _version: 1,
      _createdAt: expect.any(String),
    });
    const notes = await rep.get<{ notifications: { title: unknown; link: unknown }[] }>('/api/notifications');
    expect(notes.body.notifications).toEqual([expect.objectContaining({ title: { 'zh-CN': '新客户 Shop', en: 'New account Shop' } })]);
  });

  it('keeps the problems of a refused write in its log', async () => {
    await api.post('/api/records/account', { name: 'Bad Co' });
    const [run] = await settled('bad_write');
    expect(run).toMatchObject({ status: 'failed', failure: { step: 'bad', code: 'RECORD_INVALID' } });
    expect(run!.log.at(-1)!.error?.problems).toContainEqual(expect.objectContaining({ pointer: '/employees', code: 'OUT_OF_RANGE' }));
  });
});

describe('records a workflow creates', () => {
  it('belong to the user who triggered the run, or to the owner the step chooses', async () => {
    const account = (await rep.post<{ id: string }>('/api/records/account', { name: 'Acme', industry: 'tech' })).body.id;
    const [run] = await settled('follow_up');
    // The third step names nobody: it fails with a pointer, after the first two created their records.
    expect(run!.failure).toMatchObject({ step: 'boss', code: 'WORKFLOW_NO_ASSIGNEE' });
    const mine = (run!.scope.steps.mine as { id: string }).id;
    const owners = (run!.scope.steps.owners as { id: string }).id;
    expect((await rep.get(`/api/records/opportunity/${mine}`)).body).toMatchObject({ title: 'Mine Acme', _ownerId: ids.rep });
    expect((await rep.get(`/api/records/opportunity/${owners}`)).body).toMatchObject({ title: 'Owners Acme', _ownerId: ids.rep });
    // The first turn of a round robin among the role's holders, in id order: the boss was created first.
    expect(run!.scope.steps.turn).toMatchObject({ ownerId: ids.boss });
    // The related list its owner sees (her scope is her own records: it is hers, not the workflow's).
    const related = await rep.get<{ records: { id: string }[] }>(`/api/records/account/${account}/related/opportunity/account`);
    expect(related.body.records.map((r) => r.id)).toEqual([mine]);
    expect(run!.log.at(-1)!.error).toMatchObject({ code: 'WORKFLOW_NO_ASSIGNEE' });
  });

  it('that a workflow owns stay reachable by admins, who can hand them to a user', async () => {
    const id = (await api.post<{ id: string }>('/api/records/opportunity', { title: 'Orphan' })).body.id;
    await db
      .collection('rec_opportunity')
      .updateOne({ _id: new (await import('mongodb')).ObjectId(id) }, { $set: { _ownerId: 'workflow:old' } });
    const filter = encodeURIComponent(JSON.stringify({ field: '_ownerId', op: 'eq', value: 'workflow:old' }));
    const found = await api.get<{ records: { id: string }[] }>(`/api/records/opportunity?filter=${filter}`);
    expect(found.status, JSON.stringify(found.body)).toBe(200);
    expect(found.body.records.map((r) => r.id)).toEqual([id]);
    expect((await api.post('/api/workflows/reclaim/trigger', { records: [id] })).status).toBe(202);
    const [run] = await settled('reclaim');
    expect(run!.status, JSON.stringify(run!.failure)).toBe('completed');
    expect((await api.get(`/api/records/opportunity/${id}`)).body).toMatchObject({ _ownerId: platform.admin.id });
  });

  it('cannot be given an owner by a user at creation: the engine refuses it', async () => {
    const { RecordService } = await import('../../server/src/records/record.service.js');
    const { metadataToolkit } = await import('../../server/src/metadata/metadata-toolkit.js');
    const { createRegistries } = await import('../../server/src/runtime/registries.js');
    const { snapshotOf } = await import('../../server/src/metadata/metadata-cache.js');
    const snapshot = snapshotOf(2, (await api.get<{ bundle: never }>('/api/meta')).body.bundle);
    const service = new RecordService({
      db,
      snapshot,
      registries: metadataToolkit(createRegistries()).registries,
      actor: { kind: 'user', id: ids.rep!, name: 'rep', roles: ['member'] },
    });
    await expect(service.create('opportunity', { title: 'Given away' }, { owner: ids.boss })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('a dry run', () => {
  type Dry = {
    status: string;
    condition: boolean | null;
    steps: { step: string; status: string; output?: { plan?: Record<string, unknown> }; error?: unknown }[];
    failure: unknown;
  };
  const dry = async (key: string, body: unknown) => await api.post<Dry>(`/api/workflows/${key}/dry-run`, body);

  it('honours the condition: false runs nothing, unless the caller skips it', async () => {
    const refused = await dry('owner_note', { record: { name: 'X', industry: 'tech' }, old: { industry: 'retail' } });
    expect(refused.body).toMatchObject({ status: 'skipped', condition: false, steps: [] });
    const forced = await dry('owner_note', { record: { name: 'X', industry: 'tech' }, skipCondition: true });
    expect(forced.body).toMatchObject({ status: 'completed', condition: null });
    expect(forced.body.steps.map((s) => s.step)).toEqual(['tell']);
    expect((await dry('owner_note', { record: { name: 'X', industry: 'retail' } })).body.condition).toBe(true);
    expect((await dry('owner_note', { record: {}, skipCondition: 'yes' })).status).toBe(400);
    expect((await dry('owner_note', { sample: {} })).status).toBe(400);
  });

  it('reads settings as a real run does: a localized title, approvers by manager, the record owner', async () => {
    const note = await dry('owner_note', { record: { name: 'Y', industry: 'retail' } });
    expect(note.body.steps[0]!.output?.plan).toEqual({
      users: [platform.admin.id],
      link: null,
      messages: [{ userId: platform.admin.id, title: { 'zh-CN': '新客户 Y', en: 'New account Y' }, body: null }],
    });
    const ask = await dry('ask_manager', { record: { title: 'T', _ownerId: ids.rep }, skipCondition: true });
    expect(ask.body.status, JSON.stringify(ask.body)).toBe('completed');
    expect(ask.body.steps[0]!.output?.plan).toMatchObject({ approvers: [ids.boss], mode: 'any', title: 'Check' });
    const follow = await dry('follow_up', { record: { name: 'Z', industry: 'tech' } });
    expect(follow.body.steps.map((s) => [s.step, s.status])).toEqual([
      ['mine', 'completed'],
      ['owners', 'completed'],
      ['turn', 'completed'],
      ['boss', 'failed'],
    ]);
    // A round robin takes its turn only when the step acts: the plan names the team.
    expect(follow.body.steps[2]!.output?.plan).toMatchObject({ owner: { roundRobin: [ids.boss, ids.rep] } });
    expect(follow.body.steps[0]!.output?.plan).toEqual({
      entity: 'opportunity',
      values: { title: 'Mine Z', account: '000000000000000000000000' },
      owner: { ownerId: platform.admin.id },
    });
  });
});

describe('publish', () => {
  type Problems = { error: { code: string; details: { problems: { pointer: string; code: string }[] } } };
  const broken: [string, Workflow['steps'], string, string][] = [
    [
      'an unknown field in values',
      [{ id: 'a', type: 'update_record', config: { values: { ghost: 1 } } }],
      '/steps/0/config/values/ghost',
      'UNKNOWN_FIELD',
    ],
    [
      'a computed field in values',
      [{ id: 'a', type: 'update_record', config: { values: { open_amount: 1 } } }],
      '/steps/0/config/values/open_amount',
      'IMMUTABLE',
    ],
    [
      'an unknown entity',
      [{ id: 'a', type: 'create_record', config: { entity: 'nosuch', values: { name: 'x' } } }],
      '/steps/0/config/entity',
      'UNKNOWN_ENTITY',
    ],
    [
      'an unknown entity to query',
      [{ id: 'a', type: 'query_records', config: { entity: 'nosuch' } }],
      '/steps/0/config/entity',
      'UNKNOWN_ENTITY',
    ],
    [
      'a cycle without a way out',
      [
        { id: 'a', type: 'set_variables', config: { values: { n: 1 } }, next: 'b' },
        { id: 'b', type: 'set_variables', config: { values: { n: 2 } }, next: 'a' },
      ],
      '/steps/0/next',
      'STEP_CYCLE',
    ],
    [
      'approvers of an unknown kind',
      [{ id: 'a', type: 'approval', config: { approvers: { type: 'boss' } } }],
      '/steps/0/config/approvers',
      'NOT_ALLOWED_VALUE',
    ],
    ['an owner of an unknown kind', [{ id: 'a', type: 'assign_owner', config: { owner: 'someone' } }], '/steps/0/config/owner', ''],
    [
      'two owners at once',
      [{ id: 'a', type: 'assign_owner', config: { owner: 'record_owner', role: 'member' } }],
      '/steps/0/config/owner',
      'NOT_ALLOWED_VALUE',
    ],
  ];

  it.each(broken)('refuses %s with a pointer to the step and setting', async (_what, steps, at, code) => {
    const workflow: Workflow = {
      key: 'broken_one',
      label: l('Broken'),
      entity: 'account',
      trigger: { type: 'record_created' },
      start: 'a',
      steps,
    };
    expect((await api.put('/api/meta/draft/workflows/broken_one', workflow)).status).toBe(200);
    try {
      const res = await api.post<Problems>('/api/meta/publish');
      expect(res.status).toBe(422);
      // Pointers name the workflow by its key (/workflows/broken_one/steps/…).
      const problems = res.body.error.details.problems.filter(
        (p) => p.pointer.startsWith('/workflows/broken_one/') && p.pointer.replace(/^\/workflows\/broken_one/, '').startsWith(at),
      );
      expect(problems.length, JSON.stringify(res.body.error.details.problems)).toBeGreaterThan(0);
      if (code) expect(problems.map((p) => p.code)).toContain(code);
    } finally {
      await api.delete('/api/meta/draft/workflows/broken_one');
    }
  });

  it('accepts a cycle that a branch can leave', async () => {
    const workflow: Workflow = {
      key: 'polling',
      label: l('Polling'),
      entity: 'account',
      trigger: { type: 'record_created' },
      start: 'wait',
      steps: [
        { id: 'wait', type: 'delay', config: { seconds: 60 }, next: 'look' },
        {
          id: 'look',
          type: 'query_records',
          config: { entity: 'opportunity' },
          branches: [{ when: { '==': [{ var: 'steps.look.count' }, 0] }, next: 'wait' }],
        },
      ],
    };
    expect((await api.put('/api/meta/draft/workflows/polling', workflow)).status).toBe(200);
    try {
      const res = await api.post('/api/meta/draft/validate');
      expect(res.body).toMatchObject({ valid: true });
    } finally {
      await api.delete('/api/meta/draft/workflows/polling');
    }
  });
});
