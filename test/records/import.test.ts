import type { Job, Queue } from 'bullmq';
import ExcelJS from 'exceljs';
import { ObjectId, type Collection, type Db, type Document } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Registry } from '@metacrm/metadata';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { createLogger } from '../../server/src/observability/logger.js';
import type { ApiImport } from '../../server/src/records/import/import-job.js';
import { importJobHandler } from '../../server/src/records/import/import.handler.js';
import type { RecordHook } from '../../server/src/records/record-hooks.js';
import { ImportService } from '../../server/src/records/import/import.service.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
let acme: string;
type Err = { error: { code: string; message: string; details?: { problems?: { pointer: string; code: string }[] } } };
type Seen = { status: string; processed: number; total: number };

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
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
  for (const [name, code] of [
    ['Acme', 'A-1'],
    ['Globex', 'A-2'],
    ['Twin', 'T-1'],
    ['Twin', 'T-2'],
  ]) {
    const res = await api.post<{ id: string }>('/api/records/account', { name, code, employees: 10 });
    if (name === 'Acme') acme = res.body.id;
  }
});
afterAll(async () => {
  await platform?.stop();
});

const csv = (rows: string[][]) =>
  `\uFEFF${rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')).join('\r\n')}\r\n`;
const base64 = (content: string | Buffer) => Buffer.from(content).toString('base64');
const DEAL_MAPPING = {
  标题: 'title',
  客户: 'account',
  金额: 'amount',
  阶段: 'stage',
  预计成交: 'close_date',
  赢率: 'probability',
  备注: null,
};
const DEAL_HEADER = ['标题', '客户', '金额', '阶段', '预计成交', '赢率', '备注'];

/** 200-odd opportunity rows; `bad` replaces cells of some rows (by 0-based data index). */
function dealRows(count: number, bad: Record<number, Partial<Record<string, string>>> = {}): string[][] {
  const stages = ['new', '赢单', 'Lost', '新建'];
  const rows = Array.from({ length: count }, (_, i) => {
    const row: Record<string, string> = {
      标题: i === 5 ? 'Deal 5, the big one' : `Deal ${i}`,
      客户: [acme, 'Acme', 'Globex', '', ''][i % 5]!,
      金额: `${i}.50`,
      阶段: stages[i % 4]!,
      预计成交: '2026-03-01',
      赢率: '40',
      备注: 'ignored',
    };
    return DEAL_HEADER.map((h) => bad[i]?.[h] ?? row[h]!);
  });
  return [DEAL_HEADER, ...rows];
}

async function startImport(entity: string, body: Record<string, unknown>): Promise<ApiImport> {
  const res = await api.post<ApiImport>(`/api/records/${entity}/import`, body);
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  expect(res.headers.get('location')).toBe(`/api/records/${entity}/imports/${res.body.id}`);
  return res.body;
}

/** Polls the job as a client would, keeping what it saw, until it has finished. */
async function finished(entity: string, id: string, seen: Seen[] = []): Promise<ApiImport> {
  return await waitFor(
    'the import to finish',
    async () => {
      const { body } = await api.get<ApiImport>(`/api/records/${entity}/imports/${id}`);
      seen.push({ status: body.status, processed: body.processed, total: body.total });
      return ['completed', 'failed', 'cancelled'].includes(body.status) ? body : undefined;
    },
    { timeoutMs: SLOW, intervalMs: 20 },
  );
}

/** Imports write a record at a time; on a loaded embedded server a 200-row file can take a while. */
const SLOW = 150_000;
const count = (collection: string, filter: Document = {}) => db.collection(collection).countDocuments(filter);

