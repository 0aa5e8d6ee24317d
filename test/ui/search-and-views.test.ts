import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { accessBundle } from '../access/access-bundle.js';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import { ComponentValidator } from '../../server/src/openapi/openapi.fixture.js';

/** Global search (`GET /api/search`) and personal views (`/api/me/views`), as users of different roles. */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
const as: Record<string, ApiClient> = {};
const ids: Record<string, string> = {};

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  await admin.put('/api/meta/draft/views/all_deals', {
    key: 'all_deals',
    type: 'list',
    entity: 'deal',
    label: { 'zh-CN': '全部', en: 'All' },
    columns: [{ field: 'title' }],
  });
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  for (const [user, roles] of [
    ['ann', ['rep']],
    ['carl', ['north']],
    ['dora', ['rep']],
  ] as const) {
    expect(
      (await admin.post('/api/users', { email: `${user}@example.com`, name: user, password: `${user} password 123`, roles })).status,
    ).toBe(201);
    as[user] = apiClient(platform.url, { token: (await signIn(platform.url, `${user}@example.com`, `${user} password 123`)).token });
  }
  ids.mine = (await as.ann!.post<{ id: string }>('/api/records/deal', { title: 'Acme renewal', region: 'south' })).body.id;
  ids.north = (await admin.post<{ id: string }>('/api/records/deal', { title: 'Acme north', note: 'zebra', region: 'north' })).body.id;
  ids.account = (await admin.post<{ id: string }>('/api/records/account', { name: 'Acme Ltd' })).body.id;
  for (let i = 0; i < 7; i++) await admin.post('/api/records/deal', { title: `Acme bulk ${i}`, region: 'north' });
});
afterAll(async () => {
  await platform?.stop();
});

type Results = { results: { entity: string; records: { id: string; title: unknown }[]; more: boolean }[] };

