import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity } from '@metacrm/metadata';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string };
const money = (key: string) => ({ key, type: 'currency', label: l(key, key), currencyCode: 'CNY', scale: 2 });
const status = (...keys: string[]) => ({
  key: 'status',
  type: 'single_select',
  label: l('状态', 'Status'),
  default: keys[0],
  options: keys.map((k) => ({ key: k, label: l(k, k) })),
});
const outstanding = {
  key: 'outstanding',
  type: 'formula',
  label: l('未收', 'Outstanding'),
  resultType: 'currency',
  scale: 2,
  expression: { '-': [{ var: 'amount' }, { var: 'received' }] },
};
const confirmed = { field: 'status', op: 'eq', value: 'confirmed' };

/** A contract, its instalments and the receipts against both: roll-ups that filter, formulas over them, a roll-up of a formula. */
const entities = [
  {
    key: 'contract',
    label: l('合同', 'Contract'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('名称', 'Name') },
      money('amount'),
      {
        key: 'received',
        type: 'rollup',
        label: l('已收', 'Received'),
        entity: 'receipt',
        via: 'contract',
        function: 'sum',
        field: 'amount',
        filter: confirmed,
      },
      outstanding,
      {
        key: 'overdue',
        type: 'rollup',
        label: l('逾期', 'Overdue'),
        entity: 'plan',
        via: 'contract',
        function: 'sum',
        field: 'outstanding',
        filter: { field: 'status', op: 'eq', value: 'overdue' },
      },
    ],
  },
  {
    key: 'plan',
    label: l('计划', 'Plan'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('名称', 'Name') },
      { key: 'contract', type: 'lookup', label: l('合同', 'Contract'), target: 'contract' },
      money('amount'),
      {
        key: 'received',
        type: 'rollup',
        label: l('已收', 'Received'),
        entity: 'receipt',
        via: 'plan',
        function: 'sum',
        field: 'amount',
        filter: confirmed,
      },
      outstanding,
      status('planned', 'overdue'),
    ],
  },
  {
    key: 'receipt',
    label: l('回款', 'Receipt'),
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label: l('名称', 'Name') },
      { key: 'contract', type: 'lookup', label: l('合同', 'Contract'), target: 'contract' },
      { key: 'plan', type: 'lookup', label: l('计划', 'Plan'), target: 'plan' },
      money('amount'),
      status('pending', 'confirmed'),
    ],
  },
] as Entity[];

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  for (const entity of entities) expect((await api.put(`/api/meta/draft/entities/${entity.key}`, entity)).status).toBeLessThan(300);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const get = async (entity: string, id: string) => (await api.get<Rec>(`/api/records/${entity}/${id}`)).body;
const create = async (entity: string, data: Record<string, unknown>) => {
  const res = await api.post<Rec>(`/api/records/${entity}`, data);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};

describe('roll-ups', () => {
  it('count only the children their filter matches, recompute the formulas that read them, and carry the change to the roll-ups above', async () => {
    const contract = await create('contract', { name: 'C', amount: '1000.00' });
    const plan = await create('plan', { name: 'P1', contract: contract.id, amount: '600.00', status: 'overdue' });
    await create('plan', { name: 'P2', contract: contract.id, amount: '400.00' });
    expect(await get('contract', contract.id)).toMatchObject({ received: '0.00', outstanding: '1000.00', overdue: '600.00' });

    const receipt = await create('receipt', { name: 'R1', contract: contract.id, plan: plan.id, amount: '250.00', status: 'pending' });
    expect(await get('plan', plan.id)).toMatchObject({ received: '0.00', outstanding: '600.00' });
    expect(await get('contract', contract.id)).toMatchObject({ received: '0.00', outstanding: '1000.00' });

    expect((await api.patch(`/api/records/receipt/${receipt.id}`, { status: 'confirmed' })).status).toBe(200);
    expect(await get('plan', plan.id)).toMatchObject({ received: '250.00', outstanding: '350.00' });
    expect(await get('contract', contract.id)).toMatchObject({ received: '250.00', outstanding: '750.00', overdue: '350.00' });

    expect((await api.delete(`/api/records/receipt/${receipt.id}`)).status).toBe(204);
    expect(await get('contract', contract.id)).toMatchObject({ received: '0.00', outstanding: '1000.00', overdue: '600.00' });
  });
});
