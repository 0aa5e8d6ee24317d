import type { Job, Queue } from 'bullmq';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity, Form } from '@metacrm/metadata';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache } from '../../server/src/metadata/metadata-cache.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { createLogger } from '../../server/src/observability/logger.js';
import type { ApiImport } from '../../server/src/records/import/import-job.js';
import { importJobHandler } from '../../server/src/records/import/import.handler.js';
import { ImportService } from '../../server/src/records/import/import.service.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
const is = (field: string, value: string) => ({ '==': [{ var: field }, value] });

const deal: Entity = {
  key: 'deal',
  label: l('Deal'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title'), required: true },
    { key: 'code', type: 'text', label: l('Code'), unique: true },
    {
      key: 'stage',
      type: 'single_select',
      label: l('Stage'),
      default: 'new',
      options: [
        { key: 'new', label: l('New') },
        { key: 'won', label: l('Won') },
        { key: 'lost', label: l('Lost') },
      ],
    },
    { key: 'amount', type: 'currency', label: l('Amount'), currencyCode: 'CNY' },
    { key: 'close_date', type: 'date', label: l('Close date') },
    { key: 'loss_reason', type: 'text', label: l('Loss reason') },
    { key: 'discount', type: 'percent', label: l('Discount'), scale: 0 },
  ],
};
/** The default form: amount locked once won; a close date once decided; a reason, on its own section, once lost. */
const main: Form = {
  key: 'deal_main',
  entity: 'deal',
  label: l('Deal'),
  default: true,
  layout: {
    tabs: [
      {
        key: 'main',
        label: l('Main'),
        sections: [
          {
            key: 'basics',
            fields: [
              { field: 'title' },
              { field: 'code' },
              { field: 'stage' },
              { field: 'amount', readOnlyWhen: is('stage', 'won') },
              { field: 'close_date', requiredWhen: { in: [{ var: 'stage' }, ['won', 'lost']] } },
            ],
          },
          { key: 'loss', visibleWhen: is('stage', 'lost'), fields: [{ field: 'loss_reason', requiredWhen: true }] },
        ],
      },
    ],
  },
};
/** A second form for quick entry: no stage rules, but a discount on large amounts. */
const quick: Form = {
  key: 'deal_quick',
  entity: 'deal',
  label: l('Quick deal'),
  layout: {
    tabs: [
      {
        key: 'main',
        label: l('Main'),
        sections: [
          {
            key: 'basics',
            fields: [{ field: 'title' }, { field: 'amount' }, { field: 'discount', requiredWhen: { '>': [{ var: 'amount' }, '1000'] } }],
          },
        ],
      },
    ],
  },
};

type Rec = Record<string, unknown> & { id: string; _version: number };
/** Row errors without the params the message came from (problems.test.ts checks those). */
const withoutParams = <E extends { params?: unknown }>(errors: readonly E[]) => errors.map(({ params: _params, ...e }) => e);
type Problem = { pointer: string; code: string; message: string; params?: Record<string, unknown> };
type Err = { error: { code: string; message: string; details: { problems?: Problem[]; form?: string } } };

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
  });
  api = apiClient(platform.url, { token: platform.adminToken });
  expect((await api.put('/api/meta/draft/entities/deal', deal)).status).toBe(200);
  for (const form of [main, quick]) expect((await api.put(`/api/meta/draft/forms/${form.key}`, form)).status).toBe(200);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

const create = (body: Record<string, unknown>, form?: string) =>
  api.post<Rec & Err>(`/api/records/deal${form ? `?form=${form}` : ''}`, body);
const patch = (id: string, body: Record<string, unknown>, form?: string) =>
  api.patch<Rec & Err>(`/api/records/deal/${id}${form ? `?form=${form}` : ''}`, body);
const problemsOf = (body: Err) => body.error.details.problems?.map((p) => `${p.pointer} ${p.code}`);
const stored = async (id: string) => (await api.get<Rec>(`/api/records/deal/${id}`)).body;

