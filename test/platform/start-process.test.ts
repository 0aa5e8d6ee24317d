import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { isListening } from '../../server/src/dev-services/ports.js';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import { signIn } from '../helpers/http.js';
import { spawnPlatform, type PlatformProcess } from '../helpers/process.js';
import { timed, waitFor } from '../helpers/wait.js';

/**
 * `npm start` as a user runs it: a real process that starts the embedded database and
 * Redis itself, serves the API and apps, stops everything on SIGTERM, and finds its
 * data again on the next start. It runs without ADMIN_EMAIL / ADMIN_PASSWORD, as a
 * first try would: the first admin's generated password is printed once. It installs
 * the standard CRM on the first start only.
 */
let adminPassword = '';

/** The current metadata version and its entity keys, as the first admin sees them. */
async function currentMetadata(url: string): Promise<{ version: number; entities: string[] }> {
  const { token } = await signIn(url, 'admin@metacrm.local', adminPassword);
  const res = await fetch(`${url}/api/meta`, { headers: { Authorization: `Bearer ${token}` } });
  const body = (await res.json()) as { version: number; bundle: { entities: { key: string }[] } };
  return { version: body.version, entities: body.bundle.entities.map((e) => e.key) };
}
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-start-'));

afterAll(() => {
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Started extends PlatformProcess {
  mongoUrl: string;
  redisUrl: string;
  readyMs: number;
}

async function start(): Promise<Started> {
  const { value: started, ms: readyMs } = await timed(() =>
    spawnPlatform('all', { MONGODB_URL: '', REDIS_URL: '', DATA_DIR: dataDir, ADMIN_EMAIL: '', ADMIN_PASSWORD: '', STANDARD_APP: 'crm' }),
  );
  const line = started
    .output()
    .split('\n')
    .find((l) => l.includes('"metacrm is running"'));
  const { mongo, redis } = JSON.parse(line!) as { mongo: string; redis: string };
  return { ...started, mongoUrl: mongo, redisUrl: redis, readyMs };
}

describe('npm start', () => {
  let mongoPort = 0;
  let redisPort = 0;

  it('starts the database, Redis, API and apps, ready within 60 s, printing the URL', async () => {
    const first = await start();
    expect(first.readyMs).toBeLessThan(60_000);
    expect(first.output()).toContain(`metacrm is running at ${first.url}`);
    const home = await fetch(`${first.url}/`);
    expect(home.status).toBe(200);
    expect(home.headers.get('content-type')).toContain('text/html');
    const designer = await fetch(`${first.url}/designer/`);
    expect(designer.status).toBe(200);

    // The generated first-admin password: on the console once, in no log line, and it works.
    const printed = [...first.output().matchAll(/Password \(shown only now\): (\S+)/g)].map((m) => m[1]!);
    expect(printed).toHaveLength(1);
    const logLines = first
      .output()
      .split('\n')
      .filter((l) => l.startsWith('{'));
    expect(logLines.some((l) => l.includes('created the first administrator'))).toBe(true);
    expect(logLines.filter((l) => l.includes(printed[0]!))).toEqual([]);
    expect((await signIn(first.url, 'admin@metacrm.local', printed[0]!)).user.roles).toEqual(['admin']);
    adminPassword = printed[0]!;

    // The standard CRM, published on this first start.
    expect(logLines.some((l) => l.includes('installed the standard app'))).toBe(true);
    const meta = await currentMetadata(first.url);
    expect(meta.version).toBe(1);
    expect(meta.entities).toEqual(expect.arrayContaining(['customer', 'lead', 'opportunity', 'contract', 'ticket']));

    // Write through the real services it started.
    const mongo = new MongoClient(first.mongoUrl);
    await mongo
      .db('metacrm')
      .collection('persistence_probe')
      .insertOne({ _id: 'probe' as never, value: 42 });
    await mongo.close();
    const redis = new Redis(first.redisUrl);
    await redis.set('metacrm:persistence-probe', 'kept');
    await redis.quit();

    mongoPort = Number(new URL(first.mongoUrl).port);
    redisPort = Number(new URL(first.redisUrl).port);
    expect(await first.stop()).toBe(0);
  });

  it('stopped its database and Redis on SIGTERM', async () => {
    expect(mongoPort).toBeGreaterThan(0);
    expect(await isListening(mongoPort)).toBe(false);
    expect(await isListening(redisPort)).toBe(false);
  });

  it('finds the data again after a restart', async () => {
    const second = await start();
    expect(second.output()).not.toContain('shown only now');
    expect(second.output()).not.toContain('installed the standard app');
    expect((await currentMetadata(second.url)).version).toBe(1);
    const mongo = new MongoClient(second.mongoUrl);
    expect(
      await mongo
        .db('metacrm')
        .collection('persistence_probe')
        .findOne({ _id: 'probe' as never }),
    ).toMatchObject({ value: 42 });
    await mongo.close();
    const redis = new Redis(second.redisUrl);
    expect(await redis.get('metacrm:persistence-probe')).toBe('kept');
    await redis.quit();
    expect(await second.stop()).toBe(0);
  });

  it('exits at once on a second signal, and still stops the database and Redis it started', async () => {
    const third = await start();
    const ports = [Number(new URL(third.mongoUrl).port), Number(new URL(third.redisUrl).port)];
    const exited = new Promise<number | null>((resolve) => third.child.once('exit', (code) => resolve(code)));
    third.child.kill('SIGTERM');
    // The second signal once the first is being handled (two at once may arrive as one).
    await waitFor('the graceful stop to begin', () => (third.output().includes('"msg":"stopping"') ? true : undefined), { intervalMs: 5 });
    third.child.kill('SIGTERM');
    expect(await exited).toBe(1);
    expect(third.output()).toContain('second signal: exiting now');
    await waitFor(
      'the database and Redis to stop',
      async () => ((await Promise.all(ports.map((p) => isListening(p)))).some(Boolean) ? undefined : true),
      { timeoutMs: 30_000 },
    );
  });

  it('refuses a bad configuration with a message naming the variable', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'all'], {
      cwd: repoRoot,
      env: { ...process.env, PORT: 'eighty', DATA_DIR: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('PORT: must be a whole number');
  });
});
