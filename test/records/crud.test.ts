import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ObjectId, type Db } from 'mongodb';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
type Rec = Record<string, unknown> & { id: string; _version: number };
type Err = {
  error: {
    code: string;
    message: string;
    details: { problems?: { pointer: string; code: string; message: string }[]; field?: string; currentVersion?: number };
  };
};

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

let account: Rec;
let deal: Rec;

describe('records', () => {
  it('creates a record with system fields, defaults and roll-ups started', async () => {
    const res = await api.post<Rec>('/api/records/account', { name: 'Acme', code: 'A-1', industry: 'tech', employees: 10 });
    expect(res.status).toBe(201);
    account = res.body;
    expect(account).toMatchObject({
      id: expect.stringMatching(/^[0-9a-f]{24}$/),
      _version: 1,
      name: 'Acme',
      code: 'A-1',
      industry: 'tech',
      employees: 10,
      open_amount: '0.00',
    });
    expect(res.headers.get('location')).toBe(`/api/records/account/${account.id}`);
    expect(Date.parse(String(account._createdAt))).toBeGreaterThan(Date.now() - 60_000);
  });

  it('computes formulas exactly, applies defaults and keeps the parent roll-up current', async () => {
    const res = await api.post<Rec>('/api/records/opportunity', {
      title: 'Big deal',
      account: account.id,
      amount: '1000.50',
      probability: 40,
    });
    expect(res.status).toBe(201);
    deal = res.body;
    expect(deal).toMatchObject({ amount: '1000.50', probability: '40', expected: '400.20', stage: 'new' });
    expect((await api.get<Rec>(`/api/records/account/${account.id}`)).body.open_amount).toBe('1000.50');
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['an unknown field', { title: 'x', colour: 'red' }, '/colour', 'UNKNOWN_PROPERTY'],
    ['a system field', { title: 'x', _createdAt: '2020-01-01T00:00:00Z' }, '/_createdAt', 'IMMUTABLE'],
    ['a computed field', { title: 'x', expected: '1' }, '/expected', 'IMMUTABLE'],
    ['too many decimals', { title: 'x', amount: '1.234' }, '/amount', 'BAD_FORMAT'],
    ['a missing required field', { amount: '5' }, '/title', 'REQUIRED'],
    ['an option that does not exist', { title: 'x', stage: 'maybe' }, '/stage', 'NOT_ALLOWED_VALUE'],
    ['a bad date', { title: 'x', close_date: '2026-02-30' }, '/close_date', 'BAD_FORMAT'],
    ['a lookup to nothing', { title: 'x', account: '0123456789abcdef01234567' }, '/account', 'UNKNOWN_ENTITY'],
    ['a broken validation rule', { title: 'x', stage: 'won' }, '/amount', 'INVALID'],
  ])('refuses %s with 422 pointing at the field', async (_what, body, pointer, code) => {
    const res = await api.post<Err>('/api/records/opportunity', body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('RECORD_INVALID');
    expect(res.body.error.details.problems).toContainEqual(expect.objectContaining({ pointer, code }));
  });

  it('writes nothing for a refused record', async () => {
    expect(await db.collection('rec_opportunity').countDocuments({})).toBe(1);
    expect(await db.collection('outbox').countDocuments({ entity: 'opportunity' })).toBe(1);
  });

  it('answers 409 naming the field for a unique value already taken', async () => {
    const res = await api.post<Err>('/api/records/account', { name: 'Other', code: 'A-1' });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'RECORD_UNIQUE_VIOLATION',
      details: { field: 'code', problems: [{ pointer: '/code', code: 'NOT_UNIQUE', message: 'Another record already has this code' }] },
    });
  });

  it('guards updates with the version and keeps field history', async () => {
    const stale = await api.patch<Err>(`/api/records/opportunity/${deal.id}`, { _version: 7, title: 'Bigger deal' });
    expect(stale.status).toBe(409);
    expect(stale.body.error).toMatchObject({ code: 'RECORD_VERSION_CONFLICT', details: { currentVersion: 1 } });

    const res = await api.patch<Rec>(`/api/records/opportunity/${deal.id}`, { _version: 1, title: 'Bigger deal', amount: '2000' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _version: 2, title: 'Bigger deal', amount: '2000.00', expected: '800.00' });
    expect((await api.get<Rec>(`/api/records/account/${account.id}`)).body.open_amount).toBe('2000.00');

    const viaHeader = await api.patch<Rec>(`/api/records/opportunity/${deal.id}`, { probability: 50 }, { 'If-Match': '"2"' });
    expect(viaHeader.body._version).toBe(3);

    const history = await api.get<{ entries: { version: number; field: string; from: unknown; to: unknown; op: string }[] }>(
      `/api/records/opportunity/${deal.id}/history`,
    );
    expect(history.body.entries.filter((e) => e.version === 2)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ op: 'update', field: 'title', from: 'Big deal', to: 'Bigger deal' }),
        expect.objectContaining({ field: 'amount', from: '1000.50', to: '2000.00' }),
        expect.objectContaining({ field: 'expected', from: '400.20', to: '800.00' }),
      ]),
    );
    expect(history.body.entries.some((e) => e.version === 1 && e.op === 'create' && e.field === 'title')).toBe(true);
  });

  it('refuses to delete a record others still refer to (restrict)', async () => {
    const res = await api.delete<Err>(`/api/records/account/${account.id}`);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('RECORD_IN_USE');
  });

  it('soft deletes to the recycle bin and restores, keeping roll-ups current', async () => {
    expect((await api.delete(`/api/records/opportunity/${deal.id}`)).status).toBe(204);
    expect((await api.get<Err>(`/api/records/opportunity/${deal.id}`)).status).toBe(404);
    expect((await api.get<Rec>(`/api/records/account/${account.id}`)).body.open_amount).toBe('0.00');
    const restored = await api.post<Rec>(`/api/records/opportunity/${deal.id}/restore`);
    expect(restored.status).toBe(200);
    expect(restored.body._version).toBe(5);
    expect((await api.get<Rec>(`/api/records/account/${account.id}`)).body.open_amount).toBe('2000.00');
  });

  it.each([
    ['GET', '/api/records/nothing/0123456789abcdef01234567', 404, 'ENTITY_NOT_FOUND'],
    ['GET', '/api/records/account/not-an-id', 404, 'RECORD_NOT_FOUND'],
    ['GET', '/api/records/account/0123456789abcdef01234567', 404, 'RECORD_NOT_FOUND'],
  ])('%s %s answers %i %s', async (_method, path, status, code) => {
    const res = await api.get<Err>(path);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});

