import { createHash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Db } from 'mongodb';
import { Redis } from 'ioredis';
import { afterAll, inject } from 'vitest';

export interface TestEnv {
  mongoUrl: string;
  redisUrl: string;
  /** A database name of this test file's own. */
  dbName: string;
  /** A BullMQ / Redis key prefix of this test file's own. */
  prefix: string;
  embedded: boolean;
}

/** Names this test file's database and queue prefix from its path: `testEnv(import.meta.url)`. */
export function testEnv(fileUrl: string): TestEnv {
  const file = path.relative(process.cwd(), fileURLToPath(fileUrl));
  const hash = createHash('sha1').update(file).digest('hex').slice(0, 8);
  const base = path
    .basename(file)
    .replace(/\.test\.ts$/, '')
    .replace(/[^a-z0-9]+/gi, '_')
    .slice(0, 24);
  return {
    mongoUrl: inject('mongoUrl'),
    redisUrl: inject('redisUrl'),
    dbName: `t_${base}_${hash}`,
    prefix: `t_${base}_${hash}`,
    embedded: inject('embedded'),
  };
}

/**
 * Connects to this file's own database, dropped first so every run starts clean, and
 * closed after the file's tests.
 */
export async function openTestDb(env: TestEnv): Promise<{ client: MongoClient; db: Db }> {
  const client = new MongoClient(env.mongoUrl, { serverSelectionTimeoutMS: 10_000 });
  await client.connect();
  const db = client.db(env.dbName);
  await db.dropDatabase();
  afterAll(async () => {
    await client.close();
  });
  return { client, db };
}

/** A Redis connection closed after the file's tests; keys under `env.prefix` are removed first. */
export async function openTestRedis(env: TestEnv): Promise<Redis> {
  const redis = new Redis(env.redisUrl, { maxRetriesPerRequest: null });
  const keys = await redis.keys(`${env.prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  afterAll(async () => {
    await redis.quit();
  });
  return redis;
}
