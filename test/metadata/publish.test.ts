import { Decimal128, ObjectId, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bundle } from '@metacrm/metadata';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
type Problems = { error: { code: string; details: { problems: { pointer: string; code: string; message: string }[] } } };

async function putBundle(bundle: Bundle): Promise<void> {
  for (const kind of ['entities', 'forms', 'views', 'rules', 'workflows', 'roles'] as const) {
    for (const item of bundle[kind] as { key: string }[]) {
      const res = await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
  }
}

async function currentVersion(): Promise<number> {
  return (await api.get<{ version: number }>('/api/meta')).body.version;
}

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

describe('publishing metadata', () => {
  it('starts at version 0 with an empty bundle', async () => {
    const res = await api.get<{ version: number; bundle: Bundle }>('/api/meta');
    expect(res.body.version).toBe(0);
    expect(res.body.bundle.entities).toEqual([]);
  });

  it('publishes a valid draft as version 1 and creates what it implies', async () => {
    await putBundle(salesBundle());
    const dry = await api.post<{ version: number; applied: boolean; migrations: { type: string }[] }>('/api/meta/publish?dryRun=true');
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ version: 1, applied: false });
    expect(await currentVersion()).toBe(0);

    const res = await api.post<{
      version: number;
      applied: boolean;
      diff: { summary: Record<string, number> };
      migrations: { type: string; entity: string }[];
    }>('/api/meta/publish', { message: 'first' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ version: 1, applied: true, diff: { summary: { added: 7, removed: 0, changed: 0 } } });
    expect(res.body.migrations.map((m) => `${m.type}:${m.entity}`)).toEqual([
      'create_entity:account',
      'create_entity:opportunity',
      'create_unique_index:account',
      'create_index:opportunity',
      'create_view_index:opportunity',
      'create_view_index:opportunity',
    ]);
    expect(await currentVersion()).toBe(1);
    const indexes = await db.collection('rec_account').indexes();
    // Unique text is indexed on its hidden comparison key (case and surrounding spaces ignored).
    expect(indexes.find((ix) => ix.name === 'unique_code')).toMatchObject({ unique: true, key: { _uq_code: 1 } });
  });

  it('refuses to publish an unchanged draft', async () => {
    const res = await api.post<Problems>('/api/meta/publish');
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('METADATA_NOTHING_TO_PUBLISH');
  });

  it('refuses a broken cross reference precisely, and version 1 keeps serving', async () => {
    const opportunity = salesBundle().entities[1]!;
    (opportunity.fields[1] as { target: string }).target = 'company';
    expect((await api.put('/api/meta/draft/entities/opportunity', opportunity)).status).toBe(200);
    const res = await api.post<Problems>('/api/meta/publish');
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('METADATA_INVALID');
    expect(res.body.error.details.problems).toContainEqual({
      pointer: '/entities/opportunity/fields/account/target',
      code: 'UNKNOWN_ENTITY',
      message: 'no entity "company"',
      params: { entity: 'company' },
    });
    expect(await currentVersion()).toBe(1);
    const validate = await api.post<{ valid: boolean; problems: unknown[] }>('/api/meta/draft/validate');
    expect(validate.body.valid).toBe(false);
    expect((await api.put('/api/meta/draft/entities/opportunity', salesBundle().entities[1])).status).toBe(200);
  });

  it('previews a text to integer change, applies nothing until told, then converts', async () => {
    const records = db.collection('rec_account');
    const ids = [new ObjectId(), new ObjectId(), new ObjectId()];
    await records.insertMany([
      { _id: ids[0], name: 'A', code: '42', _version: 1, _deletedAt: null },
      { _id: ids[1], name: 'B', code: 'B-7', _version: 1, _deletedAt: null },
      { _id: ids[2], name: 'C', _version: 1, _deletedAt: null },
    ]);
    const account = salesBundle().entities[0]!;
    account.fields[1] = { key: 'code', type: 'integer', label: { 'zh-CN': '编码', en: 'Code' }, unique: true };
    expect((await api.put('/api/meta/draft/entities/account', account)).status).toBe(200);

    type Preview = {
      migrations: {
        type: string;
        field: string;
        preview: {
          records: number;
          blocking: boolean;
          unconvertible: { count: number; sample: { id: string; value: unknown; reason: string }[] };
        };
      }[];
    };
    const dry = await api.post<Preview>('/api/meta/publish?dryRun=true');
    const convert = dry.body.migrations.find((m) => m.type === 'convert_field');
    expect(convert?.preview).toEqual({
      records: 2,
      blocking: true,
      unconvertible: { count: 1, sample: [{ id: ids[1]!.toHexString(), value: 'B-7', reason: 'must be a whole number' }] },
    });
    expect(await records.findOne({ _id: ids[0] })).toMatchObject({ code: '42', _version: 1 });

    const blocked = await api.post<Problems & { error: { details: { migrations: unknown[] } } }>('/api/meta/publish');
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.code).toBe('METADATA_MIGRATION_BLOCKED');
    expect(await currentVersion()).toBe(1);
    expect(await records.findOne({ _id: ids[1] })).toMatchObject({ code: 'B-7', _version: 1 });

    const applied = await api.post<{ version: number }>('/api/meta/publish', { acceptDataLoss: true });
    expect(applied.status).toBe(200);
    expect(applied.body.version).toBe(2);
    expect(await records.findOne({ _id: ids[0] })).toMatchObject({ code: 42, _version: 2 });
    expect(await records.findOne({ _id: ids[1] })).not.toHaveProperty('code');
    expect(await records.findOne({ _id: ids[2] })).toMatchObject({ _version: 1 });
    // Each converted (or dropped) value is in its record's history, attributed to the publish.
    const revisions = db.collection('record_revisions');
    expect(await revisions.findOne({ recordId: ids[0] })).toMatchObject({
      version: 2,
      op: 'migrate',
      metadataVersion: 2,
      actor: { id: platform.admin.id },
      changes: [{ field: 'code', from: '42', to: 42 }],
    });
    expect(await revisions.findOne({ recordId: ids[1] })).toMatchObject({
      version: 2,
      op: 'migrate',
      metadataVersion: 2,
      changes: [{ field: 'code', from: 'B-7', to: null }],
    });
  });

  it('refuses a unique field while stored values repeat, even when data loss is accepted', async () => {
    await db.collection('rec_opportunity').insertMany([
      { title: 'Same', amount: Decimal128.fromString('1.00'), _version: 1, _deletedAt: null },
      { title: 'Same', _version: 1, _deletedAt: null },
    ]);
    const opportunity = salesBundle().entities[1]!;
    (opportunity.fields[0] as { unique?: boolean }).unique = true;
    expect((await api.put('/api/meta/draft/entities/opportunity', opportunity)).status).toBe(200);
    const res = await api.post<{ error: { code: string; details: { migrations: { preview: { duplicates: unknown[] } }[] } } }>(
      '/api/meta/publish',
      { acceptDataLoss: true },
    );
    expect(res.status).toBe(409);
    expect(res.body.error.details.migrations[0]?.preview.duplicates).toEqual([{ value: 'Same', count: 2 }]);
    expect((await api.put('/api/meta/draft/entities/opportunity', salesBundle().entities[1])).status).toBe(200);
  });

  it('lists versions, diffs any two, and rolls back as a new version', async () => {
    const versions = await api.get<{ versions: { version: number; message: string | null; summary: Record<string, number> }[] }>(
      '/api/meta/versions',
    );
    expect(versions.body.versions.map((v) => v.version)).toEqual([2, 1]);
    expect(versions.body.versions[1]?.message).toBe('first');

    const diff = await api.get<{
      changes: { kind: string; key: string; properties: { path: string; before: unknown; after: unknown }[] }[];
    }>('/api/meta/versions/1/diff/2');
    expect(diff.body.changes).toEqual([
      {
        kind: 'entities',
        key: 'account',
        change: 'changed',
        properties: expect.arrayContaining([{ path: '/fields/code/type', change: 'changed', before: 'text', after: 'integer' }]),
      },
    ]);

    const dry = await api.post<{ version: number; applied: boolean; migrations: { type: string }[] }>('/api/meta/rollback?dryRun=true', {
      version: 1,
    });
    expect(dry.body).toMatchObject({ version: 3, applied: false });
    expect(dry.body.migrations.map((m) => m.type)).toContain('convert_field');

    const rolled = await api.post<{ version: number }>('/api/meta/rollback', { version: 1 });
    expect(rolled.status).toBe(200);
    expect(rolled.body.version).toBe(3);
    const [v1, v3] = await Promise.all([
      api.get<{ checksum: string; rollbackOf: number | null }>('/api/meta/versions/1'),
      api.get<{ checksum: string; rollbackOf: number | null }>('/api/meta/versions/3'),
    ]);
    expect(v3.body.checksum).toBe(v1.body.checksum);
    expect(v3.body.rollbackOf).toBe(1);
    const draft = await api.get<{ origin: number; bundle: Bundle }>('/api/meta/draft');
    expect(draft.body.origin).toBe(3);
    expect(draft.body.bundle.entities[0]?.fields[1]?.type).toBe('text');
    expect(await db.collection('rec_account').findOne({ name: 'A' })).toMatchObject({ code: '42' });
    expect((await api.get<{ changes: unknown[] }>('/api/meta/versions/1/diff/3')).body.changes).toEqual([]);
  });

  it.each([
    ['/api/meta/versions/99', 404, 'METADATA_VERSION_NOT_FOUND'],
    ['/api/meta/versions/x', 400, 'BAD_REQUEST'],
    ['/api/meta/versions/1/diff/99', 404, 'METADATA_VERSION_NOT_FOUND'],
    ['/api/meta/draft/tables/account', 400, 'BAD_REQUEST'],
    ['/api/meta/draft/entities/nope', 404, 'METADATA_ITEM_NOT_FOUND'],
  ])('GET %s answers %i %s', async (path, status, code) => {
    const res = await api.get<Problems>(path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});
