import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Dashboard, Form, Navigation, View, Workflow } from '@metacrm/metadata';
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
  layout: {
    tabs: [
      {
        key: 'main',
        label: l('主要', 'Main'),
        sections: [{ key: 's', fields: [{ field: 'title' }, { field: 'note' }, { field: 'phone' }] }],
      },
    ],
  },
};
const views: View[] = [
  {
    key: 'all_deals',
    type: 'list',
    entity: 'deal',
    label: l('全部', 'All'),
    columns: [{ field: 'title' }, { field: 'note' }, { field: 'amount' }],
  },
  {
    key: 'by_note',
    type: 'list',
    entity: 'deal',
    label: l('按备注', 'By note'),
    columns: [{ field: 'title' }],
    filter: { field: 'note', op: 'eq', value: 'x' },
  },
  { key: 'accounts', type: 'list', entity: 'account', label: l('客户', 'Accounts'), columns: [{ field: 'name' }] },
];
const workflows: Workflow[] = [
  {
    key: 'call_deal',
    label: l('致电', 'Call'),
    entity: 'deal',
    trigger: { type: 'manual', inputSchema: { type: 'object', properties: { when: { type: 'string' } } } },
    steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }],
  },
  {
    key: 'ping_account',
    label: l('客户', 'Ping'),
    entity: 'account',
    trigger: { type: 'manual' },
    steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }],
  },
  {
    key: 'on_create',
    label: l('新建', 'On create'),
    entity: 'deal',
    trigger: { type: 'record_created' },
    steps: [{ id: 'n', type: 'set_variables', config: { values: { x: 1 } } }],
  },
];

