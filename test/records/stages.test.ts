import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Entity, Problem } from '@metacrm/metadata';
import type { ApiImport } from '../../server/src/records/import/import-job.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { waitFor } from '../helpers/wait.js';

const env = testEnv(import.meta.url);
const l = (text: string) => ({ 'zh-CN': text, en: text });
let platform: TestPlatform;
let api: ApiClient;
let db: Db;
type Rec = Record<string, unknown> & { id: string; _version: number };
type Err = { error: { code: string; details: { problems?: Problem[] } } };
const SLOW = 120_000;

/** A deal whose stage is a process: new → qualified (needs an amount) → won (needs a close date) or lost (needs a reason). */
const deal = {
  key: 'deal',
  label: l('Deal'),
  displayField: 'title',
  fields: [
    { key: 'title', type: 'text', label: l('Title'), required: true },
    { key: 'amount', type: 'currency', label: l('Amount'), currencyCode: 'CNY' },
    { key: 'close_date', type: 'date', label: l('Close date') },
    { key: 'lost_reason', type: 'text', label: l('Lost reason') },
    {
      key: 'stage',
      type: 'single_select',
      label: l('Stage'),
      default: 'new',
      options: ['new', 'qualified', 'won', 'lost'].map((key) => ({ key, label: l(key) })),
      process: {
        stages: {
          new: { next: ['qualified', 'lost'] },
          qualified: { next: ['won', 'lost'], requiredFields: ['amount'] },
          won: { next: [], requiredFields: ['close_date'] },
          lost: { next: ['new'], requiredFields: ['lost_reason'] },
        },
      },
    },
  ],
} as Entity;

const workflow = {
  key: 'fast_track',
  label: l('Fast track'),
  entity: 'deal',
  trigger: { type: 'record_created' },
  condition: { '==': [{ var: 'record.title' }, 'Fast'] },
  start: 'win',
  steps: [{ id: 'win', type: 'update_record', config: { values: { stage: 'won' } } }],
};

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
  expect((await api.put('/api/meta/draft/entities/deal', deal)).status).toBeLessThan(300);
  expect((await api.put('/api/meta/draft/workflows/fast_track', workflow)).status).toBeLessThan(300);
  const published = await api.post('/api/meta/publish');
  expect(published.status, JSON.stringify(published.body)).toBe(200);
}, SLOW);
afterAll(async () => {
  await platform?.stop();
});

const problemsOf = (body: unknown) => (body as Err).error.details.problems!.map((p) => `${p.pointer} ${p.code}`);
const create = (data: Record<string, unknown>) => api.post<Rec>('/api/records/deal', data);
const patch = (id: string, data: Record<string, unknown>) => api.patch<Rec>(`/api/records/deal/${id}`, data);

describe('guided stages', () => {
  it('refuses a move the process does not allow, and a stage without its required fields, naming the field', async () => {
    const created = await create({ title: 'A' });
    expect(created.status).toBe(201);
    const id = created.body.id;

    const skip = await patch(id, { stage: 'won', close_date: '2026-12-01' });
    expect(skip.status).toBe(422);
    expect(problemsOf(skip.body)).toEqual(['/stage STAGE_TRANSITION_NOT_ALLOWED']);
    expect((skip.body as unknown as Err).error.details.problems![0]!.params).toMatchObject({
      from: 'new',
      to: 'won',
      allowed: ['qualified', 'lost'],
    });

    const bare = await patch(id, { stage: 'qualified' });
    expect(bare.status).toBe(422);
    expect(problemsOf(bare.body)).toEqual(['/amount STAGE_FIELD_REQUIRED']);
    expect((bare.body as unknown as Err).error.details.problems![0]!.params).toEqual({
      field: 'amount',
      process: 'stage',
      stage: 'qualified',
    });

    expect((await patch(id, { stage: 'qualified', amount: '100' })).status).toBe(200);
    // In the stage, its required field cannot be cleared; other fields change freely.
    expect(problemsOf((await patch(id, { amount: null })).body)).toEqual(['/amount STAGE_FIELD_REQUIRED']);
    expect((await patch(id, { title: 'A2' })).status).toBe(200);
    expect((await patch(id, { stage: 'won', close_date: '2026-12-01' })).status).toBe(200);
    // Won is final: no next stage.
    expect(problemsOf((await patch(id, { stage: 'lost', lost_reason: 'x' })).body)).toEqual(['/stage STAGE_TRANSITION_NOT_ALLOWED']);
  });

  it("applies the first stage's required fields to a new record, but no transition", async () => {
    expect(problemsOf((await create({ title: 'B', stage: 'lost' })).body)).toEqual(['/lost_reason STAGE_FIELD_REQUIRED']);
    expect((await create({ title: 'B', stage: 'lost', lost_reason: 'budget' })).status).toBe(201);
  });

  it(
    'holds on bulk writes and imports',
    async () => {
      const { body: b } = await create({ title: 'C' });
      const bulk = await api.post<{ results: { status: number; error?: Err['error'] }[] }>('/api/records/deal/bulk', {
        operations: [
          { op: 'update', id: b.id, data: { stage: 'won', close_date: '2026-01-01' } },
          { op: 'create', data: { title: 'D', stage: 'qualified' } },
        ],
      });
      expect(JSON.stringify(bulk.body)).toContain('STAGE_TRANSITION_NOT_ALLOWED');
      expect(JSON.stringify(bulk.body)).toContain('STAGE_FIELD_REQUIRED');

      const csv = `title,stage,amount\r\nE,qualified,\r\nF,qualified,5\r\n`;
      const started = await api.post<ApiImport>('/api/records/deal/import', {
        file: { name: 'deals.csv', contentBase64: Buffer.from(csv).toString('base64') },
        mapping: { title: 'title', stage: 'stage', amount: 'amount' },
      });
      expect(started.status, JSON.stringify(started.body)).toBe(202);
      const done = await waitFor(
        'the import',
        async () => {
          const { body } = await api.get<ApiImport>(`/api/records/deal/imports/${started.body.id}`);
          return ['completed', 'failed'].includes(body.status) ? body : undefined;
        },
        { timeoutMs: SLOW, intervalMs: 50 },
      );
      expect(done).toMatchObject({ status: 'completed', created: 1, failed: 1 });
      expect(done.errors).toEqual([expect.objectContaining({ row: 2, field: 'amount', code: 'STAGE_FIELD_REQUIRED' })]);
    },
    SLOW,
  );

  it(
    'holds on a workflow step: the run fails with the problem instead of skipping a stage',
    async () => {
      const { body } = await create({ title: 'Fast' });
      const run = await waitFor(
        'the workflow run',
        async () => {
          const found = await db
            .collection<{ status: string; failure?: unknown; log: { error?: { problems?: Problem[] } }[] }>('workflow_runs')
            .findOne({ workflow: 'fast_track', 'scope.record.id': body.id });
          return found && ['completed', 'failed'].includes(found.status) ? found : undefined;
        },
        { timeoutMs: SLOW, intervalMs: 50 },
      );
      expect(run.status).toBe('failed');
      expect(run.failure).toMatchObject({ step: 'win', code: 'RECORD_INVALID' });
      // The run log says why, with the pointer.
      expect(run.log.at(-1)!.error!.problems).toEqual([
        expect.objectContaining({ pointer: '/stage', code: 'STAGE_TRANSITION_NOT_ALLOWED' }),
        expect.objectContaining({ pointer: '/close_date', code: 'STAGE_FIELD_REQUIRED' }),
      ]);
      expect((await api.get<Rec>(`/api/records/deal/${body.id}`)).body.stage).toBe('new');
    },
    SLOW,
  );
});