describe('importing records', () => {
  it(
    'imports a CSV with a BOM, converting values and reporting bad rows, with progress while it runs',
    async () => {
      const before = await count('rec_opportunity');
      const rows = dealRows(200, {
        10: { 金额: '12.345' },
        20: { 阶段: 'maybe' },
        30: { 标题: '' },
        40: { 客户: 'Nobody' },
        50: { 客户: 'Twin' },
      });
      const job = await startImport('opportunity', {
        file: { name: 'deals.csv', contentBase64: base64(csv(rows)) },
        format: 'csv',
        mapping: DEAL_MAPPING,
        dryRun: false,
      });
      expect(job).toMatchObject({ status: 'queued', total: 200, processed: 0, dryRun: false, entity: 'opportunity' });
      const seen: Seen[] = [];
      const done = await finished('opportunity', job.id, seen);
      expect(done).toMatchObject({
        status: 'completed',
        total: 200,
        processed: 200,
        progress: 1,
        created: 195,
        updated: 0,
        failed: 5,
        errorCount: 5,
      });
      expect(done.errors).toEqual([
        {
          row: 12,
          column: '金额',
          field: 'amount',
          code: 'BAD_FORMAT',
          message: 'has more than 2 decimal places',
          params: { format: 'decimal', scale: 2 },
        },
        {
          row: 22,
          column: '阶段',
          field: 'stage',
          code: 'NOT_ALLOWED_VALUE',
          message: '"maybe" is not an option',
          params: { value: 'maybe', allowed: ['new', 'won', 'lost'] },
        },
        {
          row: 32,
          column: '标题',
          field: 'title',
          code: 'REQUIRED',
          message: 'Title is required',
          params: { label: { 'zh-CN': '标题', en: 'Title' } },
        },
        { row: 42, column: '客户', field: 'account', code: 'UNKNOWN_ENTITY', message: 'no account record "Nobody"' },
        {
          row: 52,
          column: '客户',
          field: 'account',
          code: 'AMBIGUOUS_REFERENCE',
          message: '2 account records are "Twin"; use the record id',
        },
      ]);
      expect(seen.some((s) => s.status === 'running' && s.processed > 0 && s.processed < s.total)).toBe(true);
      expect(seen.map((s) => s.processed)).toEqual([...seen.map((s) => s.processed)].sort((a, b) => a - b));
      expect(await count('rec_opportunity')).toBe(before + 195);
      const big = await db.collection('rec_opportunity').findOne({ title: 'Deal 5, the big one' });
      expect(big).toMatchObject({ stage: 'won', account: expect.any(ObjectId) });
      expect(String(big?.account)).toBe(acme);
      expect(String((await db.collection('rec_opportunity').findOne({ title: 'Deal 2' }))?.account)).toBe(await accountId('Globex'));
      expect((await db.collection('rec_opportunity').findOne({ title: 'Deal 3' }))?.account).toBeUndefined();
      expect(String(big?.amount)).toBe('5.50');
      expect(await db.collection('import_files.files').countDocuments({ 'metadata.importId': new ObjectId(job.id) })).toBe(0);
    },
    SLOW + 10_000,
  );

  it(
    'imports an XLSX with number, date and text cells',
    async () => {
      const before = await count('rec_opportunity');
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('Deals');
      sheet.addRow(['Title', 'Account', 'Amount', 'Stage', 'Close date']);
      for (let i = 0; i < 200; i++) {
        const amount: number | string = i === 7 ? 'abc' : i === 8 ? -5 : i + 0.25;
        // Most rows without an account: each account write refreshes its roll-up, the slow part here.
        sheet.addRow([
          i === 27 ? null : `Sheet deal ${i}`,
          i === 37 ? 'Initech' : i % 4 === 0 ? 'Acme' : null,
          amount,
          i === 17 ? 'Unknown' : ['New', 'Won', 'lost'][i % 3],
          new Date(Date.UTC(2026, 3, 15)),
        ]);
      }
      book.addWorksheet('Other').addRow(['ignored']);
      const file = Buffer.from(await book.xlsx.writeBuffer());
      const mapping = { Title: 'title', Account: 'account', Amount: 'amount', Stage: 'stage', 'Close date': 'close_date' };
      const job = await startImport('opportunity', { file: { name: 'deals.xlsx', contentBase64: base64(file) }, mapping, sheet: 'Deals' });
      const done = await finished('opportunity', job.id);
      expect(done).toMatchObject({ status: 'completed', format: 'xlsx', total: 200, created: 196, failed: 4, errorCount: 4 });
      expect(done.errors.map((e) => [e.row, e.field, e.code])).toEqual([
        [9, 'amount', 'BAD_FORMAT'],
        [19, 'stage', 'NOT_ALLOWED_VALUE'],
        [29, 'title', 'REQUIRED'],
        [39, 'account', 'UNKNOWN_ENTITY'],
      ]);
      expect(await count('rec_opportunity')).toBe(before + 196);
      const byTitle = async (title: string) => {
        const filter = encodeURIComponent(JSON.stringify({ field: 'title', op: 'eq', value: title }));
        return (await api.get<{ records: Record<string, unknown>[] }>(`/api/records/opportunity?filter=${filter}`)).body.records;
      };
      expect(await byTitle('Sheet deal 8')).toEqual([
        expect.objectContaining({ amount: '-5.00', close_date: '2026-04-15', stage: 'lost', account: acme }),
      ]);
      expect(await byTitle('Sheet deal 9')).toEqual([expect.objectContaining({ account: null })]);
      expect(await byTitle('Sheet deal 10')).toEqual([expect.objectContaining({ amount: '10.25', stage: 'won' })]);
    },
    SLOW + 10_000,
  );

  it(
    'validates every row in a dry run and writes nothing',
    async () => {
      const counts = async () => Promise.all(['rec_opportunity', 'audit_log', 'outbox', 'record_revisions'].map((c) => count(c)));
      const before = await counts();
      const rows = dealRows(50, { 3: { 金额: 'lots' }, 44: { 客户: 'Nobody' } });
      const job = await startImport('opportunity', {
        file: { name: 'deals.csv', contentBase64: base64(csv(rows)) },
        mapping: DEAL_MAPPING,
        dryRun: true,
      });
      const done = await finished('opportunity', job.id);
      expect(done).toMatchObject({ status: 'completed', dryRun: true, total: 50, processed: 50, created: 48, updated: 0, failed: 2 });
      expect(done.errors.map((e) => [e.row, e.code])).toEqual([
        [5, 'BAD_FORMAT'],
        [46, 'UNKNOWN_ENTITY'],
      ]);
      expect(await counts()).toEqual(before);
    },
    SLOW + 10_000,
  );

  it(
    'updates records matched on a unique field instead of duplicating them, and re-imports idempotently',
    async () => {
      const rows = [
        ['Code', 'Name', 'Employees'],
        ['A-1', 'Acme', '99'],
        ...Array.from({ length: 20 }, (_, i) => [`N-${i + 1}`, `New ${i + 1}`, String(i)]),
        ['N-1', 'New 1 again', '5'],
        ['N-2', 'Negative', '-3'],
      ];
      const body = {
        file: { name: 'accounts.csv', contentBase64: base64(csv(rows)) },
        mapping: { Code: 'code', Name: 'name', Employees: 'employees' },
        upsertOn: 'code',
      };
      const first = await finished('account', (await startImport('account', body)).id);
      expect(first).toMatchObject({ status: 'completed', total: 23, created: 20, updated: 2, failed: 1 });
      expect(first.errors).toEqual([
        { row: 24, column: 'Employees', field: 'employees', code: 'OUT_OF_RANGE', message: 'must be at least 0', params: { min: 0 } },
      ]);
      expect(await count('rec_account', { code: 'N-1' })).toBe(1);
      expect(await db.collection('rec_account').findOne({ code: 'N-1' })).toMatchObject({ name: 'New 1 again', employees: 5 });
      expect(await db.collection('rec_account').findOne({ code: 'A-1' })).toMatchObject({ name: 'Acme', employees: 99 });

      const again = await finished('account', (await startImport('account', body)).id);
      expect(again).toMatchObject({ status: 'completed', created: 0, updated: 22, failed: 1 });
      expect(await count('rec_account')).toBe(4 + 20);
    },
    SLOW + 10_000,
  );

  it('can be cancelled; the worker stops and removes the file', async () => {
    const rows = dealRows(300).map((r, i) => (i === 0 ? r : [r[0]!, '', ...r.slice(2)]));
    const job = await startImport('opportunity', { file: { name: 'many.csv', contentBase64: base64(csv(rows)) }, mapping: DEAL_MAPPING });
    const cancelled = await api.post<ApiImport>(`/api/records/opportunity/imports/${job.id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    // The worker notices at its next checkpoint (100 rows): seconds here, longer on a loaded machine.
    await waitFor(
      'the file to be removed',
      async () => ((await count('import_files.files', { 'metadata.importId': new ObjectId(job.id) })) === 0 ? true : undefined),
      { timeoutMs: 100_000 },
    );
    const after = await api.get<ApiImport>(`/api/records/opportunity/imports/${job.id}`);
    expect(after.body.status).toBe('cancelled');
    expect(after.body.processed).toBeLessThan(300);
    const again = await api.post<Err>(`/api/records/opportunity/imports/${job.id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('IMPORT_NOT_CANCELLABLE');
  }, 120_000);

  it('resumes after a crash between a batch and its checkpoint without writing any row twice', async () => {
    const snapshot = await new MetadataCache(db).current();
    const { registries } = metadataToolkit(createRegistries());
    const queue = { add: async () => undefined } as unknown as Queue; // no worker picks this one up
    const service = new ImportService({ db, snapshot, registries, actor: SYSTEM_ACTOR, queue });
    // Small batches (20 rows) and no account, so that no roll-up is refreshed: quicker, same logic.
    const rows = dealRows(50, { 5: { 阶段: 'maybe' }, 30: { 阶段: 'maybe' }, 45: { 阶段: 'maybe' } }).map((r, i) =>
      i === 0 ? r : [`Resume ${i}`, '', ...r.slice(2)],
    );
    const job = await service.start('opportunity', {
      file: { name: 'resume.csv', contentBase64: base64(csv(rows)) },
      mapping: DEAL_MAPPING,
    });
    const before = await count('rec_opportunity');
    const handler = importJobHandler({ cache: new MetadataCache(db), registries, checkpointEvery: 20 });
    const ctx = { db: crashOnCheckpoint(db, 40), logger: createLogger('silent') };
    const attempt = (attemptsMade: number) => ({ data: { importId: job.id }, attemptsMade, opts: { attempts: 5 } }) as unknown as Job;

    await expect(handler(attempt(0), ctx)).rejects.toThrow(/simulated crash/);
    expect(await service.get('opportunity', job.id)).toMatchObject({
      status: 'running',
      processed: 20,
      created: 19,
      failed: 1,
      attempts: 1,
    });
    expect(await count('rec_opportunity')).toBe(before + 38);

    await expect(handler(attempt(1), { ...ctx, db })).resolves.toEqual({ importId: job.id, status: 'completed' });
    const done = await service.get('opportunity', job.id);
    expect(done).toMatchObject({ status: 'completed', processed: 50, created: 47, failed: 3, errorCount: 3, attempts: 2 });
    expect(done.errors.map((e) => e.row)).toEqual([7, 32, 47]);
    expect(await count('rec_opportunity')).toBe(before + 47);
    expect(await count('rec_opportunity', { title: 'Resume 30' })).toBe(1);
  });
});

/**
 * Issue #20 item 18: a cancelled import releases its file whenever the cancel lands.
 * Each timing is forced, not left to the load of the machine: the import runs in this
 * process through the job handler, with no worker of the platform picking it up.
 */
describe('cancelling releases the file whenever the cancel arrives', () => {
  const setup = async (name: string, rowCount: number) => {
    const snapshot = await new MetadataCache(db).current();
    const { registries } = metadataToolkit(createRegistries());
    const queue = { add: async () => undefined } as unknown as Queue; // no worker picks these up
    const service = new ImportService({ db, snapshot, registries, actor: SYSTEM_ACTOR, queue });
    const rows = dealRows(rowCount).map((r, i) => (i === 0 ? r : [`${name} ${i}`, '', ...r.slice(2)]));
    const job = await service.start('opportunity', {
      file: { name: `${name}.csv`, contentBase64: base64(csv(rows)) },
      mapping: DEAL_MAPPING,
    });
    const delivery = { data: { importId: job.id }, attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
    const ctx = { db, logger: createLogger('silent') };
    return { service, registries, job, delivery, ctx };
  };
  const files = (id: string) => count('import_files.files', { 'metadata.importId': new ObjectId(id) });

  it('queued: the file goes at once, and a later delivery skips the import', async () => {
    const { service, registries, job, delivery, ctx } = await setup('Queued', 5);
    expect(await files(job.id)).toBe(1);
    expect((await service.cancel('opportunity', job.id)).status).toBe('cancelled');
    expect(await files(job.id)).toBe(0);
    await expect(importJobHandler({ cache: new MetadataCache(db), registries })(delivery, ctx)).resolves.toEqual({
      importId: job.id,
      status: 'skipped',
    });
    expect(await service.get('opportunity', job.id)).toMatchObject({ status: 'cancelled', processed: 0 });
  });

  it('between the worker reading the import and claiming it: the worker releases the file', async () => {
    const { service, registries, job, delivery, ctx } = await setup('Claim', 5);
    // The cancel lands just before the worker's claim, after its read saw "queued"; the
    // cancel itself is made to see "running" so that it leaves the file to the worker.
    const claim = beforeClaim(db, async () => {
      await db.collection('imports').updateOne({ _id: new ObjectId(job.id) }, { $set: { status: 'running' } });
      await service.cancel('opportunity', job.id);
    });
    await expect(importJobHandler({ cache: new MetadataCache(db), registries })(delivery, { ...ctx, db: claim })).resolves.toEqual({
      importId: job.id,
      status: 'skipped',
    });
    expect(await files(job.id)).toBe(0);
    expect(await count('rec_opportunity', { title: /^Claim / })).toBe(0);
  });

  it('running: the worker stops at its next checkpoint and releases the file', async () => {
    const { service, registries, job, delivery, ctx } = await setup('Running', 30);
    const hooks = new Registry<RecordHook>('record hook');
    let cancelled = false;
    hooks.register('cancel-at-row-5', {
      entity: 'opportunity',
      before: async ({ input }) => {
        if (input.title === 'Running 5' && !cancelled) {
          cancelled = true;
          await service.cancel('opportunity', job.id);
        }
      },
    });
    await expect(
      importJobHandler({ cache: new MetadataCache(db), registries, hooks, checkpointEvery: 10 })(delivery, ctx),
    ).resolves.toEqual({ importId: job.id, status: 'cancelled' });
    expect(await files(job.id)).toBe(0);
    expect(await service.get('opportunity', job.id)).toMatchObject({ status: 'cancelled' });
    expect(await count('rec_opportunity', { title: /^Running / })).toBe(10);
  });

  it('finished: the cancel is refused, and the finish released the file', async () => {
    const { service, registries, job, delivery, ctx } = await setup('Finished', 3);
    await expect(importJobHandler({ cache: new MetadataCache(db), registries })(delivery, ctx)).resolves.toEqual({
      importId: job.id,
      status: 'completed',
    });
    expect(await files(job.id)).toBe(0);
    await expect(service.cancel('opportunity', job.id)).rejects.toMatchObject({ code: 'IMPORT_NOT_CANCELLABLE' });
    expect(await files(job.id)).toBe(0);
  });
});

describe('refusing an import at upload', () => {
  const file = (content: string | Buffer, name = 'f.csv') => ({ name, contentBase64: base64(content) });
  it.each<[string, Record<string, unknown>, number, string]>([
    [
      'text that claims to be XLSX',
      { file: file('a,b\n1,2\n', 'f.xlsx'), format: 'xlsx', mapping: { a: 'title' } },
      400,
      'IMPORT_FILE_INVALID',
    ],
    [
      'a zip that claims to be CSV',
      { file: file(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3])), format: 'csv', mapping: { a: 'title' } },
      400,
      'IMPORT_FILE_INVALID',
    ],
    [
      'a broken XLSX',
      { file: file(Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), Buffer.alloc(64, 7)]), 'f.xlsx'), mapping: { a: 'title' } },
      400,
      'IMPORT_FILE_INVALID',
    ],
    ['binary bytes as CSV', { file: file(Buffer.from([0, 1, 2, 0xff])), mapping: { a: 'title' } }, 400, 'IMPORT_FILE_INVALID'],
    ['a format it does not read', { file: file('x', 'f.pdf'), mapping: { a: 'title' } }, 400, 'BAD_REQUEST'],
    ['a column the file lacks', { file: file('Title\nx\n'), mapping: { Name: 'title' } }, 400, 'IMPORT_MAPPING_INVALID'],
    ['a field the entity lacks', { file: file('Title\nx\n'), mapping: { Title: 'colour' } }, 400, 'IMPORT_MAPPING_INVALID'],
    ['a computed field', { file: file('E\n1\n'), mapping: { E: 'expected' } }, 400, 'IMPORT_MAPPING_INVALID'],
    [
      'upsert on a field that is not unique',
      { file: file('Title\nx\n'), mapping: { Title: 'title' }, upsertOn: 'title' },
      400,
      'IMPORT_MAPPING_INVALID',
    ],
    [
      'more than 200 columns',
      { file: file(`${Array.from({ length: 201 }, (_, i) => `c${i}`).join(',')}\n`), mapping: { c0: 'title' } },
      400,
      'IMPORT_TOO_MANY_COLUMNS',
    ],
    ['more than 100,000 rows', { file: file(`Title\n${'x\n'.repeat(100_001)}`), mapping: { Title: 'title' } }, 400, 'IMPORT_TOO_MANY_ROWS'],
    ['an unknown entity', { file: file('Title\nx\n'), mapping: { Title: 'title' }, entity: 'nothing' }, 404, 'ENTITY_NOT_FOUND'],
  ])('refuses %s', async (_what, { entity = 'opportunity', ...body }, status, code) => {
    const res = await api.post<Err>(`/api/records/${String(entity)}/import`, body);
    expect(res.status).toBe(status);
    expect(res.body.error.code).toBe(code);
  });

  it('previews the header row and the row count of a CSV or an XLSX (an import wizard maps from them), storing nothing', async () => {
    const before = await count('imports');
    const fromCsv = await api.post<Record<string, unknown>>('/api/records/opportunity/import/preview', {
      file: file(csv(dealRows(12))),
      mapping: {},
    });
    expect(fromCsv.status, JSON.stringify(fromCsv.body)).toBe(200);
    expect(fromCsv.body).toEqual({ fileName: 'f.csv', format: 'csv', headers: DEAL_HEADER, total: 12 });
    const book = new ExcelJS.Workbook();
    book.addWorksheet('Deals').addRows([
      ['Title', 'Amount'],
      ['a', 1],
      ['b', 2],
    ]);
    const fromXlsx = await api.post<Record<string, unknown>>('/api/records/opportunity/import/preview', {
      file: file(Buffer.from(await book.xlsx.writeBuffer()), 'deals.xlsx'),
      mapping: {},
    });
    expect(fromXlsx.body).toEqual({ fileName: 'deals.xlsx', format: 'xlsx', headers: ['Title', 'Amount'], total: 2 });
    const refused = await api.post<Err>('/api/records/opportunity/import/preview', {
      file: file(Buffer.from([0, 1, 2, 0xff])),
      mapping: {},
    });
    expect([refused.status, refused.body.error.code]).toEqual([400, 'IMPORT_FILE_INVALID']);
    expect(await count('imports')).toBe(before);
  });

  it('answers 404 for an import that does not exist', async () => {
    const res = await api.get<Err>(`/api/records/opportunity/imports/${new ObjectId().toHexString()}`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('IMPORT_NOT_FOUND');
  });
});

