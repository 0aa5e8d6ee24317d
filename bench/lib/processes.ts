import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '../../server/src/dev-services/ports.js';
import { repoRoot } from '../../server/src/dev-services/paths.js';

/** The first admin of the platform processes a benchmark starts. */
export const BENCH_PROCESS_ADMIN = { email: 'bench.admin@metacrm.local', password: 'bench admin password' };

/** How a platform process runs: compiled ahead (`npm start`) or compiled at load by tsx (`npm run dev`). */
export const VARIANTS = {
  compiled: ['--enable-source-maps', 'server/dist/main.js'],
  tsx: ['--import', 'tsx', 'server/src/main.ts'],
} as const;
export type Variant = keyof typeof VARIANTS;

/** A platform process that said it is running. */
export interface Started {
  child: ChildProcess;
  url: string;
  readyMs: number;
}

/** Resident memory of a process in MiB, from /proc (0 once it has exited). */
export function rssMiB(pid: number): number {
  if (!fs.existsSync(`/proc/${pid}/status`)) return 0;
  const line = fs
    .readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'));
  return Number(line?.replace(/\D+/g, '') ?? 0) / 1024;
}

/**
 * Starts `main.js <role>` on a free port with `env` (the store, Redis, database and
 * prefix) and resolves once it logs that it runs; `readyMs` is the time from spawn.
 */
export async function startRole(
  variant: Variant,
  role: 'api' | 'worker',
  env: Record<string, string>,
  extraArgs: readonly string[] = [],
): Promise<Started> {
  const port = await freePort();
  const started = Date.now();
  const [first, ...rest] = VARIANTS[variant];
  const child = spawn(process.execPath, [...extraArgs, first, ...rest, role], {
    cwd: repoRoot,
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      LOG_LEVEL: 'info',
      ADMIN_EMAIL: BENCH_PROCESS_ADMIN.email,
      ADMIN_PASSWORD: BENCH_PROCESS_ADMIN.password,
      STANDARD_APP: 'none',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    if (output.length < 1_000_000) output += chunk.toString();
  };
  child.stdout!.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${variant} ${role} exited with ${child.exitCode}:\n${output}`);
    if (output.includes('"metacrm is running"')) break;
    await sleep(20);
  }
  // Keep reading what it logs (a full pipe would stall it), keeping only the end, which an early exit prints.
  child.stdout!.off('data', collect);
  let tail = '';
  child.stdout!.on('data', (chunk: Buffer) => (tail = (tail + chunk.toString()).slice(-20_000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM')
      console.error(`${variant} ${role} exited early (${code ?? signal}); the end of its log:\n${tail}`);
  });
  return { child, url, readyMs: Date.now() - started };
}

/** Stops a process with SIGTERM and waits for it to exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Signs the benchmark admin in and answers the session token. */
export async function signInAdmin(url: string): Promise<string> {
  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(BENCH_PROCESS_ADMIN),
  });
  if (login.status !== 200) throw new Error(`bench admin sign-in failed: ${login.status} ${await login.text()}`);
  return ((await login.json()) as { token: string }).token;
}