describe('form conditions on create', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a won deal without a close date', { title: 'A', stage: 'won', amount: '10' }, ['/close_date REQUIRED']],
    [
      'a lost deal without its reason (its section shows once lost)',
      { title: 'A', stage: 'lost', close_date: '2026-01-05' },
      ['/loss_reason REQUIRED'],
    ],
    ['a reason while the section is hidden', { title: 'A', loss_reason: 'price' }, ['/loss_reason READ_ONLY']],
    [
      "both at once, with the entity's own required field",
      { stage: 'lost' },
      ['/title REQUIRED', '/close_date REQUIRED', '/loss_reason REQUIRED'],
    ],
  ])('refuses %s with 422, writing nothing', async (_what, body, expected) => {
    const before = await db.collection('rec_deal').countDocuments();
    const res = await create(body);
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('RECORD_INVALID');
    expect(problemsOf(res.body)?.sort()).toEqual([...expected].sort());
    expect(await db.collection('rec_deal').countDocuments()).toBe(before);
    expect(await db.collection('outbox').countDocuments({ entity: 'deal' })).toBe(before);
  });

  it('accepts what the default form accepts, defaults included', async () => {
    const res = await create({ title: 'Lost one', stage: 'lost', close_date: '2026-01-05', loss_reason: 'price', amount: '10' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ stage: 'lost', loss_reason: 'price' });
    // A form sends its defaults back: the default stage is no change to a locked or hidden field.
    expect((await create({ title: 'Plain', stage: 'new' })).status).toBe(201);
  });

  it('checks a named form instead of the default one', async () => {
    const won = await create({ title: 'Quick won', stage: 'won', amount: '10' }, 'deal_quick');
    expect(won.status).toBe(201);
    const large = await create({ title: 'Quick large', amount: '1000.01' }, 'deal_quick');
    expect(large.status).toBe(422);
    expect(problemsOf(large.body)).toEqual(['/discount REQUIRED']);
    expect((await create({ title: 'Quick large', amount: '1000.01', discount: 5 }, 'deal_quick')).status).toBe(201);
  });

  it('answers 404 FORM_NOT_FOUND for a form the entity does not have, pointing at the parameter', async () => {
    const before = await db.collection('rec_deal').countDocuments();
    const res = await create({ title: 'x' }, 'nope');
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({
      code: 'FORM_NOT_FOUND',
      details: { form: 'nope', problems: [expect.objectContaining({ pointer: '/query/form' })] },
    });
    expect(await db.collection('rec_deal').countDocuments()).toBe(before);
  });
});

