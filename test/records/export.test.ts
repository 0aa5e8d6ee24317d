import ExcelJS from 'exceljs';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../server/src/records/import/csv-parse.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
type Err = { error: { code: string } };

const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });
const VIEW = {
  key: 'export_deals',
  type: 'list',
  entity: 'opportunity',
  label: l('导出', 'Export'),
  columns: [{ field: 'title' }, { field: 'account' }, { field: 'amount' }, { field: 'stage' }, { field: 'close_date' }],
  filter: { field: 'stage', op: 'ne', value: 'lost' },
  sort: [{ field: 'amount', direction: 'asc' }],
};
const BULK = 205; // more than one page of 200

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
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules', 'views'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.put(`/api/meta/draft/views/${VIEW.key}`, VIEW)).status).toBeLessThan(300);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  const account = (await api.post<{ id: string }>('/api/records/account', { name: 'Acme', code: 'A-1' })).body.id;
  const deals: Record<string, unknown>[] = [
    { title: '=1+1', account, amount: '-12.50', close_date: '2026-03-01' },
    { title: '+cmd', account, amount: '1.00' },
    { title: '-2+3', amount: '2.00', stage: 'won' },
    { title: '@SUM(A1)', amount: '3.00' },
    { title: '\tTabbed', amount: '4.00' },
    { title: 'Lost one', amount: '5.00', stage: 'lost' },
    ...Array.from({ length: BULK }, (_, i) => ({ title: `Bulk ${String(i).padStart(3, '0')}`, amount: `${100 + i}.00` })),
  ];
  for (let i = 0; i < deals.length; i += 8) {
    const res = await Promise.all(deals.slice(i, i + 8).map((d) => api.post('/api/records/opportunity', d)));
    expect(res.map((r) => r.status)).toEqual(res.map(() => 201));
  }
});
afterAll(async () => {
  await platform?.stop();
});

async function download(path: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(`${platform.url}${path}`, { headers: { ...api.authHeaders(), ...headers }, signal: AbortSignal.timeout(60_000) });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

async function sheetRows(body: Buffer): Promise<ExcelJS.CellValue[][]> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.load(body as unknown as ExcelJS.Buffer);
  const rows: ExcelJS.CellValue[][] = [];
  book.worksheets[0]!.eachRow((row) => rows.push((row.values as ExcelJS.CellValue[]).slice(1)));
  return rows;
}

const csvRows = (body: Buffer) => [...parseCsv(body.toString('utf8').replace(/^\uFEFF/, ''))].map((r) => r.fields);
const day = () => new Date().toISOString().slice(0, 10).replace(/-/g, '');

describe('exporting a view', () => {
  it('writes CSV with the view columns, filter and sort, zh-CN labels, display values, and neutralized formulas', async () => {
    const res = await download(`/api/records/opportunity/export?format=csv&view=${VIEW.key}&lang=zh-CN`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="opportunity-export_deals-${day()}.csv"`);
    expect([...res.body.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = csvRows(res.body);
    expect(rows[0]).toEqual(['标题', '客户', '金额', '阶段', '预计成交']);
    expect(rows).toHaveLength(1 + 5 + BULK);
    expect(rows.slice(1, 6)).toEqual([
      ["'=1+1", 'Acme', '-12.50', '新建', '2026-03-01'],
      ["'+cmd", 'Acme', '1.00', '新建', ''],
      ["'-2+3", '', '2.00', '赢单', ''],
      ["'@SUM(A1)", '', '3.00', '新建', ''],
      ["'\tTabbed", '', '4.00', '新建', ''],
    ]);
    expect(rows.at(-1)).toEqual([`Bulk ${BULK - 1}`, '', `${100 + BULK - 1}.00`, '新建', '']);
    expect(rows.some((r) => r[0] === 'Lost one')).toBe(false);
    expect(await db.collection('audit_log').findOne({ action: 'records.export', format: 'csv', view: VIEW.key })).toMatchObject({
      entity: 'opportunity',
      count: 5 + BULK,
      completed: true,
      actor: { id: platform.admin.id },
    });
  });

  it('writes XLSX with numbers as numbers, text neutralized cell by cell, labels from Accept-Language', async () => {
    const res = await download(`/api/records/opportunity/export?format=xlsx&view=${VIEW.key}&fields=title,amount,stage`, {
      'Accept-Language': 'en-US,en;q=0.9',
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="opportunity-export_deals-${day()}.xlsx"`);
    const rows = await sheetRows(res.body);
    expect(rows[0]).toEqual(['Title', 'Amount', 'Stage']);
    expect(rows).toHaveLength(1 + 5 + BULK);
    expect(rows.slice(1, 6)).toEqual([
      ["'=1+1", -12.5, 'New'],
      ["'+cmd", 1, 'New'],
      ["'-2+3", 2, 'Won'],
      ["'@SUM(A1)", 3, 'New'],
      ["'\tTabbed", 4, 'New'],
    ]);
    expect(rows[6]).toEqual(['Bulk 000', 100, 'New']);
    expect(await db.collection('audit_log').countDocuments({ action: 'records.export', format: 'xlsx', count: 5 + BULK })).toBe(1);
  });

  it('narrows the view with filter and q, and replaces its sort', async () => {
    const filter = encodeURIComponent(JSON.stringify({ field: 'amount', op: 'gte', value: '300' }));
    const rows = csvRows(
      (await download(`/api/records/opportunity/export?view=${VIEW.key}&filter=${filter}&sort=-amount&fields=title,amount&lang=en`)).body,
    );
    expect(rows[0]).toEqual(['Title', 'Amount']);
    expect(rows.slice(1).map((r) => r[1])).toEqual(['304.00', '303.00', '302.00', '301.00', '300.00']);
    const searched = csvRows(
      (await download(`/api/records/opportunity/export?view=${VIEW.key}&q=${encodeURIComponent('Bulk 204')}&lang=en`)).body,
    );
    expect(searched.slice(1).map((r) => r[0])).toEqual(['Bulk 204']);
  });

  it('exports every field when no view is named', async () => {
    const res = await download('/api/records/opportunity/export?format=xlsx&lang=zh-CN');
    const rows = await sheetRows(res.body);
    expect(rows[0]).toEqual(['标题', '客户', '金额', '赢率', '预期', '阶段', '预计成交']);
    expect(rows).toHaveLength(1 + 6 + BULK);
  });

  it.each([
    ['/api/records/opportunity/export?view=nope', 404, 'EXPORT_VIEW_NOT_FOUND'],
    ['/api/records/opportunity/export?view=pipeline', 200, ''],
    [`/api/records/opportunity/export?view=${VIEW.key}&fields=probability`, 400, 'BAD_REQUEST'],
    ['/api/records/opportunity/export?format=pdf', 400, 'BAD_REQUEST'],
    ['/api/records/opportunity/export?lang=fr', 400, 'BAD_REQUEST'],
    ['/api/records/opportunity/export?filter=%7B', 400, 'BAD_REQUEST'],
    ['/api/records/opportunity/export?sort=nothing', 400, 'SORT_FIELD_UNKNOWN'],
    ['/api/records/nothing/export', 404, 'ENTITY_NOT_FOUND'],
  ])('GET %s answers %i %s', async (path, status, code) => {
    const res = await download(path);
    expect(res.status).toBe(status);
    if (code) expect((JSON.parse(res.body.toString()) as Err).error.code).toBe(code);
  });
});
