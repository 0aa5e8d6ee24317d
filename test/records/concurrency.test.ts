import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

const env = testEnv(import.meta.url);
let platform: TestPlatform;
let api: ApiClient;
const label = { 'zh-CN': '计数', en: 'Counter' };
type Rec = { id: string; _version: number; hits: number; number: string };

beforeAll(async () => {
  await openTestDb(env);
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
  await api.put('/api/meta/draft/entities/ticket', {
    key: 'ticket',
    label,
    displayField: 'name',
    fields: [
      { key: 'name', type: 'text', label },
      { key: 'hits', type: 'integer', label, default: 0 },
      { key: 'number', type: 'auto_number', label, prefix: 'T', digits: 4 },
    ],
  });
  expect((await api.post('/api/meta/publish')).status).toBe(200);
});
afterAll(async () => {
  await platform?.stop();
});

describe('concurrency', () => {
  it('never repeats an auto-number under 200 concurrent creates', async () => {
    const answers = await Promise.all(Array.from({ length: 200 }, (_, i) => api.post<Rec>('/api/records/ticket', { name: `t${i}` })));
    expect(answers.map((a) => a.status).filter((s) => s !== 201)).toEqual([]);
    const numbers = answers.map((a) => a.body.number).sort();
    expect(new Set(numbers).size).toBe(200);
    expect(numbers[0]).toBe('T-0001');
    expect(numbers[199]).toBe('T-0200');
  });

  it('loses no update: 50 clients, 200 versioned PATCHes each, on 10 shared records', async () => {
    const created = (await api.get<{ records: Rec[] }>('/api/records/ticket?limit=10&sort=number')).body.records;
    const targets = created.map((r) => r.id);
    const successes = new Map<string, number>(targets.map((id) => [id, 0]));
    const unexpected: number[] = [];
    const client = async (c: number) => {
      // Each client edits from what it last saw, and reloads only after a conflict.
      const seen = new Map<string, Rec>();
      for (let i = 0; i < 200; i++) {
        const id = targets[(c + i) % targets.length]!;
        const current = seen.get(id) ?? (await api.get<Rec>(`/api/records/ticket/${id}`)).body;
        const res = await api.patch<Rec>(`/api/records/ticket/${id}`, { _version: current._version, hits: current.hits + 1 });
        if (res.status === 200) {
          successes.set(id, successes.get(id)! + 1);
          seen.set(id, res.body);
        } else {
          seen.delete(id);
          if (res.status !== 409) unexpected.push(res.status);
        }
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, c) => client(c)));
    expect(unexpected).toEqual([]);
    for (const id of targets) {
      const record = await api.get<Rec>(`/api/records/ticket/${id}`);
      expect(record.body.hits).toBe(successes.get(id));
      expect(record.body._version).toBe(successes.get(id)! + 1);
    }
    expect([...successes.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  }, 600_000);
});
