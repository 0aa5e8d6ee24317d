import fs from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';
import { secantusBin } from './paths.js';

export interface SecantusOptions {
  /** WiredTiger home; created if missing and reopened intact across restarts. */
  storagePath: string;
  /** Folder for the log and pid files. */
  runDir: string;
  port?: number;
  /** Enables `configureFailPoint`, for tests that fail commands on purpose. */
  testCommands?: boolean;
}

/**
 * The embedded MongoDB-compatible server (SecantusDB), run as a child process with
 * `--sync-on-commit` so acknowledged writes survive a crash.
 */
export class SecantusServer extends ManagedProcess {
  private constructor(
    options: ConstructorParameters<typeof ManagedProcess>[0],
    readonly port: number,
  ) {
    super(options);
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/?directConnection=true`;
  }

  static async create(options: SecantusOptions): Promise<SecantusServer> {
    if (!fs.existsSync(secantusBin)) {
      throw new Error(`SecantusDB is not installed at ${secantusBin}. Run \`npm run setup\`, or set MONGODB_URL.`);
    }
    const port = options.port ?? (await freePort());
    fs.mkdirSync(path.dirname(options.storagePath), { recursive: true });
    const args = ['--host', '127.0.0.1', '--port', String(port), '--storage-path', options.storagePath, '--sync-on-commit', '--log-level', 'WARNING'];
    if (options.testCommands) args.push('--enable-test-commands');
    const url = `mongodb://127.0.0.1:${port}/?directConnection=true`;
    return new SecantusServer(
      {
        name: 'secantus',
        command: secantusBin,
        args,
        runDir: options.runDir,
        startTimeoutMs: 90_000,
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
        ready: () => mongoAnswers(url),
      },
      port,
    );
  }
}

/** True when a MongoDB server at `url` answers `ping`. */
export async function mongoAnswers(url: string, timeoutMs = 1000): Promise<boolean> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: timeoutMs, connectTimeoutMS: timeoutMs });
  try {
    await client.db('admin').command({ ping: 1 });
    return true;
  } catch {
    return false;
  } finally {
    await client.close().catch(() => undefined);
  }
}
