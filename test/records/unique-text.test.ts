import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * Unique text compares without case and surrounding spaces ('Acme Corp' and
 * ' acme corp ' are the same value), unless the field asks for exact comparison
 * (`uniqueExact`). The comparison key is hidden: the API never shows it.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string; _version: number };
type Err = { error: { code: string; details: { field?: string; problems?: { pointer: string; code: string }[] } } };

function account(extra: object[] = []) {
  const entity = salesBundle().entities[0]!;
  entity.fields.push(
    { key: 'ref', type: 'text', label: { 'zh-CN': '参考', en: 'Ref' }, unique: true, uniqueExact: true } as never,
    ...(extra as never[]),
  );
  return entity;
}

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
  const bundle = salesBundle();
  bundle.entities[0] = account();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

/** Records whose values differ only by case from another's, written while `ref` compared exactly. */
const exactTwins: string[] = [];
const create = (values: object) => api.post<Rec & Err>('/api/records/account', { name: 'A', ...values });

describe('unique text', () => {
  it('refuses a value that differs only by case and surrounding spaces, naming the field', async () => {
    const first = await create({ code: 'Acme Corp' });
    expect(first.status).toBe(201);
    expect(Object.keys(first.body).filter((k) => k.startsWith('_uq'))).toEqual([]);
    const twin = await create({ code: ' acme corp ' });
    expect(twin.status).toBe(409);
    expect(twin.body.error.code).toBe('RECORD_UNIQUE_VIOLATION');
    expect(twin.body.error.details.field).toBe('code');
    expect(twin.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/code', code: 'NOT_UNIQUE' })]);
    type Bulk = { results: { status: number; error?: { code: string; details?: { field?: string } } }[] };
    const bulk = await api.post<Bulk>('/api/records/account/bulk', {
      operations: [{ op: 'create', data: { name: 'B', code: 'ACME CORP' } }],
    });
    expect(bulk.body.results.map((r) => [r.status, r.error?.details?.field])).toEqual([[409, 'code']]);
  });

  it('compares exactly when the field asks for it', async () => {
    expect((await create({ ref: 'Ref-1' })).status).toBe(201);
    const lower = await create({ ref: 'ref-1' });
    expect(lower.status).toBe(201);
    exactTwins.push(lower.body.id);
    expect((await create({ ref: 'Ref-1' })).status).toBe(409);
  });

  it('frees the value of a record moved to the recycle bin, whatever the case of the new one', async () => {
    const gone = (await create({ code: 'Globex' })).body;
    expect((await api.delete(`/api/records/account/${gone.id}`)).status).toBe(204);
    expect((await create({ code: 'GLOBEX' })).status).toBe(201);
  });

  it('refuses an update of another record to a case variant, and frees a changed or cleared value', async () => {
    const initech = (await create({ code: 'Initech' })).body;
    const other = (await create({ code: 'Other' })).body;
    const moved = await api.patch<Err>(`/api/records/account/${other.id}`, { code: 'INITECH ', _version: other._version });
    expect(moved.status).toBe(409);
    expect(moved.body.error.details.field).toBe('code');
    const renamed = await api.patch<Rec>(`/api/records/account/${initech.id}`, { code: 'Initrode', _version: initech._version });
    expect(renamed.status).toBe(200);
    expect(renamed.body.code).toBe('Initrode');
    expect((await create({ code: 'initech' })).status).toBe(201);
    expect((await api.patch(`/api/records/account/${initech.id}`, { code: null, _version: renamed.body._version })).status).toBe(200);
    expect((await create({ code: 'initrode' })).status).toBe(201);
  });

  it('compares existing values once a field turns to case-insensitive comparison, refusing the publish while two collide', async () => {
    expect((await create({ ref: 'Dup' })).status).toBe(201);
    exactTwins.push((await create({ ref: 'dup ' })).body.id);
    const entity = account();
    delete (entity.fields.find((f) => f.key === 'ref') as { uniqueExact?: boolean }).uniqueExact;
    expect((await api.put('/api/meta/draft/entities/account', entity)).status).toBe(200);
    const refused = await api.post<{ error: { details: { migrations: { type: string; preview: { duplicates?: unknown[] } }[] } } }>(
      '/api/meta/publish',
      { acceptDataLoss: true },
    );
    expect(refused.status).toBe(409);
    const plan = refused.body.error.details.migrations.find((m) => m.type === 'create_unique_index');
    expect(plan?.preview.duplicates).toEqual(
      expect.arrayContaining([
        { value: expect.stringMatching(/^ref-1$/i), count: 2 },
        { value: expect.stringMatching(/^dup ?$/i), count: 2 },
      ]),
    );

    // Resolve the collisions; the values written while exact get their comparison key at publish.
    for (const id of exactTwins) expect((await api.delete(`/api/records/account/${id}`)).status).toBe(204);
    expect((await api.post('/api/meta/publish', { acceptDataLoss: true })).status).toBe(200);
    const variant = await create({ ref: 'DUP' });
    expect(variant.status).toBe(409);
    expect(variant.body.error.details.field).toBe('ref');
    expect((await create({ ref: 'REF-1' })).status).toBe(409);
  });
});

describe('importing on a unique text field', () => {
  it('updates the record whose value differs only by case and spaces instead of failing on a duplicate', async () => {
    const hooli = (await create({ code: 'Hooli' })).body;
    const rows = 'Code,Name\r\n HOOLI ,Hooli updated\r\n';
    const started = await api.post<{ id: string }>('/api/records/account/import', {
      file: { name: 'a.csv', contentBase64: Buffer.from(rows).toString('base64') },
      mapping: { Code: 'code', Name: 'name' },
      upsertOn: 'code',
    });
    expect(started.status).toBe(202);
    const done = await waitFor(
      'the import to finish',
      async () => {
        const { body } = await api.get<{ status: string; created: number; updated: number; failed: number }>(
          `/api/records/account/imports/${started.body.id}`,
        );
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 20 },
    );
    expect(done).toMatchObject({ status: 'completed', created: 0, updated: 1, failed: 0 });
    expect((await api.get<Rec>(`/api/records/account/${hooli.id}`)).body.name).toBe('Hooli updated');
  });
});