describe('GET /api/search', () => {
  it('searches every entity the user may read, within their scope', async () => {
    const ann = await as.ann!.get<Results>('/api/search?q=acme');
    expect(ann.status).toBe(200);
    expect(ann.body.results.map((r) => [r.entity, r.records.map((x) => x.title), r.more])).toEqual([['deal', ['Acme renewal'], false]]);
    const carl = await as.carl!.get<Results>('/api/search?q=acme&limit=3');
    expect(carl.body.results.map((r) => [r.entity, r.records.length, r.more])).toEqual([['deal', 3, true]]);
    const all = await admin.get<Results>('/api/search?q=acme');
    expect(all.body.results.map((r) => [r.entity, r.records.length, r.more])).toEqual([
      ['account', 1, false],
      ['deal', 5, true],
    ]);
    expect((await admin.get<Results>('/api/search?q=acme&entities=account')).body.results.map((r) => r.entity)).toEqual(['account']);
    const doc = (await admin.get<OpenApiDocument>('/api/openapi.json')).body;
    expect(new ComponentValidator(doc).errors('SearchResults', all.body)).toBeNull();
  });

  it('never matches on a field the user may not read', async () => {
    expect((await as.carl!.get<Results>('/api/search?q=zebra')).body.results).toEqual([
      { entity: 'deal', label: expect.any(Object), records: [expect.objectContaining({ id: ids.north })], more: false },
    ]);
    expect((await admin.get<Results>('/api/search?q=zebra')).body.results).toHaveLength(1);
    // ann's own deal, with a note she may not read: her search does not look there.
    expect((await admin.patch(`/api/records/deal/${ids.mine}`, { note: 'giraffe', _version: 1 })).status).toBe(200);
    expect((await as.ann!.get<Results>('/api/search?q=giraffe')).body.results).toEqual([]);
    expect((await admin.get<Results>('/api/search?q=giraffe')).body.results.map((r) => r.records.map((x) => x.id))).toEqual([[ids.mine]]);
  });

  it('refuses a blank or over-long search, with a pointer', async () => {
    const blank = await as.ann!.get<{ error: { code: string; details: unknown } }>('/api/search?q=%20');
    expect([blank.status, blank.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    const long = await as.ann!.get<{ error: { code: string } }>(`/api/search?q=${'x'.repeat(201)}`);
    expect([long.status, long.body.error.code]).toEqual([400, 'SEARCH_INVALID']);
    expect((await as.ann!.get('/api/search?q=a&limit=99')).status).toBe(400);
  });
});

type Saved = { id: string; entity: string; view: { key: string; columns?: { field: string }[]; filter?: unknown }; _version: number };
type Refused = { error: { code: string; details: { problems: { pointer: string; code: string }[] } } };
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const mine = {
  type: 'list',
  entity: 'deal',
  label: l('我的', 'Mine'),
  filter: { field: '_ownerId', op: 'eq', value: '$user' },
  sort: [{ field: 'title', direction: 'asc' }],
  columns: [{ field: 'title', width: 240 }, { field: 'region' }],
};

describe('personal views', () => {
  it('saves, lists, replaces and deletes a view of one user only', async () => {
    const created = await as.ann!.post<Saved>('/api/me/views', mine);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.view.key).toBe(`p_${created.body.id}`);
    const doc = (await admin.get<OpenApiDocument>('/api/openapi.json')).body;
    expect(new ComponentValidator(doc).errors('PersonalView', created.body)).toBeNull();
    expect((await as.ann!.get<{ views: Saved[] }>('/api/me/views?entity=deal')).body.views.map((v) => v.id)).toEqual([created.body.id]);
    expect((await as.carl!.get<{ views: Saved[] }>('/api/me/views')).body.views).toEqual([]);
    expect((await as.carl!.get(`/api/me/views/${created.body.id}`)).status).toBe(404);
    expect((await as.carl!.delete(`/api/me/views/${created.body.id}`)).status).toBe(404);

    // The view's filter runs through the list as ann: "$user" is her.
    const listed = await as.ann!.get<{ records: { title: string }[] }>(
      `/api/records/deal?filter=${encodeURIComponent(JSON.stringify(created.body.view.filter))}`,
    );
    expect(listed.body.records.map((r) => r.title)).toEqual(['Acme renewal']);

    const replaced = await as.ann!.put<Saved>(`/api/me/views/${created.body.id}`, { ...mine, columns: [{ field: 'title' }], _version: 1 });
    expect([replaced.status, replaced.body._version, replaced.body.view.columns]).toEqual([200, 2, [{ field: 'title' }]]);
    const stale = await as.ann!.put<Refused>(`/api/me/views/${created.body.id}`, mine, { 'If-Match': '"1"' });
    expect([stale.status, stale.body.error.code]).toEqual([409, 'PERSONAL_VIEW_CONFLICT']);
    expect((await as.ann!.delete(`/api/me/views/${created.body.id}`)).status).toBe(204);
    expect((await as.ann!.get(`/api/me/views/${created.body.id}`)).status).toBe(404);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a column the user may not read', { ...mine, columns: [{ field: 'title' }, { field: 'note' }] }, '/columns/1/field', 'UNKNOWN_FIELD'],
    ['a filter on a masked field', { ...mine, filter: { field: 'phone', op: 'eq', value: '1' } }, '/filter', 'UNKNOWN_FIELD'],
    ['a field that does not exist', { ...mine, sort: [{ field: 'titel', direction: 'asc' }] }, '/sort/0/field', 'UNKNOWN_FIELD'],
    ['an entity the user may not read', { ...mine, entity: 'nope' }, '/entity', 'UNKNOWN_ENTITY'],
    [
      'a kanban over a text field',
      { type: 'kanban', entity: 'deal', label: l('看板', 'Board'), groupBy: 'title' },
      '/groupBy',
      'FIELD_TYPE_MISMATCH',
    ],
    ['an unknown property', { ...mine, shared: true }, '/shared', 'UNKNOWN_PROPERTY'],
  ])('refuses %s with a pointer', async (_name, view, pointer, code) => {
    const res = await as.ann!.post<Refused>('/api/me/views', view);
    expect([res.status, res.body.error.code]).toEqual([422, 'PERSONAL_VIEW_INVALID']);
    expect(res.body.error.details.problems.map((p) => [p.pointer, p.code])).toContainEqual([pointer, code]);
  });

  it("keeps each user's column order and widths per view, published or their own", async () => {
    expect((await as.ann!.get('/api/me/views/all_deals/columns')).body).toEqual({ view: 'all_deals', columns: [], updatedAt: null });
    const put = await as.ann!.put('/api/me/views/all_deals/columns', {
      columns: [
        { field: 'region', width: 120 },
        { field: 'title', width: 300 },
      ],
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect((await as.ann!.get<{ columns: unknown }>('/api/me/views/all_deals/columns')).body.columns).toEqual([
      { field: 'region', width: 120 },
      { field: 'title', width: 300 },
    ]);
    expect((await as.carl!.get<{ columns: unknown }>('/api/me/views/all_deals/columns')).body.columns).toEqual([]);

    const hidden = await as.ann!.put<Refused>('/api/me/views/all_deals/columns', {
      columns: [{ field: 'note' }, { field: 'title', width: 5 }],
    });
    expect(hidden.body.error.details.problems.map((p) => [p.pointer, p.code])).toEqual([
      ['/columns/0/field', 'UNKNOWN_FIELD'],
      ['/columns/1/width', 'OUT_OF_RANGE'],
    ]);
    expect((await as.ann!.put('/api/me/views/nope/columns', { columns: [] })).status).toBe(404);

    const own = await as.ann!.post<Saved>('/api/me/views', mine);
    expect((await as.ann!.put(`/api/me/views/${own.body.view.key}/columns`, { columns: [{ field: 'title', width: 200 }] })).status).toBe(
      200,
    );
    expect((await as.carl!.get(`/api/me/views/${own.body.view.key}/columns`)).status).toBe(404);
    expect((await as.ann!.delete('/api/me/views/all_deals/columns')).status).toBe(204);
    expect((await as.ann!.get<{ columns: unknown }>('/api/me/views/all_deals/columns')).body.columns).toEqual([]);
  });
});