describe('form conditions on PATCH', () => {
  let id: string;

  it('locks a field once its read-only condition holds, and writes nothing of a refused change', async () => {
    const res = await create({ title: 'Big', stage: 'won', amount: '10', close_date: '2026-02-01' });
    expect(res.status).toBe(201);
    id = res.body.id;
    const refused = await patch(id, { amount: '20', title: 'Bigger' });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.problems).toEqual([
      expect.objectContaining({ pointer: '/amount', code: 'READ_ONLY', params: expect.objectContaining({ form: 'deal_main' }) }),
    ]);
    expect(await stored(id)).toMatchObject({ _version: 1, title: 'Big', amount: '10.00' });
  });

  it('counts only fields the write changes: sending a locked value back is fine', async () => {
    const res = await patch(id, { amount: '10', title: 'Bigger', stage: 'won' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ _version: 2, title: 'Bigger', amount: '10.00' });
  });

  it('judges read-only on the record before the change: no unlocking and changing at once', async () => {
    const res = await patch(id, { stage: 'new', amount: '20' });
    expect(res.status).toBe(422);
    expect(problemsOf(res.body)).toEqual(['/amount READ_ONLY']);
    expect((await patch(id, { stage: 'new' })).status).toBe(200);
    const closing = await patch(id, { amount: '30', stage: 'won' });
    expect(closing.status).toBe(200);
    expect(closing.body).toMatchObject({ _version: 4, stage: 'won', amount: '30.00' });
  });

  it('requires on the merged record: a PATCH that decides the deal needs its close date', async () => {
    const open = await create({ title: 'Open' });
    const res = await patch(open.body.id, { stage: 'lost', loss_reason: 'timing' });
    expect(res.status).toBe(422);
    expect(problemsOf(res.body)).toEqual(['/close_date REQUIRED']);
    expect((await patch(open.body.id, { stage: 'lost', loss_reason: 'timing', close_date: '2026-03-01' })).status).toBe(200);
    // Hidden again once reopened: the reason cannot change while its section is hidden.
    expect((await patch(open.body.id, { stage: 'new' })).status).toBe(200);
    const hidden = await patch(open.body.id, { loss_reason: 'other' });
    expect(hidden.status).toBe(422);
    expect(hidden.body.error.details.problems).toEqual([
      expect.objectContaining({
        pointer: '/loss_reason',
        code: 'READ_ONLY',
        params: expect.objectContaining({ form: 'deal_main', hidden: true }),
      }),
    ]);
  });

  it('checks the named form instead: the quick form does not lock amount', async () => {
    const res = await patch(id, { amount: '40' }, 'deal_quick');
    expect(res.status).toBe(200);
    expect(res.body.amount).toBe('40.00');
    expect((await patch(id, { amount: '50' }, 'nope')).status).toBe(404);
  });
});

describe('form conditions in bulk', () => {
  it('checks every create and update against the default form, or the one the body names', async () => {
    const won = await create({ title: 'Bulk won', stage: 'won', amount: '5', close_date: '2026-04-01' });
    const operations = [
      { op: 'create', data: { title: 'B1', stage: 'won' } },
      { op: 'create', data: { title: 'B2', stage: 'won', close_date: '2026-04-02' } },
      { op: 'update', id: won.body.id, data: { amount: '6' } },
      { op: 'update', id: won.body.id, data: { title: 'Bulk won!' } },
    ];
    type Bulk = { results: { index: number; status: number; error?: Err['error'] }[]; summary: { succeeded: number; failed: number } };
    const res = await api.post<Bulk>('/api/records/deal/bulk', { operations });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual([422, 201, 422, 200]);
    expect(res.body.results[0]!.error?.details.problems?.map((p) => `${p.pointer} ${p.code}`)).toEqual(['/close_date REQUIRED']);
    expect(res.body.results[2]!.error?.details.problems?.map((p) => `${p.pointer} ${p.code}`)).toEqual(['/amount READ_ONLY']);
    expect(await stored(won.body.id)).toMatchObject({ title: 'Bulk won!', amount: '5.00', _version: 2 });

    const quick = await api.post<Bulk>('/api/records/deal/bulk', {
      form: 'deal_quick',
      operations: operations.slice(0, 1).concat(operations.slice(2, 3)),
    });
    expect(quick.body.results.map((r) => r.status)).toEqual([201, 200]);
    const asAbsent = await api.post<Bulk>('/api/records/deal/bulk', { form: null, operations: operations.slice(0, 1) });
    expect(asAbsent.body.results.map((r) => r.status)).toEqual([422]);
  });

  it.each([
    [{ form: 'nope', operations: [{ op: 'create', data: { title: 'x' } }] }, 404, 'FORM_NOT_FOUND'],
    [{ form: 7, operations: [{ op: 'create', data: { title: 'x' } }] }, 400, 'BAD_REQUEST'],
  ])('refuses the whole call for a bad form %#', async (body, status, code) => {
    const before = await db.collection('rec_deal').countDocuments();
    const res = await api.post<Err>('/api/records/deal/bulk', body);
    expect(res.status).toBe(status);
    expect(res.body.error).toMatchObject({ code, details: { problems: [expect.objectContaining({ pointer: '/form' })] } });
    expect(await db.collection('rec_deal').countDocuments()).toBe(before);
  });
});

