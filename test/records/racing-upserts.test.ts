import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSequence } from '../../server/src/record-storage/auto-number.js';
import { upsertAndUpdate } from '../../server/src/storage/upsert.js';
import { salesBundle } from '../fixtures/sales-bundle.js';
import { openTestDb, openTestRedis, testEnv } from '../helpers/env.js';
import { apiClient, type ApiClient } from '../helpers/http.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * 50 concurrent callers creating the same missing document. A `findOneAndUpdate` upsert
 * may answer such callers `null` on SecantusDB (most of them on secantusd-rs) although
 * it applied every write; nothing in the platform relies on that answer
 * (storage/upsert.ts), so every caller gets its own document.
 */
const env = testEnv(import.meta.url);
let db: Db;
let platform: TestPlatform;
let api: ApiClient;

beforeAll(async () => {
  ({ db } = await openTestDb(env));
  await openTestRedis(env);
  platform = await startTestPlatform({ mongoUrl: env.mongoUrl, redisUrl: env.redisUrl, database: env.dbName, queuePrefix: env.prefix });
  api = apiClient(platform.url, { token: platform.adminToken });
});
afterAll(async () => {
  await platform?.stop();
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);

describe('50 concurrent upserts of a missing document', () => {
  it('hand out auto-numbers 1 to 50 from a counter that did not exist, for each of 5 counters', async () => {
    for (const counter of range(5).map((k) => `invoice.number.${k}`)) {
      const numbers = await Promise.all(range(50).map(() => nextSequence(db, counter)));
      expect(
        numbers.sort((a, b) => a - b),
        counter,
      ).toEqual(range(50));
    }
  });

  it('give every caller the document as its own update left it, for 10 callers on each of 5 keys', async () => {
    const shares = db.collection<{ _id: string; hits: number; createdBy?: number }>('racing_shares');
    const calls = range(5).flatMap((key) =>
      range(10).map((i) => ({ key: `k${key}`, doc: upsertAndUpdate(shares, { _id: `k${key}` }, { createdBy: i }, { $inc: { hits: 1 } }) })),
    );
    const docs = await Promise.all(calls.map(async ({ key, doc }) => ({ key, hits: (await doc).hits })));
    for (const key of range(5).map((k) => `k${k}`)) {
      expect(
        docs
          .filter((d) => d.key === key)
          .map((d) => d.hits)
          .sort((a, b) => a - b),
        key,
      ).toEqual(range(10));
    }
    expect(await shares.countDocuments()).toBe(5);
  });

  it('save each new draft item 50 times at once, each answer a document with its own revision', async () => {
    for (const entity of salesBundle().entities) {
      const answers = await Promise.all(range(50).map(() => api.put<{ rev: number }>(`/api/meta/draft/entities/${entity.key}`, entity)));
      expect(
        answers.map((a) => a.status),
        entity.key,
      ).toEqual(range(50).map(() => 200));
      expect(
        answers.map((a) => a.body.rev).sort((a, b) => a - b),
        entity.key,
      ).toEqual(range(50));
    }
  });
});