describe('listing records', () => {
  it('filters, sorts, selects fields, counts and pages with a cursor', async () => {
    for (const [i, stage] of ['new', 'won', 'lost', 'new', 'new'].entries()) {
      const res = await api.post<Rec>('/api/records/opportunity', {
        title: `Deal ${i}`,
        amount: `${(i + 1) * 100}`,
        stage,
        account: account.id,
      });
      expect(res.status).toBe(201);
    }
    const filter = encodeURIComponent(JSON.stringify({ field: 'stage', op: 'eq', value: 'new' }));
    const first = await api.get<{ records: Rec[]; nextCursor: string | null; total: number }>(
      `/api/records/opportunity?filter=${filter}&sort=-amount&limit=2&fields=title,amount&count=true`,
    );
    expect(first.status).toBe(200);
    expect(first.body.total).toBe(4);
    expect(first.body.records.map((r) => r.title)).toEqual(['Bigger deal', 'Deal 4']);
    expect(Object.keys(first.body.records[0]!).sort()).toEqual([
      '_createdAt',
      '_createdBy',
      '_ownerId',
      '_updatedAt',
      '_updatedBy',
      '_version',
      'amount',
      'id',
      'title',
    ]);
    const second = await api.get<{ records: Rec[]; nextCursor: string | null }>(
      `/api/records/opportunity?filter=${filter}&sort=-amount&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body.records.map((r) => r.title)).toEqual(['Deal 3', 'Deal 0']);
    expect(second.body.nextCursor).toBeNull();
  });

  it('searches text fields with q and lists the recycle bin', async () => {
    const found = await api.get<{ records: Rec[] }>('/api/records/opportunity?q=bigger');
    expect(found.body.records.map((r) => r.title)).toEqual(['Bigger deal']);
    const victim = (await api.get<{ records: Rec[] }>('/api/records/opportunity?q=deal%202')).body.records[0]!;
    expect((await api.delete(`/api/records/opportunity/${victim.id}`)).status).toBe(204);
    const bin = await api.get<{ records: Rec[] }>('/api/records/opportunity?deleted=true');
    expect(bin.body.records.map((r) => r.id)).toEqual([victim.id]);
    expect(bin.body.records[0]!._deletedAt).toEqual(expect.any(String));
  });

  it('expands lookups to their display values and lists related records', async () => {
    const list = await api.get<{ records: (Rec & { _expanded: Record<string, { id: string; display: unknown }> })[] }>(
      '/api/records/opportunity?expand=account&limit=3&sort=title',
    );
    expect(list.body.records).toHaveLength(3);
    for (const record of list.body.records) expect(record._expanded.account).toEqual({ id: account.id, display: 'Acme' });
    const one = await api.get<{ _expanded: Record<string, unknown> }>(`/api/records/opportunity/${deal.id}?expand=account`);
    expect(one.body._expanded).toEqual({ account: { id: account.id, display: 'Acme' } });

    const related = await api.get<{ records: Rec[] }>(
      `/api/records/account/${account.id}/related/opportunity/account?sort=title&limit=200`,
    );
    expect(related.body.records.map((r) => r.title)).toEqual(['Bigger deal', 'Deal 0', 'Deal 1', 'Deal 3', 'Deal 4']);
    expect((await api.get<Err>(`/api/records/account/${account.id}/related/opportunity/title`)).status).toBe(404);
    expect((await api.get<Err>('/api/records/opportunity?expand=title')).body.error.code).toBe('FILTER_FIELD_UNKNOWN');
  });

  it.each([
    ['a raw operator', { $where: 'sleep(1000)' }, 400, 'FILTER_INVALID'],
    ['a dotted key', { 'amount.x': 1 }, 400, 'FILTER_INVALID'],
    ['a prototype key', JSON.parse('{"__proto__": {"field": "title", "op": "eq", "value": "x"}}') as unknown, 400, 'FILTER_INVALID'],
    ['an unknown field', { field: 'secret', op: 'eq', value: 1 }, 400, 'FILTER_FIELD_UNKNOWN'],
    ['an operator the type lacks', { field: 'amount', op: 'contains', value: '1' }, 400, 'FILTER_OPERATOR_NOT_ALLOWED'],
  ])('refuses %s in a filter with 400', async (_what, filter, status, code) => {
    const res = await api.get<Err>(`/api/records/opportunity?filter=${encodeURIComponent(JSON.stringify(filter))}`);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });
});

describe('bulk', () => {
  it('runs each operation through the pipeline and answers a result per item', async () => {
    const target = (await api.post<Rec>('/api/records/opportunity', { title: 'Bulk target' })).body;
    const res = await api.post<{
      results: { index: number; status: number; record?: Rec; error?: { code: string } }[];
      summary: Record<string, number>;
    }>('/api/records/opportunity/bulk', {
      operations: [
        { op: 'create', data: { title: 'Bulk one', amount: '3.5' } },
        { op: 'create', data: { amount: 'lots' } },
        { op: 'update', id: target.id, _version: 99, data: { title: 'stale' } },
        { op: 'update', id: target.id, _version: 1, data: { title: 'Bulk target 2' } },
        { op: 'delete', id: '0123456789abcdef01234567' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => [r.status, r.error?.code ?? null])).toEqual([
      [201, null],
      [422, 'RECORD_INVALID'],
      [409, 'RECORD_VERSION_CONFLICT'],
      [200, null],
      [404, 'RECORD_NOT_FOUND'],
    ]);
    expect(res.body.results[0]?.record).toMatchObject({ title: 'Bulk one', amount: '3.50' });
    expect(res.body.summary).toEqual({ succeeded: 2, failed: 3 });
    expect((await api.get<Rec>(`/api/records/opportunity/${target.id}`)).body.title).toBe('Bulk target 2');
  });

  it('writes a run of creates in one transaction, each checked on its own: roll-ups, history, audit and events per record', async () => {
    type Bulk = { results: { status: number; record?: Rec; error?: { code: string; details?: { field?: string } } }[] };
    const parent = (await api.post<Rec>('/api/records/account', { name: 'Batch parent', code: 'BATCH-P' })).body;
    const writesBefore = await db.collection('audit_log').countDocuments({ action: 'record.create', entity: 'opportunity' });
    const res = await api.post<Bulk>('/api/records/opportunity/bulk', {
      operations: [
        { op: 'create', data: { title: 'Batch 1', account: parent.id, amount: '1.25' } },
        { op: 'create', data: { title: 'Batch 2', account: parent.id, amount: '2.50' } },
        { op: 'create', data: { title: 'Batch bad', account: '0123456789abcdef01234567' } },
        { op: 'create', data: { title: 'Batch 3', amount: '4' } },
      ],
    });
    expect(res.body.results.map((r) => [r.status, r.error?.code ?? null])).toEqual([
      [201, null],
      [201, null],
      [422, 'RECORD_INVALID'],
      [201, null],
    ]);
    expect(res.body.results[0]!.record).toMatchObject({ title: 'Batch 1', account: parent.id, amount: '1.25', _version: 1 });
    expect((await api.get<Rec>(`/api/records/account/${parent.id}`)).body.open_amount).toBe('3.75');
    const ids = res.body.results.flatMap((r) => (r.record ? [new ObjectId(r.record.id)] : []));
    expect(await db.collection('audit_log').countDocuments({ action: 'record.create', entity: 'opportunity' })).toBe(writesBefore + 3);
    expect(await db.collection('outbox').countDocuments({ type: 'record.create', recordId: { $in: ids } })).toBe(3);
    expect(await db.collection('record_revisions').countDocuments({ recordId: { $in: ids }, op: 'create' })).toBe(3);

    // A unique value taken inside the batch: the others still land, the clash is its own item's error.
    const clash = await api.post<Bulk>('/api/records/account/bulk', {
      operations: [
        { op: 'create', data: { name: 'Dup 1', code: 'BATCH-DUP' } },
        { op: 'create', data: { name: 'Dup 2', code: 'BATCH-DUP' } },
        { op: 'create', data: { name: 'Dup 3', code: 'BATCH-3' } },
      ],
    });
    expect(clash.body.results.map((r) => [r.status, r.error?.code ?? null, r.error?.details?.field ?? null])).toEqual([
      [201, null, null],
      [409, 'RECORD_UNIQUE_VIOLATION', 'code'],
      [201, null, null],
    ]);
    expect(await db.collection('rec_account').countDocuments({ code: { $in: ['BATCH-DUP', 'BATCH-3'] } })).toBe(2);
  });

  it.each([
    [{}, '/operations'],
    [{ operations: Array.from({ length: 1001 }, () => ({ op: 'create', data: {} })) }, '/operations'],
    [{ operations: [{ op: 'upsert', data: {} }] }, '/operations/0/op'],
  ])('refuses a malformed bulk body %#', async (body, pointer) => {
    const res = await api.post<{ error: { code: string; details: { problems: { pointer: string }[] } } }>(
      '/api/records/opportunity/bulk',
      body,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ pointer })]);
  });
});

describe('lists through a view (issue #20 item 12)', () => {
  type List = { records: Rec[] };
  beforeAll(async () => {
    const view = {
      key: 'big_view_deals',
      type: 'list',
      entity: 'opportunity',
      label: { 'zh-CN': '大单', en: 'Big' },
      columns: [{ field: 'title' }, { field: 'amount' }],
      filter: { field: 'amount', op: 'gte', value: '500' },
      sort: [{ field: 'amount', direction: 'desc' }],
    };
    expect((await api.put('/api/meta/draft/views/big_view_deals', view)).status).toBe(200);
    const published = await api.post('/api/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(200);
    for (const [title, amount] of [
      ['View small', '10'],
      ['View big', '900'],
      ['View bigger', '5000'],
      ['Other big', '700'],
    ] as const) {
      expect((await api.post('/api/records/opportunity', { title, amount, probability: 10 })).status).toBe(201);
    }
  });

  it("applies the view's filter, sort and columns, combined with the caller's filter", async () => {
    const filter = encodeURIComponent(JSON.stringify({ field: 'title', op: 'startsWith', value: 'View' }));
    const res = await api.get<List>(`/api/records/opportunity?view=big_view_deals&filter=${filter}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.records.map((r) => [r.title, r.amount])).toEqual([
      ['View bigger', '5000.00'],
      ['View big', '900.00'],
    ]);
    expect(
      Object.keys(res.body.records[0]!)
        .filter((k) => !k.startsWith('_') && k !== 'id')
        .sort(),
    ).toEqual(['amount', 'title']);
    const sorted = await api.get<List>(`/api/records/opportunity?view=big_view_deals&filter=${filter}&sort=amount&fields=title,stage`);
    expect(sorted.body.records.map((r) => [r.title, r.stage, r.amount])).toEqual([
      ['View big', 'new', undefined],
      ['View bigger', 'new', undefined],
    ]);
  });

  it('answers 404 VIEW_NOT_FOUND for a view the entity does not have', async () => {
    const res = await api.get<Err>('/api/records/account?view=big_view_deals');
    expect([res.status, res.body.error.code]).toEqual([404, 'VIEW_NOT_FOUND']);
  });

  it('answers 400 naming an unknown query parameter', async () => {
    const res = await api.get<Err>('/api/records/opportunity?bogus=1&limit=5');
    expect([res.status, res.body.error.code]).toEqual([400, 'BAD_REQUEST']);
    expect(res.body.error.details.problems).toEqual([expect.objectContaining({ pointer: '/query/bogus', code: 'UNKNOWN_PROPERTY' })]);
    expect((await api.get<Err>(`/api/records/opportunity/${deal.id}?bogus=1`)).status).toBe(400);
  });
});

