import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import { ComponentValidator, unresolvedRefs } from '../../server/src/openapi/openapi.fixture.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiAnswer, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string; _version: number };

beforeAll(async () => {
  await openTestDb(env);
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

async function fetchDocument(): Promise<ApiAnswer<OpenApiDocument>> {
  const res = await api.get<OpenApiDocument>('/api/openapi.json');
  expect(res.status).toBe(200);
  return res;
}

/** The status of a conditional GET of the document (fetch adds `no-cache` unless told otherwise). */
async function revalidate(etag: string): Promise<number> {
  const res = await fetch(`${platform.url}/api/openapi.json`, {
    headers: { 'If-None-Match': etag, 'Cache-Control': 'max-age=0', ...api.authHeaders() },
  });
  await res.arrayBuffer();
  return res.status;
}

/** Asserts that an answer's body is valid against a component of the document. */
function expectValid(doc: OpenApiDocument, component: string, answer: ApiAnswer<unknown>, status: number): void {
  expect(answer.status).toBe(status);
  expect(new ComponentValidator(doc).errors(component, answer.body), `${component}: ${JSON.stringify(answer.body)}`).toBeNull();
}

describe('GET /api/openapi.json', () => {
  it('serves a valid OpenAPI 3.1 document of the published metadata', async () => {
    const res = await fetchDocument();
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const validator = new Validator();
    expect(await validator.validate(structuredClone(res.body))).toEqual({ valid: true });
    expect(validator.version).toBe('3.1');
    expect(unresolvedRefs(res.body)).toEqual([]);
    const current = await api.get<{ version: number }>('/api/meta');
    expect(res.body.info['x-metadata-version']).toBe(current.body.version);
    expect(Object.keys(res.body.components.schemas)).toEqual(
      expect.arrayContaining([
        'Account',
        'AccountInput',
        'AccountPatch',
        'AccountList',
        'Opportunity',
        'Error',
        'Problems',
        'Filter',
        'MetaEntity',
      ]),
    );
    expect(res.body.paths['/api/records/opportunity/{id}']).toEqual(
      expect.objectContaining({ get: expect.any(Object), patch: expect.any(Object), delete: expect.any(Object) }),
    );
  });

  it('answers 304 to If-None-Match while the metadata stays the same', async () => {
    const first = await fetchDocument();
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    expect(await revalidate(etag)).toBe(304);
  });

  it('describes real answers: records, pages, history, the recycle bin and errors', async () => {
    const doc = (await fetchDocument()).body;
    const account = await api.post<Rec>('/api/records/account', { name: 'Acme', code: 'A-1', industry: 'tech', employees: 10 });
    expectValid(doc, 'Account', account, 201);
    const deal = await api.post<Rec>('/api/records/opportunity', {
      title: 'Big deal',
      account: account.body.id,
      amount: '1000.50',
      probability: 40,
      close_date: '2026-12-31',
    });
    expectValid(doc, 'Opportunity', deal, 201);
    expectValid(doc, 'Opportunity', await api.get(`/api/records/opportunity/${deal.body.id}`), 200);
    expectValid(doc, 'Account', await api.get(`/api/records/account/${account.body.id}`), 200);
    expectValid(
      doc,
      'Opportunity',
      await api.patch(`/api/records/opportunity/${deal.body.id}`, { _version: 1, amount: null, stage: 'lost' }),
      200,
    );
    expectValid(doc, 'OpportunityList', await api.get('/api/records/opportunity?fields=title,amount&count=true&limit=1'), 200);
    expectValid(doc, 'RecordHistory', await api.get(`/api/records/opportunity/${deal.body.id}/history`), 200);
    expect((await api.delete(`/api/records/opportunity/${deal.body.id}`)).status).toBe(204);
    expectValid(doc, 'OpportunityList', await api.get('/api/records/opportunity?deleted=true'), 200);
    expectValid(doc, 'Opportunity', await api.post(`/api/records/opportunity/${deal.body.id}/restore`), 200);

    expectValid(doc, 'Problems', await api.post('/api/records/opportunity', { title: 'x', amount: '1.234' }), 422);
    expectValid(doc, 'Error', await api.patch(`/api/records/opportunity/${deal.body.id}`, { _version: 1, title: 'stale' }), 409);
    expectValid(doc, 'Error', await api.get('/api/records/account/0123456789abcdef01234567'), 404);
    expectValid(doc, 'Error', await api.get(`/api/records/opportunity?filter=${encodeURIComponent('{"$where":"1"}')}`), 400);
  });

  it('describes lookups expanded, bulk writes, aggregates, import jobs and exports', async () => {
    const doc = (await fetchDocument()).body;
    const validator = new ComponentValidator(doc);
    const account = await api.post<Rec>('/api/records/account', { name: 'Globex' });
    const deal = await api.post<Rec>('/api/records/opportunity', { title: 'Expanded', account: account.body.id, amount: '5.00' });
    const one = await api.get<Rec>(`/api/records/opportunity/${deal.body.id}?expand=account`);
    expect(one.body._expanded).toEqual({ account: { id: account.body.id, display: 'Globex' } });
    expectValid(doc, 'Opportunity', one, 200);
    expectValid(doc, 'OpportunityList', await api.get('/api/records/opportunity?expand=account'), 200);
    expectValid(doc, 'OpportunityList', await api.get(`/api/records/account/${account.body.id}/related/opportunity/account`), 200);

    const bulk = {
      operations: [
        { op: 'create', data: { title: 'Bulk one' } },
        { op: 'update', id: deal.body.id, _version: 99, data: { title: 'stale' } },
      ],
    };
    expect(validator.errors('BulkRequest', bulk)).toBeNull();
    const bulkAnswer = await api.post<{ summary: { failed: number } }>('/api/records/opportunity/bulk', bulk);
    expectValid(doc, 'BulkResult', bulkAnswer, 200);
    expect(bulkAnswer.body.summary.failed).toBe(1);

    const aggregate = {
      groupBy: [{ field: 'stage' }, { field: '_createdAt', bucket: 'month' }],
      measures: [{ fn: 'count' }, { fn: 'sum', field: 'amount' }, { fn: 'max', field: 'close_date' }],
      sort: { by: 'measure', index: 0, direction: 'desc' },
      limit: 10,
      timeZone: 'Asia/Shanghai',
    };
    expect(validator.errors('AggregateRequest', aggregate)).toBeNull();
    expectValid(doc, 'AggregateResult', await api.post('/api/records/opportunity/aggregate', aggregate), 200);
    expectValid(doc, 'Error', await api.post('/api/records/opportunity/aggregate', { measures: [{ fn: 'median' }] }), 400);

    const importBody = {
      file: { name: 'accounts.csv', contentBase64: Buffer.from('name,code\nInitech,I-1\n').toString('base64') },
      mapping: { name: 'name', code: 'code' },
    };
    expect(validator.errors('ImportRequest', importBody)).toBeNull();
    const started = await api.post<{ id: string }>('/api/records/account/import', importBody);
    expectValid(doc, 'ImportJob', started, 202);
    expect(started.headers.get('location')).toBe(`/api/records/account/imports/${started.body.id}`);
    expectValid(doc, 'ImportJob', await api.get(`/api/records/account/imports/${started.body.id}`), 200);

    const exported = await fetch(`${platform.url}/api/records/opportunity/export?format=csv&fields=title,amount`, {
      headers: api.authHeaders(),
    });
    expect(exported.status).toBe(200);
    const media = Object.keys(
      (doc.paths['/api/records/opportunity/export'] as { get: { responses: { '200': { content: object } } } }).get.responses['200'].content,
    );
    expect(media).toContain(exported.headers.get('content-type')!.split(';')[0]);
    await exported.text();
  });

  it('describes the platform and metadata answers', async () => {
    const doc = (await fetchDocument()).body;
    expectValid(doc, 'MetaCurrent', await api.get('/api/meta'), 200);
    expectValid(doc, 'MetaDraft', await api.get('/api/meta/draft'), 200);
    expectValid(doc, 'MetaDiff', await api.get('/api/meta/versions/0/diff/1'), 200);
    expectValid(doc, 'MetaPublishResult', await api.post('/api/meta/publish?dryRun=true'), 200);
    expectValid(doc, 'MetaVersion', await api.get('/api/meta/versions/1'), 200);
    expectValid(doc, 'SystemStatus', await api.get('/api/system/status'), 200);
    expectValid(doc, 'Readiness', await api.get('/readyz'), 200);
    expectValid(doc, 'Problems', await api.put('/api/meta/draft/entities/broken', { label: l('坏', 'Broken') }), 422);
  });

  it('describes the share, access, workflow and approval answers', async () => {
    const user = await api.post<{ id: string }>('/api/users', {
      email: 'sam@example.com',
      name: 'Sam',
      password: 'sam password 123',
      roles: [],
    });
    expect(user.status).toBe(201);
    const account = await api.post<Rec>('/api/records/account', { name: 'Shared Co' });
    const workflow = {
      key: 'touch',
      label: l('触碰', 'Touch'),
      entity: 'account',
      trigger: { type: 'manual' },
      start: 'note',
      steps: [{ id: 'note', type: 'set_variables', config: { values: { seen: true } } }],
    };
    expect((await api.put('/api/meta/draft/workflows/touch', workflow)).status).toBeLessThan(300);
    expect((await api.post('/api/meta/publish')).status).toBe(200);
    const doc = (await fetchDocument()).body;
    const base = `/api/records/account/${account.body.id}/shares`;
    const share = await api.post<{ id: string }>(base, {
      principal: { type: 'user', id: user.body.id },
      access: 'write',
      until: '2999-01-01',
    });
    expectValid(doc, 'Share', share, 201);
    expectValid(doc, 'ShareList', await api.get(base), 200);
    expect((await api.delete(`${base}/${share.body.id}`)).status).toBe(204);
    expectValid(
      doc,
      'AccessExplanation',
      await api.get(`/api/access/explain?user=${user.body.id}&entity=account&record=${account.body.id}&field=name`),
      200,
    );
    expectValid(doc, 'WorkflowList', await api.get('/api/workflows'), 200);
    const started = await api.post<{ runs: string[] }>('/api/workflows/touch/trigger', { records: [account.body.id] });
    expectValid(doc, 'WorkflowTriggered', started, 202);
    expectValid(doc, 'WorkflowRunPage', await api.get('/api/workflows/runs?workflow=touch'), 200);
    expectValid(doc, 'WorkflowRun', await api.get(`/api/workflows/runs/${started.body.runs[0]!}`), 200);
    expectValid(doc, 'ApprovalList', await api.get('/api/approvals'), 200);
    expectValid(doc, 'Error', await api.post('/api/approvals/000000000000000000000000/approve', {}), 404);
  });

  it('shows a newly published entity and field on the next request', async () => {
    const before = await fetchDocument();
    const account = salesBundle().entities[0]!;
    const website = { key: 'website', type: 'url', label: l('网站', 'Website') };
    expect((await api.put('/api/meta/draft/entities/account', { ...account, fields: [...account.fields, website] })).status).toBe(200);
    const contact = {
      key: 'contact',
      label: l('联系人', 'Contact'),
      displayField: 'full_name',
      fields: [
        { key: 'full_name', type: 'text', label: l('姓名', 'Full name'), required: true },
        { key: 'email', type: 'email', label: l('邮箱', 'Email') },
        { key: 'account', type: 'lookup', label: l('客户', 'Account'), target: 'account' },
      ],
    };
    expect((await api.put('/api/meta/draft/entities/contact', contact)).status).toBe(200);
    expect((await api.post('/api/meta/publish')).status).toBe(200);

    const after = await fetchDocument();
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(await revalidate(before.headers.get('etag')!)).toBe(200);
    const schemas = after.body.components.schemas as Record<string, { properties: Record<string, unknown>; required?: string[] }>;
    expect(schemas.Account!.properties.website).toMatchObject({ format: 'uri', title: 'Website', 'x-label-zh-CN': '网站' });
    expect(schemas.Contact!.properties.email).toMatchObject({ format: 'email' });
    expect(schemas.ContactInput!.required).toEqual(['full_name']);
    expect(after.body.paths['/api/records/contact']).toBeDefined();
    expect(await new Validator().validate(structuredClone(after.body))).toEqual({ valid: true });

    const acme = await api.post<Rec>('/api/records/account', { name: 'Site', website: 'https://example.com' });
    expectValid(after.body, 'Account', acme, 201);
    expectValid(
      after.body,
      'Contact',
      await api.post('/api/records/contact', { full_name: 'Ann Lee', email: 'ann@example.com', account: acme.body.id }),
      201,
    );
  });
});
