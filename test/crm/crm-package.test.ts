import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from 'mongodb';
import { crmPackage } from '../../metadata/apps/crm/index.js';
import { DemoData } from '../../bench/demo/demo-data.js';
import { loadDemo } from '../../bench/demo/load-demo.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import type { ApiSeedLoad } from '../../server/src/records/seed/seed-load.js';
import type { ApplyReport } from '../../server/src/records/seed/seed.service.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
type Rec = Record<string, unknown> & { id: string };
/** Seed loads write a record at a time through the whole pipeline; the embedded server is slow. */
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
}, SLOW);
afterAll(async () => {
  await platform?.stop();
});

describe('the standard CRM package', () => {
  it(
    'publishes cleanly into an empty database and loads its seed records through the record pipeline',
    async () => {
      const pkg = crmPackage();
      const res = await api.post<ApplyReport>('/api/meta/import?apply=true', pkg);
      expect(res.status, JSON.stringify(res.body).slice(0, 2000)).toBe(202);
      expect(res.body.summary).toMatchObject({ conflict: 0, identical: 0 });
      expect(res.body.publish).toMatchObject({ version: 1, applied: true });
      const load = await waitFor(
        'the seed load',
        async () => {
          const { body } = await api.get<ApiSeedLoad>(`/api/meta/seed-loads/${res.body.seedLoad!.id}`);
          return body.status === 'completed' || body.status === 'failed' ? body : undefined;
        },
        { timeoutMs: SLOW, intervalMs: 100 },
      );
      expect(load.errors).toEqual([]);
      expect(load).toMatchObject({ status: 'completed', errorCount: 0 });

      const meta = (
        await api.get<{
          version: number;
          bundle: {
            entities: { key: string; label: Record<string, string> }[];
            roles: { key: string }[];
            navigation: { key: string }[];
            dashboards: { key: string }[];
          };
        }>('/api/meta')
      ).body;
      expect(meta.bundle.navigation.map((n) => n.key)).toEqual(['crm']);
      expect(meta.bundle.dashboards.map((d) => d.key)).toEqual(['marketing', 'my_todo', 'sales_overview', 'service']);
      const entities = meta.bundle.entities.map((e) => e.key);
      for (const key of [
        'customer',
        'contact',
        'activity',
        'lead',
        'opportunity',
        'product',
        'price_book',
        'quote',
        'quote_line',
        'sales_order',
        'contract',
        'payment_plan',
        'receipt',
        'invoice',
        'campaign',
        'campaign_member',
        'segment',
        'ticket',
        'knowledge_article',
      ]) {
        expect(entities).toContain(key);
      }
      for (const entity of meta.bundle.entities) expect(Object.keys(entity.label).sort()).toEqual(['en', 'zh-CN']);
      expect(meta.bundle.roles.map((r) => r.key).sort()).toEqual([
        'crm_admin',
        'executive',
        'finance',
        'marketing',
        'sales_manager',
        'sales_rep',
        'service_agent',
      ]);

      const products = (await api.get<{ records: Rec[] }>('/api/records/product?limit=50')).body.records;
      expect(products).toHaveLength(8);
      const entries = (await api.get<{ records: Rec[] }>('/api/records/price_book_entry?limit=50&expand=product')).body.records;
      expect(entries).toHaveLength(8);
      expect(new Set(entries.map((e) => e.product))).toEqual(new Set(products.map((p) => p.id)));

      // A sales rep sees the navigation and their own to-do, not the managers' dashboards.
      await api.post('/api/users', { email: 'rep@example.com', name: 'Rep', password: 'rep password 123', roles: ['sales_rep'] });
      const rep = apiClient(platform.url, { token: (await signIn(platform.url, 'rep@example.com', 'rep password 123')).token });
      const mine = (
        await rep.get<{ navigation: { key: string; groups: { key: string }[] } | null; dashboards: { key: string }[] }>('/api/me/metadata')
      ).body;
      expect(mine.navigation?.groups.map((g) => g.key)).toEqual(expect.arrayContaining(['today', 'customers', 'sales']));
      expect(mine.dashboards.map((d) => d.key)).toContain('my_todo');
      expect(mine.dashboards.map((d) => d.key)).not.toContain('sales_overview');
    },
    SLOW,
  );

  it(
    "computes the package's formulas and roll-ups on ordinary writes: win rate by stage, quote totals",
    async () => {
      const customer = (await api.post<Rec>('/api/records/customer', { name: '上海示例科技有限公司', level: 'a' })).body;
      const deal = await api.post<Rec>('/api/records/opportunity', {
        name: 'ERP 升级',
        customer: customer.id,
        amount: '100000.00',
        stage: 'proposal',
        expected_close_date: '2027-03-31',
      });
      expect(deal.status, JSON.stringify(deal.body)).toBe(201);
      expect(deal.body).toMatchObject({ probability: '50', weighted_amount: '50000.00' });
      // Opportunities follow their guided stages: no jump to won, and won needs its reason.
      const jump = await api.patch<{ error: { details: { problems: { pointer: string; code: string }[] } } }>(
        `/api/records/opportunity/${deal.body.id}`,
        { stage: 'won' },
      );
      expect(jump.body.error.details.problems.map((p) => `${p.pointer} ${p.code}`)).toEqual([
        '/stage STAGE_TRANSITION_NOT_ALLOWED',
        '/won_reason STAGE_FIELD_REQUIRED',
      ]);
      const product = (
        await api.get<{ records: Rec[] }>(
          '/api/records/product?filter=' + encodeURIComponent(JSON.stringify({ field: 'code', op: 'eq', value: 'CRM-PRO' })),
        )
      ).body.records[0]!;
      const quote = (
        await api.post<Rec>('/api/records/quote', {
          name: '报价 1',
          customer: customer.id,
          opportunity: deal.body.id,
          discount_percent: '10',
        })
      ).body;
      expect(
        (
          await api.post('/api/records/quote_line', {
            quote: quote.id,
            product: product.id,
            quantity: '10',
            unit_price: '2400.00',
            discount_percent: '5',
          })
        ).status,
      ).toBe(201);
      const line = await api.post<Rec>('/api/records/quote_line', {
        quote: quote.id,
        product: product.id,
        quantity: '2',
        unit_price: '1000.00',
      });
      expect(line.body).toMatchObject({ line_total: '2000.00' });
      const after = (await api.get<Rec>(`/api/records/quote/${quote.id}`)).body;
      expect(after).toMatchObject({ line_count: 2, subtotal: '24800.00', max_line_discount: '5.00', total: '22320.00' });
    },
    SLOW,
  );

  it(
    'takes a deterministic demo data set through the bulk path without a refusal',
    async () => {
      const anchor = new Date('2026-12-01T00:00:00Z');
      const sample = (seed: number) => {
        const data = new DemoData(seed, anchor);
        return [data.customer(data.company()), data.lead(), data.activity('c', 'p', true)];
      };
      expect(sample(7)).toEqual(sample(7));
      expect(sample(7)).not.toEqual(sample(8));
      const result = await loadDemo({
        db,
        snapshot: await new MetadataCache(db).current(),
        toolkit: metadataToolkit(createRegistries()),
        records: 100,
        seed: 16,
        anchor,
        batch: 50,
        inFlight: 2,
      });
      expect(result.firstErrors).toEqual([]);
      expect(result).toMatchObject({ created: 100, failed: 0 });
      const customers = (await api.get<{ records: Rec[] }>('/api/records/customer?limit=200&count=true')).body.records;
      expect(customers.some((c) => /有限公司$/.test(String(c.name)))).toBe(true);
    },
    SLOW,
  );
});
