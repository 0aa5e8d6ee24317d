import { Decimal128, MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '@metacrm/metadata';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const other = `${env.dbName}_b`;
let source: TestPlatform;
let target: TestPlatform;
let from: ApiClient;
let to: ApiClient;
type Pkg = { format: string; version: string; metadata: Bundle; seed?: Record<string, Record<string, unknown>[]> };
type Report = {
  items: { kind: string; key: string; status: string; action: string }[];
  summary: Record<string, number>;
  seed: Record<string, number>;
};

beforeAll(async () => {
  const { db, client } = await openTestDb(env);
  await client.db(other).dropDatabase();
  await openTestRedis(env);
  source = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  target = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: other, queuePrefix: `${env.prefix}_b` });
  from = apiClient(source.url, { token: source.adminToken });
  to = apiClient(target.url, { token: target.adminToken });
  for (const entity of salesBundle().entities) await from.put(`/api/meta/draft/entities/${entity.key}`, entity);
  expect((await from.post('/api/meta/publish')).status).toBe(200);
  await db.collection('rec_opportunity').insertOne({
    title: 'Big deal',
    amount: Decimal128.fromString('1234.50'),
    close_date: new Date('2026-12-31T00:00:00Z'),
    _version: 1,
    _deletedAt: null,
  });
  await db.collection('rec_opportunity').insertOne({ title: 'Deleted', _version: 1, _deletedAt: new Date() });
});
afterAll(async () => {
  await source?.stop();
  await target?.stop();
  const client = new MongoClient(env.mongoUrl);
  await client.db(other).dropDatabase();
  await client.close();
});

describe('app packages', () => {
  it('exports the current metadata with live records in API form', async () => {
    const res = await from.get<Pkg>('/api/meta/export?records=true&name=sales');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="sales-1.0.0.json"');
    expect(res.body).toMatchObject({ format: 'metacrm.app/v1', version: '1.0.0' });
    expect(res.body.metadata.entities.map((e) => e.key)).toEqual(['account', 'opportunity']);
    expect(res.body.seed?.opportunity).toEqual([
      { id: expect.stringMatching(/^[0-9a-f]{24}$/), title: 'Big deal', amount: '1234.50', close_date: '2026-12-31' },
    ]);
    expect(res.body.seed?.account).toEqual([]);
  });

  it.each([
    ['name', 'projects-app'],
    ['name', ''],
    ['records', 'yes'],
  ])('answers 400 naming the parameter for %s=%s, instead of exporting under another name', async (param, value) => {
    const res = await from.get<{ error: { code: string; details: { problems: { pointer: string; code: string }[] } } }>(
      `/api/meta/export?${param}=${encodeURIComponent(value)}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
    expect(res.body.error.details.problems).toContainEqual(expect.objectContaining({ pointer: `/query/${param}` }));
  });

  it('imports into another draft, reporting new, identical and conflicting items', async () => {
    const pkg = (await from.get<Pkg>('/api/meta/export?records=true')).body;
    const dry = await to.post<Report>('/api/meta/import?dryRun=true', pkg);
    expect(dry.body.summary).toEqual({ new: 2, identical: 0, conflict: 0 });
    expect((await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle.entities).toEqual([]);

    const first = await to.post<Report>('/api/meta/import', pkg);
    expect(first.body.summary).toEqual({ new: 2, identical: 0, conflict: 0 });
    expect(first.body.seed).toEqual({ account: 0, opportunity: 1 });
    expect((await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle.entities).toEqual(pkg.metadata.entities);

    const again = await to.post<Report>('/api/meta/import', pkg);
    expect(again.body.summary).toEqual({ new: 0, identical: 2, conflict: 0 });

    const changed = structuredClone(pkg);
    changed.metadata.entities[0]!.label = { 'zh-CN': '公司', en: 'Company' };
    const skipped = await to.post<Report>('/api/meta/import', changed);
    expect(skipped.body.items).toContainEqual({ kind: 'entities', key: 'account', status: 'conflict', action: 'skipped' });
    expect((await to.get<{ item: { label: unknown } }>('/api/meta/draft/entities/account')).body.item.label).toEqual(
      pkg.metadata.entities[0]!.label,
    );

    const overwritten = await to.post<Report>('/api/meta/import?onConflict=overwrite', changed);
    expect(overwritten.body.items).toContainEqual({ kind: 'entities', key: 'account', status: 'conflict', action: 'overwritten' });
    expect((await to.get<{ item: { label: unknown } }>('/api/meta/draft/entities/account')).body.item.label).toEqual({
      'zh-CN': '公司',
      en: 'Company',
    });
    expect((await to.post<{ version: number }>('/api/meta/publish')).body.version).toBe(1);
  });

  it('refuses an invalid package, listing the problems, and changes nothing', async () => {
    const before = (await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle;
    const res = await to.post<{ error: { code: string; details: { problems: { pointer: string; code: string }[] } } }>('/api/meta/import', {
      format: 'metacrm.app/v1',
      name: 'x',
      version: 'one',
      metadata: { entities: [{ key: 'Bad' }] },
    });
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/version', code: 'BAD_FORMAT' }),
        expect.objectContaining({ pointer: '/metadata/forms', code: 'REQUIRED' }),
      ]),
    );
    expect((await to.get<{ bundle: Bundle }>('/api/meta/draft')).body.bundle).toEqual(before);
    expect((await to.post('/api/meta/import?onConflict=merge', {})).status).toBe(400);
  });
});