const dashboard: Dashboard = {
  key: 'deals',
  label: l('交易', 'Deals'),
  widgets: [
    {
      key: 'mine',
      type: 'kpi',
      title: l('我的', 'Mine'),
      layout: { x: 0, y: 0, w: 6, h: 2 },
      entity: 'deal',
      query: { filter: { field: '_ownerId', op: 'eq', value: '$user' }, measures: [{ fn: 'count' }] },
      view: 'by_note',
    },
    {
      key: 'amount',
      type: 'bar',
      title: l('金额', 'Amount'),
      layout: { x: 6, y: 0, w: 18, h: 4 },
      entity: 'deal',
      query: { groupBy: [{ field: 'region' }], measures: [{ fn: 'sum', field: 'amount' }] },
    },
    {
      key: 'notes',
      type: 'table',
      title: l('备注', 'Notes'),
      layout: { x: 0, y: 4, w: 24, h: 4 },
      entity: 'deal',
      query: { filter: { field: 'note', op: 'isNotEmpty' }, measures: [{ fn: 'count' }] },
    },
  ],
};
const navigation: Navigation = {
  key: 'main',
  label: l('主导航', 'Main'),
  default: true,
  groups: [
    {
      key: 'sales',
      label: l('销售', 'Sales'),
      items: [
        { key: 'deals', type: 'entity', entity: 'deal', view: 'all_deals', order: 2 },
        { key: 'board', type: 'dashboard', dashboard: 'deals', order: 1 },
      ],
    },
    { key: 'base', label: l('基础', 'Base'), items: [{ key: 'accounts', type: 'entity', entity: 'account' }] },
  ],
};

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const bundle = accessBundle();
  // A formula field: nobody writes it, whatever their role.
  bundle.entities[1]!.fields.push({
    key: 'code',
    type: 'formula',
    label: l('编码', 'Code'),
    resultType: 'text',
    expression: { var: 'title' },
  } as never);
  for (const entity of bundle.entities) await admin.put(`/api/meta/draft/entities/${entity.key}`, entity);
  for (const role of bundle.roles) await admin.put(`/api/meta/draft/roles/${role.key}`, role);
  await admin.put(`/api/meta/draft/forms/${form.key}`, form);
  for (const view of views) await admin.put(`/api/meta/draft/views/${view.key}`, view);
  for (const wf of workflows) expect((await admin.put(`/api/meta/draft/workflows/${wf.key}`, wf)).status).toBe(200);
  expect((await admin.put('/api/meta/draft/dashboards/deals', dashboard)).status).toBe(200);
  expect((await admin.put('/api/meta/draft/navigation/main', navigation)).status).toBe(200);
  const published = await admin.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
  for (const [user, roles] of [
    ['ann', ['rep']],
    ['carl', ['north']],
  ] as const) {
    expect(
      (await admin.post('/api/users', { email: `${user}@example.com`, name: user, password: `${user} password 123`, roles })).status,
    ).toBe(201);
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
  navigation: Navigation | null;
  dashboards: Dashboard[];
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
      ['code', false, false],
    ]);
    expect(deal.rights).toEqual({
      create: true,
      read: true,
      update: true,
      delete: false,
      export: false,
      changeOwner: false,
      shareAny: false,
    });
    expect(me.body.forms[0]!.layout.tabs[0]!.sections[0]!.fields.map((f) => f.field)).toEqual(['title', 'phone']);
    // A view filtering on a hidden field is left out whole, not loosened.
    expect(me.body.views.map((v) => v.key).sort()).toEqual(['accounts', 'all_deals']);
    expect(me.body.actions.map((a) => a.key)).toEqual(['call_deal', 'ping_account']);
    expect(me.body.actions[0]!.inputSchema).toEqual({ type: 'object', properties: { when: { type: 'string' } } });
  });

  it('tells an administrator they may change the owner of any record and share any', async () => {
    const me = await admin.get<Me>('/api/me/metadata');
    expect(me.body.entities.find((e) => e.key === 'deal')!.rights).toMatchObject({ changeOwner: true, shareAny: true });
  });

  it('leaves out entities, views and actions a role cannot read', async () => {
    const me = await as.carl!.get<Me>('/api/me/metadata');
    expect(me.body.entities.map((e) => e.key)).toEqual(['deal']);
    expect(me.body.entities[0]!.fields.map((f) => f.key)).not.toContain('amount');
    expect(me.body.entities[0]!.rights).toEqual({
      create: false,
      read: true,
      update: false,
      delete: false,
      export: true,
      changeOwner: false,
      shareAny: false,
    });
    expect(me.body.entities[0]!.fields.every((f) => !f.access.write)).toBe(true);
    expect(me.body.views.map((v) => v.key)).toEqual(['all_deals', 'by_note']);
    expect((me.body.views[0] as { columns: { field: string }[] }).columns.map((c) => c.field)).toEqual(['title', 'note']);
    expect(me.body.actions.map((a) => a.key)).toEqual(['call_deal']);
  });

  it('gives each role the navigation entries and dashboard widgets it can reach', async () => {
    const ann = (await as.ann!.get<Me>('/api/me/metadata')).body;
    expect(ann.navigation!.groups.map((g) => [g.key, g.items.map((i) => i.key)])).toEqual([
      ['sales', ['board', 'deals']],
      ['base', ['accounts']],
    ]);
    // A widget over a hidden field is left out; a click-through view the user lacks is dropped.
    expect(ann.dashboards.map((d) => d.widgets.map((w) => [w.key, w.view ?? null]))).toEqual([
      [
        ['mine', null],
        ['amount', null],
      ],
    ]);
    const carl = (await as.carl!.get<Me>('/api/me/metadata')).body;
    expect(carl.navigation!.groups.map((g) => [g.key, g.items.map((i) => i.key)])).toEqual([['sales', ['board', 'deals']]]);
    expect(carl.dashboards[0]!.widgets.map((w) => [w.key, w.view ?? null])).toEqual([
      ['mine', 'by_note'],
      ['notes', null],
    ]);
  });

  it('runs a widget through the aggregate API as the viewer, "$user" being them', async () => {
    await as.ann!.post('/api/records/deal', { title: 'ann 1', region: 'south' });
    await admin.post('/api/records/deal', { title: 'admin 1', region: 'north' });
    const widget = dashboard.widgets[0]!;
    const mine = await as.ann!.post<{ total: { values: number[] } }>(`/api/records/${widget.entity}/aggregate`, widget.query);
    expect([mine.status, mine.body.total.values]).toEqual([200, [1]]);
    const adminMine = await admin.post<{ total: { values: number[] } }>(`/api/records/${widget.entity}/aggregate`, widget.query);
    expect(adminMine.body.total.values).toEqual([1]);
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

    await admin.put('/api/meta/draft/views/won', {
      key: 'won',
      type: 'list',
      entity: 'deal',
      label: l('赢单', 'Won'),
      columns: [{ field: 'title' }],
    });
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

  it('exports navigation and dashboards in an app package, and imports them into a draft', async () => {
    const pkg = await admin.get<{ metadata: { navigation: Navigation[]; dashboards: Dashboard[] } }>('/api/meta/export');
    expect(pkg.body.metadata.navigation.map((n) => n.key)).toEqual(['main']);
    expect(pkg.body.metadata.dashboards.map((d) => d.key)).toEqual(['deals']);
    const renamed = { ...pkg.body, metadata: { ...pkg.body.metadata, dashboards: [{ ...dashboard, key: 'copy' }] } };
    const report = await admin.post<{ items: { kind: string; key: string; status: string }[] }>('/api/meta/import?dryRun=true', renamed);
    expect(report.status, JSON.stringify(report.body)).toBe(200);
    expect(report.body.items.filter((i) => i.kind === 'dashboards' || i.kind === 'navigation')).toEqual([
      expect.objectContaining({ kind: 'navigation', key: 'main', status: 'identical' }),
      expect.objectContaining({ kind: 'dashboards', key: 'copy', status: 'new' }),
    ]);
  });

  it('needs a signed-in user', async () => {
    expect((await apiClient(platform.url).get('/api/me/metadata')).status).toBe(401);
  });
});
