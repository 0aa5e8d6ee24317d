import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity, Problem } from '@metacrm/metadata';
import type { ApiImport } from '../../server/src/records/import/import-job.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The duplicate check (查重) of an entity's duplicateRules on every write path: a
 * blocking rule refuses the write naming who owns the match, a warning rule lets it
 * through with `_duplicates`, and neither shows a match's id or name to a writer who
 * may not read that record.
 */
const env = testEnv(import.meta.url);
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
let platform: TestPlatform;
let api: ApiClient;
let wang: ApiClient;
let zhang: ApiClient;
const ids: Record<string, string> = {};
type Rec = Record<string, unknown> & { id: string; _version: number; _duplicates?: Problem[] };
type Err = { error: { code: string; message: string; details: { problems: Problem[] } } };
const SLOW = 120_000;

const text = (key: string, zh: string, en: string) => ({ key, type: 'text', label: l(zh, en) });
const account = {
  key: 'account',
  label: l('客户', 'Account'),
  displayField: 'name',
  fields: [
    { ...text('name', '名称', 'Name'), required: true },
    { key: 'phone', type: 'phone', label: l('电话', 'Phone') },
    { key: 'email', type: 'email', label: l('邮箱', 'Email') },
  ],
  indexes: [{ key: 'by_phone', fields: [{ field: 'phone', direction: 'asc' }] }],
} as Entity;
const prospect = {
  key: 'prospect',
  label: l('线索', 'Prospect'),
  displayField: 'name',
  fields: [
    { ...text('name', '姓名', 'Name'), required: true },
    text('company', '公司', 'Company'),
    { key: 'phone', type: 'phone', label: l('电话', 'Phone') },
    { key: 'email', type: 'email', label: l('邮箱', 'Email') },
  ],
  duplicateRules: [
    {
      key: 'by_phone',
      field: 'phone',
      mode: 'block',
      match: [
        { entity: 'account', field: 'phone' },
        { entity: 'prospect', field: 'phone' },
      ],
    },
    { key: 'by_email', field: 'email', mode: 'warn', match: [{ entity: 'account', field: 'email' }] },
    { key: 'by_company', field: 'company', mode: 'warn', match: [{ entity: 'account', field: 'name' }] },
  ],
} as Entity;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of [account, prospect])
    expect((await api.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBeLessThan(300);
  await api.put('/api/meta/draft/roles/rep', {
    key: 'rep',
    label: l('销售', 'Rep'),
    entities: {
      account: { create: true, read: true, update: true, scope: 'own' },
      prospect: { create: true, read: true, update: true, scope: 'own' },
    },
  });
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [key, name] of [
    ['zhang', '张伟'],
    ['wang', '王芳'],
  ] as const) {
    ids[key] = (
      await api.post<{ id: string }>('/api/users', { email: `${key}@example.com`, name, password: `${key} password 123`, roles: ['rep'] })
    ).body.id;
  }
  zhang = apiClient(platform.url, { token: (await signIn(platform.url, 'zhang@example.com', 'zhang password 123')).token });
  wang = apiClient(platform.url, { token: (await signIn(platform.url, 'wang@example.com', 'wang password 123')).token });
  const owned = await zhang.post<Rec>('/api/records/account', { name: 'Yunfan Tech', phone: '13800138000', email: 'info@yunfan.example' });
  expect(owned.status).toBe(201);
  ids.account = owned.body.id;
}, SLOW);
afterAll(async () => {
  await platform?.stop();
});

const problems = (body: unknown) => (body as Err).error.details.problems;

