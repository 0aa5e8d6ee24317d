import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Form, View, Workflow } from '@metacrm/metadata';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { accessBundle } from '../access/access-bundle.js';
import type { OpenApiDocument } from '../../server/src/openapi/openapi.js';
import { ComponentValidator } from '../../server/src/openapi/openapi.fixture.js';

/** `GET /api/me/metadata`: the published metadata a user's roles let them see, with an ETag. */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
const as: Record<string, ApiClient> = {};

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const form: Form = {
  key: 'deal_form',
  entity: 'deal',
  label: l('交易', 'Deal'),
  layout: { tabs: [{ key: 'main', label: l('主要', 'Main'), sections: [{ key: 's', fields: [{ field: 'title' }, { field: 'note' }, { field: 'phone' }] }] }] },
};
const views: View[] = [
  { key: 'all_deals', type: 'list', entity: 'deal', label: l('全部', 'All'), columns: [{ field: 'title' }, { field: 'note' }, { field: 'amount' }] },
  { key: 'by_note', type: 'list', entity: 'deal', label: l('按备注', 'By note'), columns: [{ field: 'title' }], filter: { field: 'note', op: 'eq', value: 'x' } },
  { key: 'accounts', type: 'list', entity: 'account', label: l('客户', 'Accounts'), columns: [{ field: 'name' }] },
];
const workflows: Workflow[] = [
  { key: 'call_deal', label: l('致电', 'Call'), entity: 'deal', trigger: { type: 'manual', inputSchema: { type: 'object', properties: { when: { type: 'string' } } } }, steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }] },
  { key: 'ping_account', label: l('客户', 'Ping'), entity: 'account', trigger: { type: 'manual' }, steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }] },
  { key: 'on_create', label: l('新建', 'On create'), entity: 'deal', trigger: { type: 'record_created' }, steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }] },
];

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  await admin.put(`/api/meta/draft/forms/${form.key}`, form);
  for (const view of views) await admin.put(`/api/meta/draft/views/${view.key}`, view);
  for (const wf of workflows) expect((await admin.put(`/api/meta/draft/workflows/${wf.key}`, wf)).status).toBe(200);
  const published = await admin.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [user, roles] of [['ann', ['rep']], ['carl', ['north']]] as const) {
    expect((await admin.post('/api/users', { email: `${user}@example.com`, name: user, password: `${user} password 123`, roles })).status).toBe(201);
    as[user] = apiClient(platform.url, { token: (await signIn(platform.url, `${user}@example.com`, `${user} password 123`)).token });
  }
});
afterAll(async () => {
  await platform?.stop();
});

interface Me {
  version: number;
  entities: { key: string; fields: { key: string; access: { write: boolean; mask?: unknown } }[]; rights: Record<string, boolean> }[];
  forms: Form[];
  views: View[];
  actions: { key: string; inputSchema: unknown }[];
}

describe('GET /api/me/metadata', () => {
  it('shows a rep no hidden field, anywhere', async () => {
    const me = await as.ann!.get<Me>('/api/me/metadata');
    expect(me.status).toBe(200);
    expect(JSON.stringify(me.body)).not.toContain('"note"');
    const deal = me.body.entities.find((e) => e.key === 'deal')!;
    expect(deal.fields.map((f) => [f.key, f.access.write, f.access.mask !== undefined])).toEqual([
      ['title', true, false],
      ['amount', true, false],
      ['phone', false, true],
      ['region', true, false],
      ['account', true, false],
    ]);
    expect(deal.rights).toEqual({ create: true, read: true, update: true, delete: false, export: false });
    expect(me.body.forms[0]!.layout.tabs[0]!.sections[0]!.fields.map((f) => f.field)).toEqual(['title', 'phone']);
    // A view filtering on a hidden field is left out whole, not loosened.
    expect(me.body.views.map((v) => v.key).sort()).toEqual(['accounts', 'all_deals']);
    expect(me.body.actions.map((a) => a.key)).toEqual(['call_deal', 'ping_account']);
    expect(me.body.actions[0]!.inputSchema).toEqual({ type: 'object', properties: { when: { type: 'string' } } });
  });

  it('leaves out entities, views and actions a role cannot read', async () => {
    const me = await as.carl!.get<Me>('/api/me/metadata');
    expect(me.body.entities.map((e) => e.key)).toEqual(['deal']);
    expect(me.body.entities[0]!.fields.map((f) => f.key)).not.toContain('amount');
    expect(me.body.entities[0]!.rights).toEqual({ create: false, read: true, update: false, delete: false, export: true });
    expect(me.body.entities[0]!.fields.every((f) => !f.access.write)).toBe(true);
    expect(me.body.views.map((v) => v.key)).toEqual(['all_deals', 'by_note']);
    expect((me.body.views[0] as { columns: { field: string }[] }).columns.map((c) => c.field)).toEqual(['title', 'note']);
    expect(me.body.actions.map((a) => a.key)).toEqual(['call_deal']);
  });

  it('answers 304 to its ETag until a publish or a switched-off workflow changes it', async () => {
    const first = await as.ann!.get<Me>('/api/me/metadata');
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');
    expect((await as.ann!.get('/api/me/metadata', { 'If-None-Match': etag })).status).toBe(304);
    expect((await as.carl!.get('/api/me/metadata')).headers.get('etag')).not.toBe(etag);

    await admin.post('/api/workflows/ping_account/disable');
    const off = await as.ann!.get<Me>('/api/me/metadata', { 'If-None-Match': etag });
    expect(off.status).toBe(200);
    expect(off.body.actions.map((a) => a.key)).toEqual(['call_deal']);

    await admin.put('/api/meta/draft/views/won', { key: 'won', type: 'list', entity: 'deal', label: l('赢单', 'Won'), columns: [{ field: 'title' }] });
    expect((await admin.post('/api/meta/publish')).status).toBe(200);
    const after = await as.ann!.get<Me>('/api/me/metadata', { 'If-None-Match': off.headers.get('etag')! });
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(first.body.version + 1);
    expect(after.body.views.map((v) => v.key)).toContain('won');
  });

  it('answers what the served OpenAPI document says', async () => {
    const doc = (await admin.get<OpenApiDocument>('/api/openapi.json')).body;
    expect(doc.paths['/api/me/metadata']).toBeDefined();
    const me = await as.ann!.get('/api/me/metadata');
    expect(new ComponentValidator(doc).errors('UserMetadata', me.body)).toBeNull();
  });

  it('needs a signed-in user', async () => {
    expect((await apiClient(platform.url).get('/api/me/metadata')).status).toBe(401);
  });
});
