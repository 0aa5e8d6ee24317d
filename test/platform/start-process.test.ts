import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isListening } from '../../server/src/dev-services/ports.js';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `npm start` as a user runs it: a real process that starts the embedded database and
 * Redis itself, serves the API and apps, stops everything on SIGTERM, and finds its
 * data again on the next start.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-start-'));
const running = new Set<ChildProcess>();

afterAll(async () => {
  for (const child of running) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  url: string;
  mongoUrl: string;
  redisUrl: string;
  output: () => string;
  readyMs: number;
}

async function start(env: Record<string, string> = {}): Promise<Started> {
  const port = await freePort();
  const startedAt = Date.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'all'], {
    cwd: repoRoot,
    env: { ...process.env, MONGODB_URL: '', REDIS_URL: '', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor('the platform to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output}`);
    const res = await fetch(`${url}/readyz`).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, { timeoutMs: 60_000, intervalMs: 200 });
  const readyMs = Date.now() - startedAt;
  const line = output.split('\n').find((l) => l.includes('"metacrm is running"'));
  const running_ = JSON.parse(line!) as { mongo: string; redis: string };
  return { child, url, mongoUrl: running_.mongo, redisUrl: running_.redis, output: () => output, readyMs };
}

async function stop(started: Started): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => started.child.once('exit', (code) => resolve(code)));
  started.child.kill('SIGTERM');
  const code = await exited;
  running.delete(started.child);
  return code;
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

    // Write through the real services it started.
    const mongo = new MongoClient(first.mongoUrl);
    await mongo.db('metacrm').collection('persistence_probe').insertOne({ _id: 'probe' as never, value: 42 });
    await mongo.close();
    const redis = new Redis(first.redisUrl);
    await redis.set('metacrm:persistence-probe', 'kept');
    await redis.quit();

    mongoPort = Number(new URL(first.mongoUrl).port);
    redisPort = Number(new URL(first.redisUrl).port);
    expect(await stop(first)).toBe(0);
  });

  it('stopped its database and Redis on SIGTERM', async () => {
    expect(mongoPort).toBeGreaterThan(0);
    expect(await isListening(mongoPort)).toBe(false);
    expect(await isListening(redisPort)).toBe(false);
  });

  it('finds the data again after a restart', async () => {
    const second = await start();
    const mongo = new MongoClient(second.mongoUrl);
    expect(await mongo.db('metacrm').collection('persistence_probe').findOne({ _id: 'probe' as never })).toMatchObject({ value: 42 });
    await mongo.close();
    const redis = new Redis(second.redisUrl);
    expect(await redis.get('metacrm:persistence-probe')).toBe('kept');
    await redis.quit();
    expect(await stop(second)).toBe(0);
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
