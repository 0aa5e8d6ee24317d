import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity, Form, ValidationRule } from '@metacrm/metadata';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Issue #20 items 9-11: one answer lists every problem of a write, each with a message a
 * user reads in their language and params for the UI, in one shape on every error.
 */
const env = testEnv(import.meta.url);
const l = (en: string, zh = en) => ({ 'zh-CN': zh, en });

const project: Entity = {
  key: 'project',
  label: l('Project', '项目'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: l('Name', '名称'), required: true },
    { key: 'code', type: 'text', label: l('Code', '编号'), required: true },
    { key: 'amount', type: 'decimal', label: l('Amount', '金额'), scale: 3, min: '0' },
    {
      key: 'stage',
      type: 'single_select',
      label: l('Stage', '阶段'),
      options: [
        { key: 'open', label: l('Open') },
        { key: 'closed', label: l('Closed') },
      ],
    },
    { key: 'email', type: 'email', label: l('Email', '邮箱') },
    { key: 'note', type: 'text', label: l('Note', '备注') },
  ],
};
const rule: ValidationRule = {
  key: 'no_bad_names',
  entity: 'project',
  errorWhen: { '==': [{ var: 'name' }, 'Bad'] },
  message: l('"Bad" is not a name', '名称不能是 Bad'),
  fields: ['name'],
};
const form: Form = {
  key: 'project_main',
  entity: 'project',
  label: l('Project'),
  default: true,
  layout: {
    tabs: [
      {
        key: 'main',
        label: l('Main'),
        sections: [
          {
            key: 'basics',
            fields: [
              { field: 'name' },
              { field: 'code' },
              { field: 'amount' },
              { field: 'stage' },
              { field: 'email' },
              { field: 'note', requiredWhen: { '==': [{ var: 'name' }, 'Bad'] } },
            ],
          },
        ],
      },
    ],
  },
};

type Problem = { pointer: string; code: string; message: string; params?: Record<string, unknown> };
type Err = { error: { code: string; message: string; details: { problems: Problem[] } & Record<string, unknown> } };

let platform: TestPlatform;
let api: ApiClient;

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
  expect((await api.put('/api/meta/draft/entities/project', project)).status).toBe(200);
  expect((await api.put('/api/meta/draft/rules/no_bad_names', rule)).status).toBe(200);
  expect((await api.put('/api/meta/draft/forms/project_main', form)).status).toBe(200);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const bad = { name: 'Bad', amount: '-1', stage: 'maybe', email: 'nope', nonsense: 1 };

