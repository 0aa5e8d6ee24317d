import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MetacrmPlugin } from '../../server/src/plugins/plugin.js';
import { parseCsv } from '../../server/src/records/import/csv-parse.js';
import { country } from '../fixtures/field-types/country.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

/**
 * A field type defined in one fixture module and registered as a plugin registers it
 * works like a built-in one end to end: publish, create, filter, sort, import, export,
 * OpenAPI. Nothing in the core names it.
 */
const countryPlugin: MetacrmPlugin = { name: 'country', load: (api) => void api.fieldTypes.register(country.type, country) };

const env = testEnv(import.meta.url);
const label = (en: string, zh: string) => ({ 'zh-CN': zh, en });
const SUPPLIER = {
  key: 'supplier',
  label: label('Supplier', '供应商'),
  displayField: 'name',
  fields: [
    { key: 'name', type: 'text', label: label('Name', '名称'), required: true },
    { key: 'country', type: 'country', label: label('Country', '国家'), required: true },
    { key: 'ships_to', type: 'country', label: label('Ships to', '发货至'), allowed: ['CN', 'DE', 'JP'] },
  ],
};

type Rec = { id: string; name: string; country: string; ships_to: string | null };
type Problems = { error: { code: string; details: { problems: { pointer: string; code: string }[] } } };
let platform: TestPlatform;
let api: ApiClient;
let db: Db;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: env.mongoUrl,
    redisUrl: env.redisUrl,
    database: env.dbName,
    queuePrefix: env.prefix,
    plugins: [countryPlugin],
  });
  api = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

const list = async (query: string) => (await api.get<{ records: Rec[] }>(`/api/records/supplier?${query}`)).body.records.map((r) => r.name);
const filter = (f: unknown) => `filter=${encodeURIComponent(JSON.stringify(f))}`;

describe('a field type from a plugin module', () => {
  it('publishes, with its own settings checked', async () => {
    const bad = await api.put<Problems>('/api/meta/draft/entities/supplier', {
      ...SUPPLIER,
      fields: [...SUPPLIER.fields.slice(0, 2), { ...SUPPLIER.fields[2], allowed: ['china'] }],
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.problems).toContainEqual(
      expect.objectContaining({ pointer: '/fields/ships_to/allowed/0', code: 'BAD_FORMAT' }),
    );
    expect((await api.put('/api/meta/draft/entities/supplier', SUPPLIER)).status).toBe(200);
    expect((await api.post('/api/meta/publish')).status).toBe(200);
  });

  it('creates records through its value schema, normalization and checks', async () => {
    for (const [name, code, ships] of [
      ['Acme', 'cn', 'DE'],
      ['Bosch', ' DE ', null],
      ['Sony', 'JP', 'JP'],
      ['Zara', 'ES', null],
    ] as const) {
      const res = await api.post<Rec>('/api/records/supplier', { name, country: code, ships_to: ships });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.country).toBe(code.trim().toUpperCase());
    }
    expect(await db.collection('rec_supplier').findOne({ name: 'Acme' })).toMatchObject({ country: 'CN', ships_to: 'DE' });
    const res = await api.post<Problems>('/api/records/supplier', { name: 'Nowhere', country: 'XX', ships_to: 'FR' });
    expect(res.status).toBe(422);
    expect(res.body.error.details.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ pointer: '/country', code: 'NOT_ALLOWED_VALUE' }),
        expect.objectContaining({ pointer: '/ships_to', code: 'NOT_ALLOWED_VALUE' }),
      ]),
    );
  });

  it('filters with its operators and sorts', async () => {
    expect(await list(`${filter({ field: 'country', op: 'eq', value: 'DE' })}`)).toEqual(['Bosch']);
    expect(await list(`${filter({ field: 'country', op: 'in', value: ['CN', 'JP'] })}&sort=name`)).toEqual(['Acme', 'Sony']);
    expect(await list('sort=country')).toEqual(['Acme', 'Bosch', 'Zara', 'Sony']);
    expect(await list('sort=-country')).toEqual(['Sony', 'Zara', 'Bosch', 'Acme']);
    const refused = await api.get<{ error: { code: string } }>(
      `/api/records/supplier?${filter({ field: 'country', op: 'contains', value: 'C' })}`,
    );
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('FILTER_OPERATOR_NOT_ALLOWED');
  });

  it('imports codes and names in either language, refusing what is no country', async () => {
    const csv = '\uFEFFname,country\r\nLeica,Germany\r\nNintendo,日本\r\nMaersk,dk\r\nAtlantis,Atlantis\r\n';
    const start = await api.post<{ id: string }>('/api/records/supplier/import', {
      file: { name: 'suppliers.csv', contentBase64: Buffer.from(csv).toString('base64') },
      format: 'csv',
      mapping: { name: 'name', country: 'country' },
      dryRun: false,
    });
    expect(start.status, JSON.stringify(start.body)).toBe(202);
    type Job = { status: string; created: number; errors: { row: number; field: string; code: string }[] };
    const done = await waitFor(
      'the import to finish',
      async () => {
        const { body } = await api.get<Job>(`/api/records/supplier/imports/${start.body.id}`);
        return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
    expect(done).toMatchObject({ status: 'completed', created: 3 });
    expect(done.errors).toEqual([expect.objectContaining({ row: 5, field: 'country', code: 'NOT_ALLOWED_VALUE' })]);
    expect(await list(`${filter({ field: 'name', op: 'in', value: ['Leica', 'Nintendo', 'Maersk'] })}&sort=country`)).toEqual([
      'Leica',
      'Maersk',
      'Nintendo',
    ]);
  });

  it('exports country names in the chosen language', async () => {
    const download = async (lang: string) => {
      const res = await fetch(`${platform.url}/api/records/supplier/export?format=csv&lang=${lang}&fields=name,country&sort=name`, {
        headers: api.authHeaders(),
      });
      expect(res.status).toBe(200);
      return [...parseCsv((await res.text()).replace(/^\uFEFF/, ''))].map((r) => r.fields).slice(1, 4);
    };
    expect(await download('en')).toEqual([
      ['Acme', 'China'],
      ['Bosch', 'Germany'],
      ['Leica', 'Germany'],
    ]);
    expect(await download('zh-CN')).toEqual([
      ['Acme', '中国'],
      ['Bosch', '德国'],
      ['Leica', '德国'],
    ]);
  });

  it('is described in the OpenAPI document', async () => {
    const doc = await api.get<{
      components: { schemas: Record<string, { properties: Record<string, Record<string, unknown>>; required?: string[] }> };
    }>('/api/openapi.json');
    const { Supplier, SupplierInput } = doc.body.components.schemas;
    expect(Supplier!.properties.country).toMatchObject({
      type: ['string', 'null'],
      pattern: '^[A-Z]{2}$',
      'x-field-type': 'country',
      'x-country-code': 'ISO 3166-1 alpha-2',
    });
    expect(SupplierInput!.properties.country).toMatchObject({ type: 'string', pattern: '^[A-Z]{2}$', 'x-field-type': 'country' });
    expect(SupplierInput!.properties.ships_to).toMatchObject({ enum: ['CN', 'DE', 'JP', null] });
    expect(SupplierInput!.required).toEqual(['name', 'country']);
  });
});
