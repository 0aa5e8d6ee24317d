import type { Db } from 'mongodb';
import type { Problem } from '@metacrm/metadata';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmPackage } from '../../metadata/apps/crm/index.js';
import type { ApiSeedLoad } from '../../server/src/records/seed/seed-load.js';
import type { ApplyReport } from '../../server/src/records/seed/seed.service.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The acceptance flow of issue #16 through the API and the CRM's own workflows: lead →
 * conversion → opportunity through its stages → a quote needing the manager's approval →
 * approved → won → order and contract → payment plan → receipt → nothing outstanding.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let manager: ApiClient;
let rep: ApiClient;
let db: Db;
type Rec = Record<string, unknown> & { id: string };
type Run = {
  workflow: string;
  status: string;
  failure?: unknown;
  scope: { record?: { id?: string }; steps?: Record<string, unknown> };
  log: { step: string; error?: { problems?: Problem[] } }[];
};
const SLOW = 180_000;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  const res = await api.post<ApplyReport>('/api/meta/import?apply=true', crmPackage());
  expect(res.status, JSON.stringify(res.body).slice(0, 1000)).toBe(202);
  await waitFor(
    'the seed load',
    async () => {
      const { body } = await api.get<ApiSeedLoad>(`/api/meta/seed-loads/${res.body.seedLoad!.id}`);
      return body.status === 'completed' ? body : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 100 },
  );
  // The submitter (here the admin) reports to a sales manager, who approves large discounts.
  const boss = await api.post<Rec>('/api/users', {
    email: 'manager@example.com',
    name: '王经理',
    password: 'manager password 1',
    roles: ['sales_manager'],
  });
  expect(boss.status, JSON.stringify(boss.body)).toBe(201);
  const me = await api.get<Rec & { _version: number }>(`/api/users/${platform.admin.id}`);
  expect((await api.patch(`/api/users/${platform.admin.id}`, { managerId: boss.body.id, _version: me.body._version })).status).toBe(200);
  await api.post<Rec>('/api/users', { email: 'rep@example.com', name: '李销售', password: 'rep password 123', roles: ['sales_rep'] });
  manager = apiClient(platform.url, { token: (await signIn(platform.url, 'manager@example.com', 'manager password 1')).token });
  rep = apiClient(platform.url, { token: (await signIn(platform.url, 'rep@example.com', 'rep password 123')).token });
}, SLOW);
afterAll(async () => {
  await platform?.stop();
});