describe('restoring what a cascade deleted (issue #20 item 15)', () => {
  const l = (en: string) => ({ 'zh-CN': en, en });
  beforeAll(async () => {
    const proj = {
      key: 'proj',
      label: l('Project'),
      displayField: 'name',
      fields: [{ key: 'name', type: 'text', label: l('Name'), required: true }],
    };
    const task = {
      key: 'task',
      label: l('Task'),
      displayField: 'name',
      fields: [
        { key: 'name', type: 'text', label: l('Name'), required: true },
        { key: 'proj', type: 'lookup', label: l('Project'), target: 'proj', onDelete: 'cascade' },
      ],
    };
    const note = {
      key: 'tnote',
      label: l('Task note'),
      displayField: 'text',
      fields: [
        { key: 'text', type: 'text', label: l('Text'), required: true },
        { key: 'task', type: 'lookup', label: l('Task'), target: 'task', onDelete: 'cascade' },
      ],
    };
    for (const e of [proj, task, note]) expect((await api.put(`/api/meta/draft/entities/${e.key}`, e)).status).toBe(200);
    const published = await api.post('/api/meta/publish');
    expect(published.status, JSON.stringify(published.body)).toBe(200);
  });

  it('brings back the children and grandchildren the same delete removed, says so, and leaves the rest deleted', async () => {
    const p = (await api.post<Rec>('/api/records/proj', { name: 'P' })).body;
    const t1 = (await api.post<Rec>('/api/records/task', { name: 'T1', proj: p.id })).body;
    const t2 = (await api.post<Rec>('/api/records/task', { name: 'T2', proj: p.id })).body;
    const n1 = (await api.post<Rec>('/api/records/tnote', { text: 'N1', task: t1.id })).body;
    // Deleted on its own, before: a restore of the project must not bring it back.
    expect((await api.delete(`/api/records/task/${t2.id}`)).status).toBe(204);
    expect((await api.delete(`/api/records/proj/${p.id}`)).status).toBe(204);
    expect((await api.get(`/api/records/task/${t1.id}`)).status).toBe(404);
    expect((await api.get(`/api/records/tnote/${n1.id}`)).status).toBe(404);

    const restored = await api.post<Rec & { _restoredWith: { entity: string; id: string }[] }>(`/api/records/proj/${p.id}/restore`);
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body._restoredWith).toEqual([
      { entity: 'task', id: t1.id },
      { entity: 'tnote', id: n1.id },
    ]);
    expect((await api.get(`/api/records/task/${t1.id}`)).status).toBe(200);
    expect((await api.get(`/api/records/tnote/${n1.id}`)).status).toBe(200);
    expect((await api.get(`/api/records/task/${t2.id}`)).status).toBe(404);
    expect(await db.collection('rec_task').countDocuments({ _deletedWith: { $exists: true }, _deletedAt: null })).toBe(0);
  });
});
