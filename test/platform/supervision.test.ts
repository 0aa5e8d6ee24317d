import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../../server/src/dev-services/ports.js';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import { signIn } from '../helpers/http.js';
import { TEST_ADMIN } from '../helpers/platform.js';
import { spawnPlatform } from '../helpers/process.js';
import { waitFor } from '../helpers/wait.js';

/**
 * `npm start` keeps its embedded database and Redis alive, and stops as a whole:
 * - a child killed with SIGKILL is restarted with backoff, its exit and last output
 *   logged, and the API recovers without a hand restart (issue #14, item 6);
 * - SIGTERM to npm or to node, or npm killed outright, stops node, the database and
 *   Redis, with nothing orphaned (issue #14, item 4).
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-supervision-'));
const started: ChildProcess[] = [];

afterAll(() => {
  for (const child of started) if (child.exitCode === null) child.kill('SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const pidOf = (name: 'secantus' | 'redis'): number => Number(fs.readFileSync(path.join(dataDir, 'run', `${name}.pid`), 'utf8'));

/** True while `pid` runs; a zombie (exited, not yet reaped by a busy init) counts as gone. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

describe('supervision of the embedded database and Redis', () => {
  it.each(['secantus', 'redis'] as const)(
    'restarts %s after kill -9 and the API recovers by itself',
    async (name) => {
      const platform = await spawnPlatform('all', { MONGODB_URL: '', REDIS_URL: '', DATA_DIR: dataDir });
      try {
        const before = pidOf(name);
        process.kill(before, 'SIGKILL');
        const logged = await waitFor(
          `${name} exit logged`,
          () =>
            platform
              .output()
              .split('\n')
              .find((l) => l.includes(`${name} exited by itself`)),
          { timeoutMs: 30_000 },
        );
        expect(JSON.parse(logged)).toMatchObject({ process: name, signal: 'SIGKILL', exitCode: null, lastOutput: expect.any(String) });
        await waitFor(`${name} restarted`, () => (platform.output().includes(`"${name} restarted"`) ? true : undefined), {
          timeoutMs: 60_000,
        });
        expect(pidOf(name)).not.toBe(before);
        await waitFor('ready again', async () => ((await fetch(`${platform.url}/readyz`)).status === 200 ? true : undefined), {
          timeoutMs: 60_000,
        });
        // Signing in writes a session (database) and counts the attempt (Redis). Redis
        // clients reconnect on their own schedule, so a first attempt may still meet a 503.
        const session = await waitFor('a sign-in to succeed', () => signIn(platform.url, TEST_ADMIN.email, TEST_ADMIN.password), {
          timeoutMs: 30_000,
          intervalMs: 250,
        });
        expect(session.user.email).toBe(TEST_ADMIN.email);
      } finally {
        expect(await platform.stop()).toBe(0);
      }
    },
    180_000,
  );
});

interface NpmStart {
  npm: ChildProcess;
  node: number;
  db: number;
  redis: number;
  output: () => string;
}

/** `npm start` as the README runs it, with the platform's own pid read from its log. */
async function npmStart(): Promise<NpmStart> {
  const port = await freePort();
  const npm = spawn('npm', ['start'], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      DATA_DIR: dataDir,
      MONGODB_URL: '',
      REDIS_URL: '',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(npm);
  let output = '';
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const line = await waitFor(
    'npm start to be running',
    () => {
      if (npm.exitCode !== null) throw new Error(`npm exited with ${npm.exitCode}:\n${output}`);
      return output.split('\n').find((l) => l.includes('"metacrm is running"'));
    },
    { timeoutMs: 90_000 },
  );
  const node = (JSON.parse(line) as { pid: number }).pid;
  return { npm, node, db: pidOf('secantus'), redis: pidOf('redis'), output: () => output };
}

describe('stopping npm start', () => {
  it.each([
    ['SIGTERM to npm', (s: NpmStart) => s.npm.kill('SIGTERM')],
    ['SIGTERM to node', (s: NpmStart) => process.kill(s.node, 'SIGTERM')],
    ['SIGKILL to npm', (s: NpmStart) => s.npm.kill('SIGKILL')],
  ])(
    '%s stops node, the database and Redis',
    async (_how, signal) => {
      const s = await npmStart();
      expect(s.node).not.toBe(s.npm.pid);
      // The production process: compiled JavaScript, no TypeScript compiled at load.
      const cmdline = fs.readFileSync(`/proc/${s.node}/cmdline`, 'utf8').split('\0');
      expect(cmdline).toContain('server/dist/main.js');
      expect(cmdline.join(' ')).not.toContain('tsx');
      signal(s);
      await waitFor('every process to stop', () => ([s.node, s.db, s.redis].some(alive) ? undefined : true), {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
      // A graceful stop: the platform said so before it exited.
      expect(s.output()).toContain('"msg":"stopping"');
    },
    180_000,
  );
});