describe('one answer lists every problem', () => {
  it('names types, formats, options, ranges, required fields, rules and form conditions at once', async () => {
    const res = await api.post<Err>('/api/records/project', bad);
    expect(res.status).toBe(422);
    const found = res.body.error.details.problems.map((p) => `${p.pointer} ${p.code}`).sort();
    expect(found).toEqual(
      [
        '/amount OUT_OF_RANGE',
        '/code REQUIRED',
        '/email BAD_FORMAT',
        '/name INVALID',
        '/nonsense UNKNOWN_PROPERTY',
        '/note REQUIRED',
        '/stage NOT_ALLOWED_VALUE',
      ].sort(),
    );
  });

  it('does not call a refused value "required" as well, nor judge a rule on it', async () => {
    const res = await api.post<Err>('/api/records/project', { name: 42, code: 'P-1' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/name', code: 'WRONG_TYPE' })]);
  });
});

describe('messages a user understands, in their language', () => {
  it('answers in English by default, with params for the UI', async () => {
    const res = await api.post<Err>('/api/records/project', { ...bad, amount: '1.23456' });
    const by = Object.fromEntries(res.body.error.details.problems.map((p) => [p.pointer, p]));
    expect(by['/email']).toMatchObject({ message: 'must be a valid email address', params: { format: 'email' } });
    expect(by['/amount']).toMatchObject({ message: 'has more than 3 decimal places', params: { format: 'decimal', scale: 3 } });
    expect(by['/stage']).toMatchObject({ message: '"maybe" is not an option', params: { value: 'maybe', allowed: ['open', 'closed'] } });
    expect(by['/code']).toMatchObject({ message: 'Code is required' });
    expect(by['/name']).toMatchObject({ message: '"Bad" is not a name', params: { rule: 'no_bad_names' } });
    expect(by['/nonsense']).toMatchObject({ message: '"nonsense" is not a field here', params: { property: 'nonsense' } });
    for (const p of res.body.error.details.problems) expect(p.message).not.toMatch(/must match pattern|\^|\$/);
  });

  it('answers in Chinese to Accept-Language: zh-CN, with the same codes and params', async () => {
    const res = await api.post<Err>('/api/records/project', bad, { 'Accept-Language': 'zh-CN,zh;q=0.9,en;q=0.8' });
    const by = Object.fromEntries(res.body.error.details.problems.map((p) => [p.pointer, p]));
    expect(by['/email']).toMatchObject({ code: 'BAD_FORMAT', message: '必须是有效的电子邮件地址', params: { format: 'email' } });
    expect(by['/amount']).toMatchObject({ code: 'OUT_OF_RANGE', message: '不能小于 0', params: { min: '0' } });
    expect(by['/code']).toMatchObject({ message: '编号为必填项' });
    expect(by['/name']).toMatchObject({ message: '名称不能是 Bad' });
  });

  it('says the same of the same value through an import as through the API, in either language', async () => {
    const csv = ['Name,Code,Amount,Stage,Email', 'Ok,I-1,1.23456,open,a@b.co', 'Ok,I-2,1,maybe,a@b.co', 'Ok,I-3,-1,open,nope'].join('\n');
    const started = await api.post<{ id: string }>('/api/records/project/import', {
      file: { name: 'p.csv', contentBase64: Buffer.from(csv).toString('base64') },
      mapping: { Name: 'name', Code: 'code', Amount: 'amount', Stage: 'stage', Email: 'email' },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    type Row = { row: number; field: string; code: string; message: string; params?: Record<string, unknown> };
    const job = (lang: string) =>
      api.get<{ status: string; errors: Row[] }>(`/api/records/project/imports/${started.body.id}`, { 'Accept-Language': lang });
    await waitFor('the import to finish', async () => ((await job('en')).body.status === 'completed' ? true : undefined), {
      timeoutMs: 120_000,
      intervalMs: 50,
    });
    for (const lang of ['en', 'zh-CN']) {
      const rows = (await job(lang)).body.errors;
      const api422 = await api.post<Err>(
        '/api/records/project',
        { name: 'Ok', code: 'X', amount: '1.23456', stage: 'maybe', email: 'nope' },
        { 'Accept-Language': lang },
      );
      const viaApi = Object.fromEntries(api422.body.error.details.problems.map((p) => [p.pointer.slice(1), p]));
      const negative = await api.post<Err>('/api/records/project', { name: 'Ok', code: 'X', amount: '-1' }, { 'Accept-Language': lang });
      viaApi.amountMin = negative.body.error.details.problems[0]!;
      expect(rows.map((r) => [r.field, r.code, r.message])).toEqual([
        ['amount', 'BAD_FORMAT', viaApi.amount!.message],
        ['stage', 'NOT_ALLOWED_VALUE', viaApi.stage!.message],
        ['amount', 'OUT_OF_RANGE', viaApi.amountMin.message],
        ['email', 'BAD_FORMAT', viaApi.email!.message],
      ]);
    }
  });

  it('lists the field types when a field has an unknown type', async () => {
    const res = await api.put<Err>('/api/meta/draft/entities/project', {
      ...project,
      fields: [...project.fields, { key: 'x', type: 'nosuch', label: l('X') }],
    });
    expect(res.status).toBe(422);
    const problem = res.body.error.details.problems.find((p) => p.code === 'UNKNOWN_VARIANT');
    expect(problem?.params?.allowed).toEqual(expect.arrayContaining(['text', 'decimal', 'lookup']));
    expect(problem?.message).toMatch(/^must be one of: text, long_text, /);
  });
});

describe('one problem shape on every error', () => {
  it.each<[string, string, string]>([
    ['FILTER_INVALID', `/api/records/project?filter=${encodeURIComponent(JSON.stringify({ and: 1 }))}`, 'INVALID'],
    [
      'FILTER_FIELD_UNKNOWN',
      `/api/records/project?filter=${encodeURIComponent(JSON.stringify({ field: 'ghost', op: 'eq', value: 1 }))}`,
      'UNKNOWN_FIELD',
    ],
    ['BAD_REQUEST', '/api/records/project?limit=x', 'WRONG_TYPE'],
  ])('%s answers details.problems', async (code, path, problemCode) => {
    const res = await api.get<Err>(path);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details.problems).toEqual([
      expect.objectContaining({ pointer: expect.any(String), code: problemCode, message: expect.any(String) }),
    ]);
  });

  it('a unique value already taken names its field as a problem', async () => {
    expect((await api.post('/api/records/project', { name: 'One', code: 'P-1' })).status).toBe(201);
    const res = await api.post<Err>('/api/records/project', { name: 'Two', code: 'P-2' });
    expect(res.status).toBe(201);
  });
});
