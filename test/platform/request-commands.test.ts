import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandStartedEvent } from 'mongodb';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * The database commands each kind of request sends (issue #19): command monitoring on
 * the platform's own client. Commands are deterministic, so the lists are exact: a
 * command that appears here is one the request needs, and a new one fails the test.
 */
const env = testEnv(import.meta.url);
const l = (en: string) => ({ 'zh-CN': en, en });
let platform: TestPlatform;
let api: ApiClient;
type Rec = Record<string, unknown> & { id: string; _version: number };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  const bundle = salesBundle();
  for (const kind of ['entities', 'rules'] as const)
    for (const item of bundle[kind]) await api.put(`/api/meta/draft/${kind}/${item.key}`, item);
  // Opportunities have an approval step that locks the record; accounts have none.
  const approval = {
    key: 'ask_boss',
    label: l('Ask the boss'),
    entity: 'opportunity',
    trigger: { type: 'manual' },
    start: 'ask',
    steps: [{ id: 'ask', type: 'approval', config: { approvers: { type: 'manager' } } }],
  };
  expect((await api.put('/api/meta/draft/workflows/ask_boss', approval)).status).toBe(200);
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

/** The commands the platform's own client sends while `request` runs: `name collection`. */
async function commandsOf(request: () => Promise<{ status: number }>, status: number): Promise<string[]> {
  const seen: string[] = [];
  const listener = (e: CommandStartedEvent) => {
    const target: unknown = e.command[e.commandName];
    seen.push(typeof target === 'string' ? `${e.commandName} ${target}` : e.commandName);
  };
  platform.mongo.on('commandStarted', listener);
  try {
    expect((await request()).status).toBe(status);
  } finally {
    platform.mongo.off('commandStarted', listener);
  }
  return seen;
}

const TRAIL = ['insert record_revisions', 'insert audit_log', 'insert outbox', 'commitTransaction'];

describe('the commands of a request', () => {
  let account: Rec;
  beforeAll(async () => {
    account = (await api.post<Rec>('/api/records/account', { name: 'Warm', code: 'W-0' })).body;
  });

  it('GET by id: the record, nothing else (credentials, settings and metadata come from caches)', async () => {
    expect(await commandsOf(() => api.get(`/api/records/account/${account.id}`), 200)).toEqual(['find rec_account']);
  });

  it('a list: one find', async () => {
    expect(await commandsOf(() => api.get('/api/records/account?sort=-name&limit=50'), 200)).toEqual(['find rec_account']);
  });

  it('a create: the insert and its trail in one transaction, answered from what it wrote', async () => {
    expect(await commandsOf(() => api.post('/api/records/account', { name: 'Acme', code: 'A-1' }), 201)).toEqual([
      'insert rec_account',
      ...TRAIL,
    ]);
  });

  it('a PATCH of an entity no approval step locks: no approvals read, no read back', async () => {
    const commands = await commandsOf(async () => {
      const res = await api.patch<Rec>(`/api/records/account/${account.id}`, { name: 'Warm 2', _version: account._version });
      expect(res.body).toMatchObject({ name: 'Warm 2', _version: account._version + 1 });
      // The answer is what a read gives.
      expect((await api.get<Rec>(`/api/records/account/${account.id}`)).body).toEqual(res.body);
      return res;
    }, 200);
    expect(commands).toEqual(['find rec_account', 'update rec_account', ...TRAIL, 'find rec_account']);
    expect(commands).not.toContain('find approvals');
  });

  it('a bulk create: one transaction per 250 records with their trails, a bad record failing alone with its index', async () => {
    const operations = Array.from({ length: 600 }, (_, i) => ({
      op: 'create',
      data: i === 317 ? { code: 'no name' } : { name: `Bulk ${i}`, code: `B-${i}` },
    }));
    let answer: { results: { index: number; status: number; error?: { details: { problems: { pointer: string }[] } } }[] } | undefined;
    const commands = await commandsOf(async () => {
      const res = await api.post<NonNullable<typeof answer>>('/api/records/account/bulk', { operations });
      answer = res.body;
      return res;
    }, 200);
    const failed = answer!.results.filter((r) => r.status !== 201);
    expect(failed.map((r) => [r.index, r.status, r.error?.details.problems[0]?.pointer])).toEqual([[317, 422, '/name']]);
    const batch = ['insert rec_account', ...TRAIL];
    expect(commands).toEqual([...batch, ...batch, ...batch]);
  });

  it('a PATCH of an entity an approval step locks still looks for a pending approval', async () => {
    const deal = (await api.post<Rec>('/api/records/opportunity', { title: 'Locked kind' })).body;
    const commands = await commandsOf(() => api.patch(`/api/records/opportunity/${deal.id}`, { title: 'Still open', _version: 1 }), 200);
    expect(commands).toContain('find approvals');
  });
});