describe('form conditions in imports', () => {
  const csv = (rows: string[][]) => rows.map((r) => r.join(',')).join('\r\n') + '\r\n';
  const file = (rows: string[][]) => ({ name: 'deals.csv', contentBase64: Buffer.from(csv(rows)).toString('base64') });
  const mapping = { Code: 'code', Title: 'title', Stage: 'stage', Amount: 'amount', Closed: 'close_date', Reason: 'loss_reason' };
  const header = ['Code', 'Title', 'Stage', 'Amount', 'Closed', 'Reason'];
  const rows = [
    header,
    ['I-1', 'Fine', 'new', '5', '', ''],
    ['I-2', 'Won without date', 'won', '5', '', ''],
    ['I-3', 'Lost without reason', 'lost', '5', '2026-05-01', ''],
    ['I-4', 'Reason while open', 'new', '5', '', 'price'],
    ['I-5', 'Won', 'won', '5', '2026-05-02', ''],
  ];
  const expectedErrors = [
    { row: 3, column: 'Closed', field: 'close_date', code: 'REQUIRED', message: 'Close date is required' },
    { row: 4, column: 'Reason', field: 'loss_reason', code: 'REQUIRED', message: 'Loss reason is required' },
    {
      row: 5,
      column: 'Reason',
      field: 'loss_reason',
      code: 'READ_ONLY',
      message: 'Loss reason is hidden on this form and cannot be changed',
    },
  ];
  const run = async (body: Record<string, unknown>): Promise<ApiImport> => {
    const started = await api.post<ApiImport>('/api/records/deal/import', body);
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    return await waitFor(
      'the import to finish',
      async () => {
        const { body: job } = await api.get<ApiImport>(`/api/records/deal/imports/${started.body.id}`);
        return ['completed', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 50 },
    );
  };
  const count = () => db.collection('rec_deal').countDocuments({ code: /^I-/ });

  it('reports the same row errors in a dry run, writing nothing', async () => {
    const done = await run({ file: file(rows), mapping, dryRun: true });
    expect(done).toMatchObject({ status: 'completed', dryRun: true, form: null, created: 2, failed: 3 });
    expect(withoutParams(done.errors)).toEqual(expectedErrors);
    expect(await count()).toBe(0);
  });

  it('writes the rows the default form accepts and reports the others', async () => {
    const done = await run({ file: file(rows), mapping });
    expect(done).toMatchObject({ status: 'completed', created: 2, failed: 3 });
    expect(withoutParams(done.errors)).toEqual(expectedErrors);
    expect(await count()).toBe(2);
  });

  it('refuses an upsert that changes a locked field, row by row', async () => {
    const update = [header, ['I-5', 'Won', 'won', '6', '2026-05-02', ''], ['I-1', 'Fine', 'new', '6', '', '']];
    const done = await run({ file: file(update), mapping, upsertOn: 'code' });
    expect(done).toMatchObject({ status: 'completed', updated: 1, failed: 1 });
    expect(withoutParams(done.errors)).toEqual([
      { row: 2, column: 'Amount', field: 'amount', code: 'READ_ONLY', message: 'Amount is read-only' },
    ]);
    expect(await db.collection('rec_deal').findOne({ code: 'I-5' })).toMatchObject({ _version: 1 });
  });

  it('checks the form the import names, and refuses an unknown one at once', async () => {
    const quickRows = [
      ['Code', 'Title', 'Stage', 'Amount'],
      ['Q-1', 'Quick won', 'won', '5'],
      ['Q-2', 'Quick large', 'new', '2000'],
    ];
    const done = await run({
      file: file(quickRows),
      mapping: { Code: 'code', Title: 'title', Stage: 'stage', Amount: 'amount' },
      form: 'deal_quick',
    });
    expect(done).toMatchObject({ status: 'completed', form: 'deal_quick', created: 1, failed: 1 });
    expect(withoutParams(done.errors)).toEqual([{ row: 3, field: 'discount', code: 'REQUIRED', message: 'Discount is required' }]);
    const unknown = await api.post<Err>('/api/records/deal/import', { file: file(quickRows), mapping: { Code: 'code' }, form: 'nope' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toMatchObject({
      code: 'FORM_NOT_FOUND',
      details: { problems: [expect.objectContaining({ pointer: '/form' })] },
    });
  });
});

describe('publishing form conditions', () => {
  it('refuses a second default form of one entity', async () => {
    expect((await api.put('/api/meta/draft/forms/deal_quick', { ...quick, default: true })).status).toBe(200);
    const res = await api.post<{ valid: boolean; problems: Problem[] }>('/api/meta/draft/validate');
    expect(res.body.valid).toBe(false);
    expect(res.body.problems).toContainEqual(expect.objectContaining({ code: 'DUPLICATE_DEFAULT', pointer: '/forms/deal_quick/default' }));
    expect((await api.put('/api/meta/draft/forms/deal_quick', quick)).status).toBe(200);
  });
});

describe('an import whose form is gone by the time it runs', () => {
  it('fails at once with FORM_NOT_FOUND, writing nothing', async () => {
    const cache = new MetadataCache(db);
    const { registries } = metadataToolkit(createRegistries());
    const queue = { add: async () => undefined } as unknown as Queue; // no worker picks this one up
    const service = new ImportService({ db, snapshot: await cache.current(), registries, actor: SYSTEM_ACTOR, queue });
    const content = Buffer.from('Code,Title\r\nG-1,Gone\r\n').toString('base64');
    const job = await service.start('deal', {
      file: { name: 'gone.csv', contentBase64: content },
      mapping: { Code: 'code', Title: 'title' },
      form: 'deal_quick',
    });
    expect((await api.delete('/api/meta/draft/forms/deal_quick')).status).toBe(204);
    expect((await api.post('/api/meta/publish')).status).toBe(200);

    const handler = importJobHandler({ cache: new MetadataCache(db), registries });
    const attempt = { data: { importId: job.id }, attemptsMade: 0, opts: { attempts: 5 } } as unknown as Job;
    await expect(handler(attempt, { db, logger: createLogger('silent') })).rejects.toThrow(/deal_quick/);
    expect(await service.get('deal', job.id)).toMatchObject({ status: 'failed', failure: { code: 'FORM_NOT_FOUND' }, processed: 0 });
    expect(await db.collection('rec_deal').countDocuments({ code: 'G-1' })).toBe(0);
  });
});

describe('writes the platform makes itself', () => {
  it('a workflow step may set a field the default form locks', async () => {
    const workflow = {
      key: 'price_won',
      label: l('Price won deals'),
      entity: 'deal',
      trigger: { type: 'record_updated', fields: ['stage'] },
      condition: is('record.stage', 'won'),
      start: 'price',
      steps: [{ id: 'price', type: 'update_record', config: { values: { amount: '99.00' } } }],
    };
    expect((await api.put('/api/meta/draft/workflows/price_won', workflow)).status).toBe(200);
    expect((await api.post('/api/meta/publish')).status).toBe(200);
    const deal = await create({ title: 'Auto', amount: '1', close_date: '2026-06-01' });
    expect((await patch(deal.body.id, { stage: 'won' })).status).toBe(200);
    const run = await waitFor(
      'the workflow run to finish',
      async () => {
        const found = await db.collection<{ status: string; failure?: unknown }>('workflow_runs').findOne({ workflow: 'price_won' });
        return found && ['completed', 'failed'].includes(found.status) ? found : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(run.status, JSON.stringify(run.failure)).toBe('completed');
    expect(await stored(deal.body.id)).toMatchObject({ stage: 'won', amount: '99.00' });
    // The same change through the API is refused: the form governs users, not the process.
    expect((await patch(deal.body.id, { amount: '98' })).status).toBe(422);
  });
});
