import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { repoRoot } from '../../server/src/dev-services/paths.js';

/** What a worker process needs: the store, the queue prefix and the receiver it may call. */
export interface WorkerEnv {
  mongoUrl: string;
  redisUrl: string;
  database: string;
  queuePrefix: string;
  /** `host:port` of the receiver, for OUTBOUND_ALLOWLIST. */
  allow: string;
}

/** Worker processes as `npm run worker` runs them. */
export class WorkerPool {
  private constructor(private readonly children: ChildProcess[]) {}

  /** Starts `count` workers and resolves once each has logged that it runs (or throws with its output). */
  static async start(count: number, env: WorkerEnv): Promise<WorkerPool> {
    const children = Array.from({ length: count }, () =>
      spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts', 'worker'], {
        cwd: repoRoot,
        env: {
          ...process.env,
          MONGODB_URL: env.mongoUrl,
          REDIS_URL: env.redisUrl,
          MONGODB_DATABASE: env.database,
          QUEUE_PREFIX: env.queuePrefix,
          OUTBOUND_ALLOWLIST: env.allow,
          LOG_LEVEL: 'info',
          ADMIN_EMAIL: '',
          ADMIN_PASSWORD: '',
          // The embedded server answers one command at a time; see bench/records/http-ops.ts.
          HEALTH_PING_TIMEOUT_MS: '60000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const pool = new WorkerPool(children);
    // Ctrl-C ends the benchmark through process.exit: take the workers along.
    process.once('exit', () => children.forEach((child) => child.exitCode === null && child.kill('SIGKILL')));
    try {
      await Promise.all(children.map((child) => ready(child)));
    } catch (err) {
      await pool.stop();
      throw err;
    }
    return pool;
  }

  /** SIGTERM (graceful: jobs in hand finish), then SIGKILL after 20 s. */
  async stop(): Promise<void> {
    await Promise.all(
      this.children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

async function ready(child: ChildProcess): Promise<void> {
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 120_000;
  while (!output.includes('"metacrm is running"')) {
    if (child.exitCode !== null) throw new Error(`worker exited with ${child.exitCode}:\n${output}`);
    if (Date.now() > deadline) throw new Error(`worker not running after 120 s:\n${output}`);
    await sleep(100);
  }
  // Keep draining its output so a chatty worker never blocks on a full pipe; show its
  // warnings (such as DB_SLOW_MS's slow commands) and errors.
  let partial = '';
  child.stdout!.removeAllListeners('data').on('data', (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) if (/^\{"level":(4|5|6)0,/.test(line)) process.stderr.write(`${line}\n`);
  });
  child.stderr!.removeAllListeners('data').on('data', (chunk: Buffer) => process.stderr.write(chunk));
}