describe('duplicate rules', () => {
  it('refuse a blocking match, telling who owns it without showing a record the writer may not read', async () => {
    const refused = await wang.post<Rec>(
      '/api/records/prospect',
      { name: 'Li Lei', phone: ' 13800138000 ' },
      { 'Accept-Language': 'zh-CN' },
    );
    expect(refused.status).toBe(422);
    const [problem, ...rest] = problems(refused.body);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({
      pointer: '/phone',
      code: 'DUPLICATE_RECORD',
      message: '与张伟负责的客户电话重复',
      params: { rule: 'by_phone', mode: 'block', entity: 'account', matchField: 'phone', ownerId: ids.zhang, ownerName: '张伟' },
    });
    expect(problem!.params).not.toHaveProperty('record');
    expect(JSON.stringify(refused.body)).not.toContain(ids.account);
    // The owner may read the match: they see which record it is.
    const own = await zhang.post<Rec>('/api/records/prospect', { name: 'Li Lei', phone: '13800138000' });
    expect(problems(own.body)[0]!.params).toMatchObject({ record: { id: ids.account, name: 'Yunfan Tech' } });
  });

  it('let a warning match through, answering it in _duplicates', async () => {
    const created = await wang.post<Rec>('/api/records/prospect', {
      name: 'Han Meimei',
      company: 'YUNFAN TECH',
      email: 'info@yunfan.example',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body._duplicates!.map((p) => `${p.pointer} ${p.message}`)).toEqual([
      '/email An account owned by 张伟 has the same email',
      '/company An account owned by 张伟 has the same company',
    ]);
    const clean = await wang.post<Rec>('/api/records/prospect', { name: 'Nobody', phone: '13900000000' });
    expect(clean.body).not.toHaveProperty('_duplicates');
  });

  it('answer before a save, and leave the record itself out on an update', async () => {
    const check = await wang.post<{ duplicates: Problem[] }>('/api/records/prospect/duplicates', {
      data: { name: 'X', phone: '13800138000', email: 'info@yunfan.example' },
    });
    expect(check.status).toBe(200);
    expect(check.body.duplicates.map((p) => `${p.pointer} ${p.params!.mode}`)).toEqual(['/phone block', '/email warn']);
    const mine = (await wang.post<Rec>('/api/records/prospect', { name: 'Mine', phone: '13700000000' })).body;
    expect((await wang.patch<Rec>(`/api/records/prospect/${mine.id}`, { name: 'Mine 2', phone: '13700000000' })).status).toBe(200);
    const taken = await wang.patch<Rec>(`/api/records/prospect/${mine.id}`, { phone: '13800138000' });
    expect(taken.status).toBe(422);
    expect(problems(taken.body).map((p) => p.code)).toEqual(['DUPLICATE_RECORD']);
    expect(
      (await wang.post<{ duplicates: Problem[] }>('/api/records/prospect/duplicates', { id: mine.id, data: {} })).body.duplicates,
    ).toEqual([]);
  });

  it(
    'hold on bulk creates (the refused item alone, by its index) and on imports',
    async () => {
      const bulk = await wang.post<{ results: { index: number; status: number; error?: Err['error'] }[] }>('/api/records/prospect/bulk', {
        operations: [
          { op: 'create', data: { name: 'B1', phone: '13600000001' } },
          { op: 'create', data: { name: 'B2', phone: '13800138000' } },
          { op: 'create', data: { name: 'B3', phone: '13600000003' } },
        ],
      });
      expect(bulk.body.results.map((r) => `${r.index} ${r.status} ${r.error?.details.problems[0]!.code ?? ''}`.trim())).toEqual([
        '0 201',
        '1 422 DUPLICATE_RECORD',
        '2 201',
      ]);
      // Two records of one batch with the same phone: the second is refused, though neither was saved before.
      const twice = await wang.post<{ results: { index: number; status: number; error?: Err['error'] }[] }>('/api/records/prospect/bulk', {
        operations: [
          { op: 'create', data: { name: 'T1', phone: '13600000009' } },
          { op: 'create', data: { name: 'T2', phone: ' 13600000009 ' } },
        ],
      });
      expect(twice.body.results.map((r) => `${r.index} ${r.status}`)).toEqual(['0 201', '1 422']);
      expect(twice.body.results[1]!.error!.details.problems[0]).toMatchObject({
        code: 'DUPLICATE_RECORD',
        params: { ownerName: '王芳', inBatch: true },
      });

      const csv = 'name,phone\r\nI1,13500000001\r\nI2,13800138000\r\n';
      const started = await wang.post<ApiImport>('/api/records/prospect/import', {
        file: { name: 'p.csv', contentBase64: Buffer.from(csv).toString('base64') },
        mapping: { name: 'name', phone: 'phone' },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const done = await waitFor(
        'the import',
        async () => {
          const { body } = await wang.get<ApiImport>(`/api/records/prospect/imports/${started.body.id}`);
          return ['completed', 'failed'].includes(body.status) ? body : undefined;
        },
        { timeoutMs: SLOW, intervalMs: 50 },
      );
      expect(done).toMatchObject({ status: 'completed', created: 1, failed: 1 });
      expect(done.errors).toEqual([expect.objectContaining({ row: 3, field: 'phone', code: 'DUPLICATE_RECORD' })]);
    },
    SLOW,
  );
});