const get = async (entity: string, id: string) => (await api.get<Rec>(`/api/records/${entity}/${id}`)).body;
const create = async (entity: string, data: Record<string, unknown>) => {
  const res = await api.post<Rec>(`/api/records/${entity}`, data);
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
};
const patch = async (entity: string, id: string, data: Record<string, unknown>) => {
  const res = await api.patch<Rec>(`/api/records/${entity}/${id}`, data);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const finishedRun = (workflow: string, recordId: string) =>
  waitFor(
    `${workflow} to finish`,
    async () => {
      const run = await db.collection<Run>('workflow_runs').findOne({ workflow, 'scope.record.id': recordId }, { sort: { _id: -1 } });
      return run && ['completed', 'failed'].includes(run.status) ? run : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 100 },
  );

describe('the standard CRM end to end', () => {
  it(
    'takes a lead to a paid contract',
    async () => {
      const lead = await create('lead', {
        name: '张伟',
        company: '杭州云帆科技有限公司',
        phone: '13800138000',
        email: 'zhangwei@yunfan.example',
        source: 'website',
        industry: 'it',
      });
      // Inbound: assigned round-robin to the only sales rep.
      expect((await finishedRun('lead_round_robin', lead.id)).status).toBe('completed');

      const started = await api.post<{ runs: string[] }>('/api/workflows/convert_lead/trigger', { records: [lead.id] });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const conversion = await finishedRun('convert_lead', lead.id);
      expect(conversion.status, JSON.stringify(conversion.failure)).toBe('completed');
      // The duplicate check ran first: no customer of that name; its phone and email only warn, on the lead itself.
      expect(conversion.scope.steps?.check).toMatchObject({
        blocking: 0,
        matches: [
          { field: 'phone', entity: 'lead', record: { id: lead.id } },
          { field: 'email', entity: 'lead', record: { id: lead.id } },
        ],
      });
      const converted = await get('lead', lead.id);
      expect(converted).toMatchObject({ status: 'converted' });
      const customer = await get('customer', String(converted.converted_customer));
      expect(customer).toMatchObject({ name: '杭州云帆科技有限公司', phone: '13800138000', industry: 'it' });
      expect(await get('contact', String(converted.converted_contact))).toMatchObject({ name: '张伟', customer: customer.id });
      const dealId = String(converted.converted_opportunity);
      expect(await get('opportunity', dealId)).toMatchObject({ customer: customer.id, stage: 'qualification', probability: '10' });

      await patch('opportunity', dealId, { stage: 'needs_analysis' });
      await patch('opportunity', dealId, { stage: 'proposal', amount: '120000.00', expected_close_date: '2027-03-31' });

      const product = (
        await api.get<{ records: Rec[] }>(
          `/api/records/product?filter=${encodeURIComponent(JSON.stringify({ field: 'code', op: 'eq', value: 'CRM-ENT' }))}`,
        )
      ).body.records[0]!;
      const quote = await create('quote', { name: '云帆 CRM 报价', customer: customer.id, opportunity: dealId, discount_percent: '25' });
      await create('quote_line', { quote: quote.id, product: product.id, quantity: '25', unit_price: '4800.00' });
      expect(await get('quote', quote.id)).toMatchObject({ subtotal: '120000.00', total: '90000.00' });
      await patch('quote', quote.id, { status: 'submitted' });

      const approval = await waitFor(
        "the manager's approval",
        async () => (await manager.get<{ approvals: { id: string }[] }>('/api/approvals')).body.approvals[0],
      );
      expect((await get('quote', quote.id)).status).toBe('pending_approval');
      expect((await manager.post(`/api/approvals/${approval.id}/approve`, { comment: '同意 / OK' })).status).toBe(200);
      expect((await finishedRun('quote_discount_approval', quote.id)).status).toBe('completed');
      expect((await get('quote', quote.id)).status).toBe('approved');

      await patch('opportunity', dealId, { stage: 'negotiation', amount: '90000.00' });
      await patch('opportunity', dealId, { stage: 'won', won_reason: 'product', closed_on: '2026-12-07' });
      const won = await finishedRun('opportunity_won', dealId);
      expect(won.status, JSON.stringify(won.failure)).toBe('completed');
      const orders = (
        await api.get<{ records: Rec[] }>(
          `/api/records/sales_order?filter=${encodeURIComponent(JSON.stringify({ field: 'opportunity', op: 'eq', value: dealId }))}`,
        )
      ).body.records;
      expect(orders).toEqual([expect.objectContaining({ customer: customer.id, amount: '90000.00', status: 'confirmed' })]);
      const contracts = (
        await api.get<{ records: Rec[] }>(
          `/api/records/contract?filter=${encodeURIComponent(JSON.stringify({ field: 'opportunity', op: 'eq', value: dealId }))}`,
        )
      ).body.records;
      expect(contracts).toEqual([
        expect.objectContaining({ customer: customer.id, order: orders[0]!.id, amount: '90000.00', outstanding: '90000.00' }),
      ]);
      const contract = contracts[0]!;
      const titles = (await api.get<{ notifications: { title: Record<string, string> }[] }>('/api/notifications')).body.notifications.map(
        (n) => n.title,
      );
      expect(titles).toContainEqual({ 'zh-CN': '赢单：杭州云帆科技有限公司 - 张伟', en: 'Won: 杭州云帆科技有限公司 - 张伟' });

      const first = await create('payment_plan', {
        name: '首付款 / Deposit',
        contract: contract.id,
        installment: 1,
        due_date: '2026-12-31',
        amount: '54000.00',
      });
      const second = await create('payment_plan', {
        name: '尾款 / Balance',
        contract: contract.id,
        installment: 2,
        due_date: '2027-06-30',
        amount: '36000.00',
      });
      expect(await get('contract', contract.id)).toMatchObject({
        planned_amount: '90000.00',
        received_amount: '0.00',
        outstanding: '90000.00',
      });
      const receipt = await create('receipt', {
        contract: contract.id,
        payment_plan: first.id,
        customer: customer.id,
        amount: '54000.00',
        received_on: '2026-12-20',
      });
      expect(await get('contract', contract.id)).toMatchObject({ received_amount: '54000.00', outstanding: '36000.00' });
      expect((await finishedRun('payment_settled', receipt.id)).status).toBe('completed');
      expect(await get('payment_plan', first.id)).toMatchObject({ received_amount: '54000.00', outstanding: '0.00', status: 'paid' });
      await create('receipt', { contract: contract.id, payment_plan: second.id, amount: '36000.00', received_on: '2027-06-28' });
      expect(await get('contract', contract.id)).toMatchObject({
        received_amount: '90000.00',
        outstanding: '0.00',
        overdue_amount: '0.00',
      });
    },
    SLOW,
  );

  it(
    'checks for duplicates on entry and before converting, telling whose the match is',
    async () => {
      // 李销售's own customer; another rep (who may not read it) enters a lead of the same company.
      const theirs = await rep.post<Rec>('/api/records/customer', { name: '上海明远贸易有限公司', phone: '021-61234567' });
      expect(theirs.status, JSON.stringify(theirs.body)).toBe(201);
      await api.post<Rec>('/api/users', { email: 'rep2@example.com', name: '赵销售', password: 'rep2 password 123', roles: ['sales_rep'] });
      const other = apiClient(platform.url, { token: (await signIn(platform.url, 'rep2@example.com', 'rep2 password 123')).token });
      const lead = await other.post<Rec & { _duplicates?: Problem[] }>(
        '/api/records/lead',
        { name: '陈静', company: '上海明远贸易有限公司', phone: '021-61234567', source: 'cold_call' },
        { 'Accept-Language': 'zh-CN' },
      );
      expect(lead.status, JSON.stringify(lead.body)).toBe(201);
      expect(lead.body._duplicates!.map((p) => `${p.pointer} ${p.message}`)).toEqual([
        '/company 与李销售负责的客户公司重复',
        '/phone 与李销售负责的客户电话重复',
      ]);
      expect(JSON.stringify(lead.body._duplicates)).not.toContain(theirs.body.id);
      // A second customer of that name is refused outright, on the API as on a bulk load.
      const again = await other.post<{ error: { details: { problems: Problem[] } } }>('/api/records/customer', {
        name: ' 上海明远贸易有限公司 ',
      });
      expect(again.status).toBe(422);
      expect(again.body.error.details.problems).toEqual([
        expect.objectContaining({ pointer: '/name', code: 'DUPLICATE_RECORD', params: expect.objectContaining({ ownerName: '李销售' }) }),
      ]);

      // Converting the lead stops at the check: nothing is created, the lead stays as it was.
      expect((await api.post('/api/workflows/convert_lead/trigger', { records: [lead.body.id] })).status).toBe(202);
      const run = await finishedRun('convert_lead', lead.body.id);
      expect(run).toMatchObject({ status: 'failed', failure: { step: 'check', code: 'RECORD_INVALID' } });
      expect(run.log.at(-1)!.error!.problems).toEqual([
        expect.objectContaining({ code: 'DUPLICATE_RECORD', message: 'A customer owned by 李销售 has the same name' }),
      ]);
      expect(await get('lead', lead.body.id)).toMatchObject({ status: 'new', converted_customer: null });
      const named = await api.get<{ records: Rec[] }>(
        `/api/records/customer?filter=${encodeURIComponent(JSON.stringify({ field: 'name', op: 'eq', value: '上海明远贸易有限公司' }))}`,
      );
      expect(named.body.records).toHaveLength(1);
    },
    SLOW,
  );
});
