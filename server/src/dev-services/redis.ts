import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { Redis } from 'ioredis';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';

export interface RedisServerOptions {
  /** Folder for the append-only file. */
  dataDir: string;
  /** Folder for the log and pid files. */
  runDir: string;
  port?: number;
  /** AOF persistence; on for the platform, off for tests that simulate losing Redis. */
  persistent?: boolean;
}

/** A local `redis-server` child process (Debian package `redis-server`). */
export class RedisServer extends ManagedProcess {
  private constructor(
    options: ConstructorParameters<typeof ManagedProcess>[0],
    readonly port: number,
  ) {
    super(options);
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async create(options: RedisServerOptions): Promise<RedisServer> {
    const command = redisServerBin();
    const port = options.port ?? (await freePort());
    fs.mkdirSync(options.dataDir, { recursive: true });
    const persistent = options.persistent ?? true;
    const args = [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      options.dataDir,
      '--appendonly',
      persistent ? 'yes' : 'no',
      '--appendfsync',
      'everysec',
      '--save',
      '',
      '--maxmemory-policy',
      'noeviction',
      '--daemonize',
      'no',
    ];
    const url = `redis://127.0.0.1:${port}`;
    return new RedisServer(
      { name: 'redis', command, args, runDir: options.runDir, startTimeoutMs: 30_000, ready: () => redisAnswers(url) },
      port,
    );
  }
}

function redisServerBin(): string {
  for (const candidate of ['/usr/bin/redis-server', '/usr/local/bin/redis-server']) {
    if (fs.existsSync(candidate)) return candidate;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('redis-server is not installed. Run `npm run setup` (installs Debian package redis-server), or set REDIS_URL.');
  }
}

/** True when a Redis server at `url` answers PING. */
export async function redisAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
