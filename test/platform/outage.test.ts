import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServices, type DevServices } from '../../server/src/dev-services/dev-services.js';
import { createJobHandlers } from '../../server/src/queues/jobs.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { timed, waitFor } from '../helpers/wait.js';

/**
 * Kills the database server, then Redis, under a running platform (API and worker in
 * one process), and checks that it notices, answers 503 fast, and recovers by itself
 * once they are back. This file runs its own servers so the kills touch no other test.
 */
let dataDir: string;
let services: DevServices;
let platform: TestPlatform;
const handled: string[] = [];

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-outage-'));
  services = await startDevServices(dataDir);
  const handlers = createJobHandlers().register('jobs:echo', async (job) => {
    handled.push(String(job.data.n));
    return job.data.n;
  });
  platform = await startTestPlatform({
    role: 'all',
    mongoUrl: services.mongoUrl,
    redisUrl: services.redisUrl,
    database: 'outage',
    queuePrefix: 'outage',
    handlers,
  });
});

afterAll(async () => {
  await platform?.stop();
  await services?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function get(pathname: string): Promise<{ status: number; body: { error?: { code: string } } & Record<string, unknown> }> {
  const res = await fetch(`${platform.url}${pathname}`, {
    headers: { Authorization: `Bearer ${platform.adminToken}` },
    signal: AbortSignal.timeout(10_000),
  });
  return { status: res.status, body: (await res.json()) as never };
}

async function readyzTurns(status: number, timeoutMs: number): Promise<number> {
  const { ms } = await timed(() =>
    waitFor(`/readyz ${status}`, async () => ((await get('/readyz')).status === status ? true : undefined), { timeoutMs, intervalMs: 200 }),
  );
  return ms;
}

async function runJob(n: number): Promise<unknown> {
  const queue = new Queue('jobs', { connection: { url: services.redisUrl }, prefix: 'outage' });
  const events = new QueueEvents('jobs', { connection: { url: services.redisUrl }, prefix: 'outage' });
  try {
    await events.waitUntilReady();
    const job = await queue.add('echo', { n });
    return await job.waitUntilFinished(events, 20_000);
  } finally {
    await Promise.all([queue.close(), events.close()]);
  }
}

describe.each([
  ['database', () => services.secantus, 'DATABASE_UNAVAILABLE'],
  ['redis', () => services.redis, 'REDIS_UNAVAILABLE'],
] as const)('when the %s server dies', (_name, server, code) => {
  it('readiness turns 503 within 5 s and API requests fail fast with 503 and a code', async () => {
    expect((await get('/readyz')).status).toBe(200);
    await server().kill();

    expect(await readyzTurns(503, 5000)).toBeLessThan(5000);
    const readyz = await get('/readyz');
    expect(readyz.body.status).toBe('unavailable');

    const { value, ms } = await timed(() => get('/api/system/status'));
    expect(value.status).toBe(503);
    expect(value.body.error?.code).toBe(code);
    expect(ms).toBeLessThan(3500);
  });

  it('recovers without a restart once the server is back', async () => {
    await server().start();
    await readyzTurns(200, 30_000);
    const status = await waitFor(
      'API status 200',
      async () => {
        const res = await get('/api/system/status');
        return res.status === 200 ? res : undefined;
      },
      { timeoutMs: 15_000 },
    );
    expect(status.body.database).toMatchObject({ ok: true });
    // The worker resumed by itself too: a job enqueued now is processed.
    const n = Date.now();
    expect(await runJob(n)).toBe(n);
    expect(handled).toContain(String(n));
  });
});