async function accountId(name: string): Promise<string> {
  return String((await db.collection('rec_account').findOne({ name }))?._id);
}

/** The database as the worker sees it, except that `first` runs once just before the worker claims an import. */
function beforeClaim(real: Db, first: () => Promise<void>): Db {
  let done = false;
  const wrap = (collection: Collection): Collection =>
    new Proxy(collection, {
      get(target, prop, receiver) {
        if (prop !== 'updateOne') return Reflect.get(target, prop, receiver) as unknown;
        return async (filter: Document, update: Document) => {
          if (!done && (update.$set as Document | undefined)?.status === 'running') {
            done = true;
            await first();
          }
          return await target.updateOne(filter, update);
        };
      },
    });
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'collection') return (name: string) => (name === 'imports' ? wrap(target.collection(name)) : target.collection(name));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** The database as the worker sees it, except that saving progress at `processed` fails once. */
function crashOnCheckpoint(real: Db, processed: number): Db {
  let crashed = false;
  const wrap = (collection: Collection): Collection =>
    new Proxy(collection, {
      get(target, prop, receiver) {
        if (prop !== 'updateOne') return Reflect.get(target, prop, receiver) as unknown;
        return async (filter: Document, update: Document) => {
          if (!crashed && (update.$set as Document | undefined)?.processed === processed) {
            crashed = true;
            throw new Error('simulated crash');
          }
          return await target.updateOne(filter, update);
        };
      },
    });
  return new Proxy(real, {
    get(target, prop) {
      if (prop === 'collection') return (name: string) => (name === 'imports' ? wrap(target.collection(name)) : target.collection(name));
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
