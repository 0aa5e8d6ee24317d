import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll } from 'vitest';
import { freePort } from '../../server/src/dev-services/ports.js';
import { repoRoot } from '../../server/src/dev-services/paths.js';
import { TEST_ADMIN } from './platform.js';
import { waitFor } from './wait.js';

export interface PlatformProcess {
  child: ChildProcess;
  url: string;
  output: () => string;
  /** Sends SIGTERM and resolves with the exit code. */
  stop: () => Promise<number | null>;
}

const running = new Set<ChildProcess>();
afterAll(() => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Runs `main.ts <role>` as a real process, as `npm run api` / `npm run worker` would,
 * and resolves once it is ready (API) or has logged that it runs (worker). The first
 * admin is TEST_ADMIN unless `env` sets ADMIN_EMAIL / ADMIN_PASSWORD (to '' for none). No
 * standard app is installed unless `env` sets STANDARD_APP.
 */
export async function spawnPlatform(role: 'all' | 'api' | 'worker', env: Record<string, string>): Promise<PlatformProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', role], {
    cwd: repoRoot,
    env: {
      ...process.env,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: TEST_ADMIN.email,
      ADMIN_PASSWORD: TEST_ADMIN.password,
      STANDARD_APP: 'none',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${role} process to be ready`,
    async () => {
      if (child.exitCode !== null) throw new Error(`exited with ${child.exitCode}:\n${output}`);
      if (role === 'worker') return output.includes('"metacrm is running"') ? true : undefined;
      const res = await fetch(`${url}/readyz`).catch(() => undefined);
      return res?.status === 200 ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 100 },
  );
  return {
    child,
    url,
    output: () => output,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      const code = await exited;
      running.delete(child);
      return code;
    },
  };
}
