import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { View } from '@metacrm/metadata';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let platform: TestPlatform;
let api: ApiClient;
let db: Db;

type Plan = {
  index: { name: string; fields: { field: string; direction: string }[]; source: string; views: string[] } | null;
  exists: boolean;
  usable: boolean;
  reasons: { code: string; pointer: string; field?: string }[];
};
type Problems = { error: { code: string; details: { problems: { pointer: string; code: string }[] } } };

const bigNew: View = {
  key: 'big_new',
  type: 'list',
  entity: 'opportunity',
  label: l('Big new deals'),
  columns: [{ field: 'title' }],
  filter: {
    and: [
      { field: 'stage', op: 'eq', value: 'new' },
      { field: 'amount', op: 'gte', value: '1000' },
    ],
  },
  sort: [{ field: 'title', direction: 'asc' }],
};

async function plan(view: unknown): Promise<{ status: number; body: Plan & Problems }> {
  return await api.post<Plan & Problems>('/api/meta/views/plan', { view });
}

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'forms', 'views'] as const) {
    for (const item of bundle[kind] as { key: string }[])
      expect((await api.put(`/api/meta/draft/${kind}/${item.key}`, item)).status).toBe(200);
  }
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('POST /api/meta/views/plan', () => {
  it('names the index publish will create for an unsaved view, and that index is the one publish creates', async () => {
    const before = await plan(bigNew);
    expect(before.status, JSON.stringify(before.body)).toBe(200);
    expect(before.body).toMatchObject({ exists: false, usable: true, reasons: [], index: { source: 'view', views: ['big_new'] } });
    expect(before.body.index!.fields.map((f) => `${f.field}:${f.direction}`)).toEqual([
      '_deletedAt:asc',
      'stage:asc',
      'title:asc',
      '_id:asc',
      'amount:asc',
    ]);

    expect((await api.put('/api/meta/draft/views/big_new', bigNew)).status).toBe(200);
    expect((await api.post('/api/meta/publish')).status).toBe(200);
    const names = (await db.collection('rec_opportunity').indexes()).map((ix) => ix.name);
    expect(names).toContain(before.body.index!.name);
    expect((await plan(bigNew)).body).toMatchObject({ exists: true, index: { name: before.body.index!.name } });
  });

  it('says which parts of the filter and sort the index cannot serve', async () => {
    const view = {
      ...bigNew,
      key: 'odd',
      filter: {
        and: [
          { field: 'stage', op: 'ne', value: 'lost' },
          {
            or: [
              { field: 'title', op: 'eq', value: 'a' },
              { field: 'amount', op: 'gt', value: '5' },
            ],
          },
        ],
      },
    };
    const answer = await plan(view);
    expect(answer.status).toBe(200);
    expect(answer.body.usable).toBe(false);
    expect(answer.body.reasons).toEqual([
      { code: 'FILTER_OPERATOR', pointer: '/filter/and/0', field: 'stage', op: 'ne' },
      { code: 'FILTER_BRANCH', pointer: '/filter/and/1' },
    ]);
  });

  it('finds a new kanban board served by the published index of another board', async () => {
    const board: View = {
      key: 'board',
      type: 'kanban',
      entity: 'opportunity',
      label: l('Board'),
      groupBy: 'stage',
      cardFields: ['amount'],
    };
    const answer = await plan(board);
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toMatchObject({ usable: true, exists: true, index: { source: 'view', views: ['board', 'pipeline'] } });
    expect(answer.body.index!.fields.map((f) => f.field)).toEqual(['_deletedAt', 'stage', '_createdAt', '_id']);
  });

  it.each<[string, unknown, string, string]>([
    [
      'a field the entity lacks',
      { ...bigNew, filter: { and: [{ field: 'budget', op: 'eq', value: 1 }] } },
      '/filter/and/0/field',
      'UNKNOWN_FIELD',
    ],
    [
      'an operator the field type refuses',
      { ...bigNew, filter: { field: 'title', op: 'gt', value: 'a' } },
      '/filter/op',
      'OPERATOR_NOT_ALLOWED',
    ],
    ['a sort on an unknown field', { ...bigNew, sort: [{ field: 'nope', direction: 'asc' }] }, '/sort/0', 'UNKNOWN_FIELD'],
    ['an entity the draft lacks', { ...bigNew, entity: 'project' }, '/entity', 'UNKNOWN_ENTITY'],
    ['a view of the wrong shape', { ...bigNew, columns: [] }, '/columns', 'OUT_OF_RANGE'],
  ])('refuses %s with a problem pointing at it', async (_what, view, pointer, code) => {
    const answer = await plan(view);
    expect(answer.status).toBe(422);
    expect(answer.body.error.code).toBe('METADATA_INVALID');
    expect(answer.body.error.details.problems).toEqual([expect.objectContaining({ pointer, code })]);
  });

  it('refuses a body without a view', async () => {
    const answer = await api.post<Problems>('/api/meta/views/plan', { nope: 1 });
    expect(answer.status).toBe(400);
  });
});
