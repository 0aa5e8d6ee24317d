import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { accessBundle } from './access-bundle.js';

/**
 * The same permissions through the HTTP API, as signed-in users: the routes hand the
 * signed-in actor to the engine, and nothing reaches the client that the engine refused.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
const as: Record<string, ApiClient> = {};
const ids: Record<string, string> = {};
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  for (const [user, roles] of [
    ['ann', ['rep']],
    ['carl', ['north']],
    ['mia', ['member']],
  ] as const) {
    const created = await admin.post<{ id: string }>('/api/users', {
      email: `${user}@example.com`,
      name: user,
      password: `${user} password 123`,
      roles,
    });
    expect(created.status).toBe(201);
    ids[user] = created.body.id;
    as[user] = apiClient(platform.url, { token: (await signIn(platform.url, `${user}@example.com`, `${user} password 123`)).token });
  }
  // A rep sees the phone masked, so may not write it: an admin fills it in.
  const a = await as.ann!.post<{ id: string }>('/api/records/deal', { title: 'A', amount: '10.00', region: 'south' });
  expect(a.status, JSON.stringify(a.body)).toBe(201);
  ids.A = a.body.id;
  expect((await admin.patch(`/api/records/deal/${ids.A}`, { phone: '13812341234' })).status).toBe(200);
  ids.B = (
    await admin.post<{ id: string }>('/api/records/deal', {
      title: 'B',
      amount: '20.00',
      phone: '13900001111',
      note: 'secret',
      region: 'north',
    })
  ).body.id;
});
afterAll(async () => {
  await platform?.stop();
});

describe('access through the API', () => {
  it('lists, gets and searches only what the role reaches, masked', async () => {
    const listed = await as.ann!.get<{ records: Record<string, unknown>[] }>('/api/records/deal');
    expect(listed.body.records.map((r) => [r.title, r.phone, r.note, r._ownerId])).toEqual([['A', '138****1234', undefined, ids.ann]]);
    expect((await as.ann!.get(`/api/records/deal/${ids.B}`)).status).toBe(404);
    const filtered = await as.ann!.get<{ error: { code: string; details: { field: string } } }>(
      `/api/records/deal?filter=${encodeURIComponent(JSON.stringify({ field: 'note', op: 'eq', value: 'secret' }))}`,
    );
    expect([filtered.status, filtered.body.error.code]).toEqual([403, 'FIELD_NOT_READABLE']);
    expect((await as.ann!.get('/api/records/deal?sort=phone')).status).toBe(403);
    expect((await as.carl!.get<{ records: { title: string }[] }>('/api/records/deal?q=secret')).body.records.map((r) => r.title)).toEqual([
      'B',
    ]);
  });

  it('refuses writes the role does not grant, naming the fields', async () => {
    const denied = await as.ann!.patch<{ error: { code: string; details: { fields: string[] } } }>(`/api/records/deal/${ids.A}`, {
      note: 'x',
      phone: '1',
    });
    expect([denied.status, denied.body.error.code, denied.body.error.details.fields]).toEqual([
      403,
      'FIELD_NOT_WRITABLE',
      ['note', 'phone'],
    ]);
    expect((await as.carl!.post<{ error: { code: string } }>('/api/records/deal', { title: 'C' })).body.error.code).toBe('FORBIDDEN');
    expect((await as.ann!.delete(`/api/records/deal/${ids.A}`)).status).toBe(403);
  });

  it('answers 403, not 404, to a PATCH of a record shared read-only (issue #20 item 14)', async () => {
    const shared = await admin.post<{ id: string }>(`/api/records/deal/${ids.B}/shares`, {
      principal: { type: 'user', id: ids.ann },
      access: 'read',
    });
    expect(shared.status, JSON.stringify(shared.body)).toBe(201);
    expect((await as.ann!.get(`/api/records/deal/${ids.B}`)).status).toBe(200);
    const patched = await as.ann!.patch<{ error: { code: string; details: { operation: string } } }>(`/api/records/deal/${ids.B}`, {
      title: 'mine now',
    });
    expect([patched.status, patched.body.error.code, patched.body.error.details.operation]).toEqual([403, 'FORBIDDEN', 'update']);
    expect((await as.ann!.patch(`/api/records/deal/${'0'.repeat(24)}`, { title: 'x' })).status).toBe(404);
    expect((await admin.delete(`/api/records/deal/${ids.B}/shares/${shared.body.id}`)).status).toBe(204);
  });

  it('lets a role that masks a field grant its write: set, keep through an echo of the mask, replace (item 16)', async () => {
    const made = await as.mia!.post<{ id: string; phone: string }>('/api/records/deal', { title: 'M', phone: '13812345678' });
    expect([made.status, made.body.phone]).toEqual([201, '138****5678']);
    const echoed = await as.mia!.patch<{ phone: string; title: string }>(`/api/records/deal/${made.body.id}`, {
      title: 'M2',
      phone: '138****5678',
    });
    expect([echoed.status, echoed.body.title, echoed.body.phone]).toEqual([200, 'M2', '138****5678']);
    expect((await admin.get<{ phone: string }>(`/api/records/deal/${made.body.id}`)).body.phone).toBe('13812345678');
    expect((await as.mia!.patch(`/api/records/deal/${made.body.id}`, { phone: '13999990000' })).status).toBe(200);
    expect((await admin.get<{ phone: string }>(`/api/records/deal/${made.body.id}`)).body.phone).toBe('13999990000');
    const denied = await as.mia!.get(`/api/records/deal?sort=phone`);
    expect(denied.status).toBe(403);
  });

  it('aggregates and exports within the role', async () => {
    const sum = await as.carl!.post<{ error: { code: string } }>('/api/records/deal/aggregate', {
      measures: [{ fn: 'sum', field: 'amount' }],
    });
    expect([sum.status, sum.body.error.code]).toEqual([403, 'FIELD_NOT_READABLE']);
    const count = await as.carl!.post<{ total: { values: number[] } }>('/api/records/deal/aggregate', { measures: [{ fn: 'count' }] });
    expect(count.body.total.values).toEqual([1]);
    const csv = await fetch(`${platform.url}/api/records/deal/export?format=csv&lang=en`, {
      headers: { Authorization: `Bearer ${(await signIn(platform.url, 'carl@example.com', 'carl password 123')).token}` },
    });
    const text = (await csv.text()).replace(/^\uFEFF/, '');
    expect(csv.status).toBe(200);
    expect(text.split(/\r?\n/)[0]).not.toContain('Amount');
    expect(text).toContain('secret');
    expect(text).not.toContain('\nA,');
    expect((await as.ann!.get('/api/records/deal/export?format=csv')).status).toBe(403);
  });

  it('explains a decision to an admin, and to nobody else', async () => {
    const why = await admin.get<{ record: { operations: { read: { allowed: boolean } } } }>(
      `/api/access/explain?user=${ids.ann}&entity=deal&record=${ids.B}`,
    );
    expect(why.status).toBe(200);
    expect(why.body.record.operations.read.allowed).toBe(false);
    expect((await as.ann!.get(`/api/access/explain?user=${ids.ann}&entity=deal`)).status).toBe(403);
  });
});

describe('change owner (issue #20 item 13)', () => {
  type Rec = { id: string; _ownerId: string; _version: number };
  let boss: ApiClient;
  beforeAll(async () => {
    const made = await admin.post<{ id: string }>('/api/users', {
      email: 'boss@example.com',
      name: 'boss',
      password: 'boss password 123',
      roles: ['manager'],
    });
    expect(made.status).toBe(201);
    ids.boss = made.body.id;
    expect((await admin.patch(`/api/users/${ids.ann}`, { managerId: ids.boss })).status).toBe(200);
    boss = apiClient(platform.url, { token: (await signIn(platform.url, 'boss@example.com', 'boss password 123')).token });
  });
  const deal = async (as: ApiClient, title: string) => {
    const res = await as.post<Rec>('/api/records/deal', { title });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body;
  };

  it('refuses a user whose roles do not grant it, on their own record', async () => {
    const mine = await deal(as.ann!, 'Ann keeps');
    const res = await as.ann!.post<{ error: { code: string } }>(`/api/records/deal/${mine.id}/owner`, { ownerId: ids.mia });
    expect([res.status, res.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('lets a role granted changeOwner give its record away, recorded in history and the audit log', async () => {
    const mine = await deal(as.mia!, 'Mia gives');
    const res = await as.mia!.post<Rec>(`/api/records/deal/${mine.id}/owner`, { ownerId: ids.ann });
    expect([res.status, res.body._ownerId, res.body._version]).toEqual([200, ids.ann, 2]);
    expect((await as.ann!.get(`/api/records/deal/${mine.id}`)).status).toBe(200);
    const history = await admin.get<{ entries: { field: string; from: unknown; to: unknown; actor: { id: string } }[] }>(
      `/api/records/deal/${mine.id}/history`,
    );
    expect(history.body.entries).toContainEqual(
      expect.objectContaining({ field: '_ownerId', from: ids.mia, to: ids.ann, actor: expect.objectContaining({ id: ids.mia }) }),
    );
    expect(
      await db
        .collection('audit_log')
        .countDocuments({ action: 'record.update', entity: 'deal', fields: ['_ownerId'], 'actor.id': ids.mia }),
    ).toBe(1);
  });

  it("lets the owner's manager reassign, and refuses an owner who is no user", async () => {
    const anns = await deal(as.ann!, 'Ann is reassigned');
    const bad = await boss.post<{ error: { code: string; details: { problems: { pointer: string }[] } } }>(
      `/api/records/deal/${anns.id}/owner`,
      { ownerId: '0123456789abcdef01234567' },
    );
    expect([bad.status, bad.body.error.code, bad.body.error.details.problems[0]?.pointer]).toEqual([422, 'RECORD_INVALID', '/_ownerId']);
    const res = await boss.post<Rec>(`/api/records/deal/${anns.id}/owner`, { ownerId: ids.boss });
    expect([res.status, res.body._ownerId]).toEqual([200, ids.boss]);
  });

  it('works in bulk, one result per record', async () => {
    const a = await deal(admin, 'Bulk A');
    const b = await deal(as.ann!, 'Bulk B');
    const res = await as.mia!.post<{ results: { status: number; record?: Rec }[] }>('/api/records/deal/bulk', {
      operations: [{ op: 'change_owner', id: a.id, ownerId: ids.mia }],
    });
    expect(res.body.results.map((r) => r.status)).toEqual([404]);
    const ok = await admin.post<{ results: { status: number; record?: Rec }[] }>('/api/records/deal/bulk', {
      operations: [
        { op: 'change_owner', id: a.id, ownerId: ids.mia },
        { op: 'change_owner', id: b.id, ownerId: ids.mia },
      ],
    });
    expect(ok.body.results.map((r) => [r.status, r.record?._ownerId])).toEqual([
      [200, ids.mia],
      [200, ids.mia],
    ]);
  });
});
