import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, signIn, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * POST /api/meta/spreadsheet/preview (issue #17, entity from a spreadsheet): an XLSX made
 * with the library the import reads it with, typed cells and text cells mixed, answered
 * with a proposed field type per column, lookups found among a published entity's records.
 */
const env = testEnv(import.meta.url);
let platform: TestPlatform;
let admin: ApiClient;
const l = (zh: string, en: string) => ({ 'zh-CN': zh, en });

async function workbook(rows: unknown[][]): Promise<string> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Deals');
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await book.xlsx.writeBuffer()).toString('base64');
}

beforeAll(async () => {
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  admin = apiClient(platform.url, { token: platform.adminToken });
  const account = {
    key: 'account',
    label: l('客户', 'Account'),
    displayField: 'name',
    fields: [{ key: 'name', type: 'text', label: l('名称', 'Name') }],
  };
  expect((await admin.put('/api/meta/draft/entities/account', account)).status).toBeLessThan(300);
  expect((await admin.post('/api/meta/publish')).status).toBe(200);
  for (const name of ['Acme', 'Globex']) expect((await admin.post('/api/records/account', { name })).status).toBe(201);
});
afterAll(async () => {
  await platform?.stop();
});

describe('spreadsheet preview', () => {
  it('proposes a type per column of an XLSX, with options, scale and a lookup', async () => {
    const stages = ['new', 'won', 'lost'];
    const rows: unknown[][] = [['Title', 'Amount', 'Close date', 'Email', 'Won', 'Stage', 'Customer', 'Mobile']];
    for (let i = 0; i < 30; i++)
      rows.push([
        `Deal ${i}`,
        i + 0.25,
        new Date(Date.UTC(2026, 0, i + 1)),
        `p${i}@example.com`,
        i % 2 === 0,
        stages[i % 3],
        i % 2 ? 'Acme' : 'Globex',
        `1380000${String(i).padStart(4, '0')}`,
      ]);
    const answer = await admin.post<{
      headers: string[];
      sampled: number;
      columns: { header: string; type: string; options?: string[]; target?: string; scale?: number }[];
      rows: string[][];
    }>('/api/meta/spreadsheet/preview', { file: { name: 'deals.xlsx', contentBase64: await workbook(rows) } });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.sampled).toBe(30);
    expect(answer.body.columns.map((c) => [c.header, c.type])).toEqual([
      ['Title', 'text'],
      ['Amount', 'decimal'],
      ['Close date', 'date'],
      ['Email', 'email'],
      ['Won', 'boolean'],
      ['Stage', 'single_select'],
      ['Customer', 'lookup'],
      ['Mobile', 'phone'],
    ]);
    expect(answer.body.columns[5]!.options).toEqual(['new', 'won', 'lost']);
    expect(answer.body.columns[6]!.target).toBe('account');
    expect(answer.body.rows[0]).toEqual(['Deal 0', '0.25', '2026-01-01', 'p0@example.com', 'true', 'new', 'Globex', '13800000000']);
  });

  it('refuses a file that is not what it says, and anyone without the metadata right', async () => {
    const bad = await admin.post<{ error: { code: string } }>('/api/meta/spreadsheet/preview', {
      file: { name: 'x.xlsx', contentBase64: Buffer.from('a,b\n1,2\n').toString('base64') },
    });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'IMPORT_FILE_INVALID']);
    expect((await admin.post('/api/users', { email: 'u@example.com', name: 'u', password: 'u password 1234', roles: [] })).status).toBe(
      201,
    );
    const user = apiClient(platform.url, { token: (await signIn(platform.url, 'u@example.com', 'u password 1234')).token });
    const refused = await user.post<{ error: { code: string } }>('/api/meta/spreadsheet/preview', {
      file: { name: 'x.csv', contentBase64: Buffer.from('a\n1\n').toString('base64') },
    });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
  });
});
