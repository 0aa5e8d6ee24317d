import type { Workflow } from '@metacrm/metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkflowAction } from '../../server/src/automation/action-contract.js';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

// What the workflow designer asks of the server beyond the metadata API: the palette of
// step and trigger types (GET /api/meta/workflow-palette), and a dry run of the draft.

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;

type Entry = {
  type: string;
  label: { 'zh-CN': string; en: string };
  group: string;
  icon: string;
  configSchema: Record<string, unknown>;
  external?: boolean;
  sideEffect?: boolean;
  control?: string | null;
  placeable?: boolean;
};
type Palette = { steps: Entry[]; triggers: Entry[] };

/** A plugin's step, with its own presentation, and one without any. */
const stampAction: WorkflowAction = {
  type: 'stamp',
  sideEffect: false,
  external: false,
  configSchema: { type: 'object', properties: { text: { type: 'string' } } },
  presentation: { label: { 'zh-CN': '盖章', en: 'Stamp' }, group: 'office', icon: 'stamp' },
  run: async (config) => ({ output: { stamped: config.text } }),
};
const bareAction: WorkflowAction = {
  type: 'bare',
  sideEffect: true,
  external: true,
  configSchema: { type: 'object' },
  run: async () => ({}),
};
const plugin: MetacrmPlugin = {
  name: 'stamp',
  load: (pluginApi) => void pluginApi.actions.register('stamp', stampAction).register('bare', bareAction),
};

const bigDeal = {
  key: 'big_deal',
  label: { 'zh-CN': '大单', en: 'Big deal' },
  entity: 'opportunity',
  trigger: { type: 'record_created' },
  start: 'check',
  steps: [
    {
      id: 'check',
      type: 'set_variables',
      config: { values: { big: { '>': [{ var: 'record.amount' }, 100000] } } },
      branches: [{ when: { var: 'vars.big' }, next: 'stamp' }],
    },
    { id: 'stamp', type: 'stamp', config: { text: 'big' } },
  ],
} as unknown as Workflow;

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    plugins: [plugin],
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'forms', 'views', 'rules', 'roles'] as const) {
    for (const item of bundle[kind]) expect((await api.put(`/api/meta/draft/${kind}/${item.key}`, item)).status).toBe(200);
  }
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('GET /api/meta/workflow-palette', () => {
  it('lists every step type with its settings schema, names in both languages and what it touches', async () => {
    const res = await api.get<Palette>('/api/meta/workflow-palette');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const step = (type: string) => res.body.steps.find((s) => s.type === type)!;
    expect(step('send_email')).toMatchObject({
      label: { 'zh-CN': '发送邮件', en: 'Send email' },
      group: 'outside',
      icon: 'mail',
      external: true,
      sideEffect: true,
      control: null,
      placeable: true,
    });
    expect(step('send_email').configSchema).toMatchObject({ required: ['to', 'subject'] });
    expect(step('update_record')).toMatchObject({ group: 'records', external: false, sideEffect: true });
    expect(step('parallel')).toMatchObject({ control: 'parallel', placeable: true });
    // A join comes with its parallel; the palette does not offer it alone.
    expect(step('join')).toMatchObject({ control: 'join', placeable: false });
    expect(step('approval').group).toBe('people');
  });

  it("shows a plugin's steps: with its own presentation, or its key when it gives none", async () => {
    const res = await api.get<Palette>('/api/meta/workflow-palette');
    expect(res.body.steps.find((s) => s.type === 'stamp')).toMatchObject({
      label: { en: 'Stamp' },
      group: 'office',
      icon: 'stamp',
      configSchema: stampAction.configSchema,
    });
    expect(res.body.steps.find((s) => s.type === 'bare')).toMatchObject({
      label: { 'zh-CN': 'bare', en: 'bare' },
      group: 'other',
      icon: 'step',
      external: true,
    });
  });

  it('lists the triggers with their settings', async () => {
    const res = await api.get<Palette>('/api/meta/workflow-palette');
    const types = res.body.triggers.map((t) => t.type);
    expect(types).toEqual(
      expect.arrayContaining(['record_created', 'record_updated', 'record_deleted', 'manual', 'webhook', 'schedule', 'date_field']),
    );
    expect(res.body.triggers.find((t) => t.type === 'record_updated')).toMatchObject({
      label: { en: 'When a record is updated' },
      configSchema: { properties: { fields: { type: 'array' } } },
    });
  });

  it('is for metadata administrators only', async () => {
    const anonymous = apiClient(platform.url);
    expect((await anonymous.get('/api/meta/workflow-palette')).status).toBe(401);
  });
});

describe('POST /api/workflows/{key}/dry-run?draft=true', () => {
  it('runs the draft workflow before it is published; without draft=true it is not found', async () => {
    expect((await api.put('/api/meta/draft/workflows/big_deal', bigDeal)).status).toBe(200);
    const published = await api.post('/api/workflows/big_deal/dry-run', { record: { title: 'A', amount: '200000.00' } });
    expect(published.status).toBe(404);
    const dry = await api.post<{ status: string; steps: { step: string; output: unknown }[] }>(
      '/api/workflows/big_deal/dry-run?draft=true',
      { record: { title: 'A', amount: '200000.00' } },
    );
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    expect(dry.body.status).toBe('completed');
    expect(dry.body.steps.map((s) => s.step)).toEqual(['check', 'stamp']);
    const small = await api.post<{ steps: { step: string }[] }>('/api/workflows/big_deal/dry-run?draft=true', {
      record: { title: 'B', amount: '10.00' },
    });
    expect(small.body.steps.map((s) => s.step)).toEqual(['check']);
  });

  it('follows each draft save', async () => {
    const changed = { ...bigDeal, steps: [{ ...bigDeal.steps[0]!, branches: [] }, bigDeal.steps[1]!], start: 'check' } as Workflow;
    changed.steps[0]!.next = 'stamp';
    expect((await api.put('/api/meta/draft/workflows/big_deal', changed)).status).toBe(200);
    const dry = await api.post<{ steps: { step: string }[] }>('/api/workflows/big_deal/dry-run?draft=true', {
      record: { title: 'B', amount: '10.00' },
    });
    expect(dry.body.steps.map((s) => s.step)).toEqual(['check', 'stamp']);
  });
});
