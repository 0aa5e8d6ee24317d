import type { Bundle, Workflow } from '@metacrm/metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// GET /api/meta/impact: what the designer's delete dialog lists before a field goes.

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
type Ref = { kind: string; key: string; pointer: string; code: string };
type Impact = { entity: string; field: string; records: number; references: Record<string, Ref[]> };
type ErrorAnswer = { error: { code: string; details?: { problems?: { pointer: string; code: string }[] } } };

const sizeDeal = {
  key: 'size_deal',
  label: { 'zh-CN': '评估', en: 'Size a deal' },
  entity: 'opportunity',
  trigger: { type: 'record_created' },
  start: 'set',
  steps: [
    {
      id: 'set',
      type: 'update_record',
      config: { values: { probability: 10 } },
      branches: [{ when: { '>': [{ var: 'record.amount' }, 100] }, next: 'big' }],
    },
    { id: 'big', type: 'update_record', config: { values: { probability: 80 } } },
  ],
} as unknown as Workflow;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle: Bundle = { ...salesBundle(), workflows: [sizeDeal] };
  for (const kind of ['entities', 'forms', 'views', 'rules', 'workflows', 'roles'] as const) {
    for (const item of bundle[kind]) expect((await api.put(`/api/meta/draft/${kind}/${item.key}`, item)).status).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const amount of ['100.00', '2500.00', undefined]) {
    expect((await api.post('/api/records/opportunity', { title: `Deal ${amount}`, ...(amount ? { amount } : {}) })).status).toBe(201);
  }
});
afterAll(async () => {
  await platform?.stop();
});

const keysOf = (impact: Impact, kind: string) => [...new Set(impact.references[kind]!.map((r) => r.key))].sort();

describe('GET /api/meta/impact', () => {
  it('counts the records holding a value and names every draft item that uses the field', async () => {
    const res = await api.get<Impact>('/api/meta/impact?entity=opportunity&field=amount');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ entity: 'opportunity', field: 'amount', records: 2 });
    expect(keysOf(res.body, 'forms')).toEqual(['opportunity_main']);
    expect(keysOf(res.body, 'views')).toEqual(['open_opportunities', 'pipeline']);
    expect(keysOf(res.body, 'rules')).toEqual(['won_needs_amount']);
    expect(keysOf(res.body, 'workflows')).toEqual(['size_deal']);
    // The formula beside it and the roll-up on the parent entity name it too.
    expect(keysOf(res.body, 'entities')).toEqual(['account', 'opportunity']);
    expect(res.body.references.forms![0]!.pointer).toMatch(/^\/forms\/opportunity_main\//);
    expect(res.body.references.roles).toEqual([]);
  });

  it('finds a role that grants the field, and follows the draft rather than the published version', async () => {
    const res = await api.get<Impact>('/api/meta/impact?entity=opportunity&field=probability');
    expect(keysOf(res.body, 'roles')).toEqual(['sales_rep']);
    // The workflow's steps write it.
    expect(keysOf(res.body, 'workflows')).toEqual(['size_deal']);

    // The draft drops the form's reference: the impact follows at once, before any publish.
    const form = salesBundle().forms[0]!;
    const section = form.layout.tabs[0]!.sections[0]!;
    const trimmed = {
      ...form,
      layout: {
        tabs: [{ ...form.layout.tabs[0]!, sections: [{ ...section, fields: section.fields.filter((f) => f.field !== 'amount') }] }],
      },
    };
    expect((await api.put('/api/meta/draft/forms/opportunity_main', trimmed)).status).toBe(200);
    expect(keysOf((await api.get<Impact>('/api/meta/impact?entity=opportunity&field=amount')).body, 'forms')).toEqual([]);
  });

  it.each([
    ['entity=opportunity', '/query/field', 400, 'BAD_REQUEST'],
    ['entity=Opportunity&field=amount', '/query/entity', 400, 'BAD_REQUEST'],
  ])('refuses %s naming %s', async (query, pointer, status, code) => {
    const res = await api.get<ErrorAnswer>(`/api/meta/impact?${query}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.details?.problems).toContainEqual(expect.objectContaining({ pointer }));
  });

  it.each([['entity=nothing&field=amount'], ['entity=opportunity&field=nothing']])('answers 404 for %s', async (query) => {
    const res = await api.get<ErrorAnswer>(`/api/meta/impact?${query}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('METADATA_ITEM_NOT_FOUND');
  });

  it('is for metadata administrators only', async () => {
    expect(
      (await api.post('/api/users', { email: 'rep@example.com', name: 'Rep', password: 'rep password 1234', roles: ['sales_rep'] })).status,
    ).toBe(201);
    const rep = apiClient(platform.url, { token: (await signIn(platform.url, 'rep@example.com', 'rep password 1234')).token });
    const res = await rep.get<ErrorAnswer>('/api/meta/impact?entity=opportunity&field=amount');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('FORBIDDEN');
  });
});
