import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import type { EmbeddedDb } from '../config/config.js';
import { ManagedProcess } from './managed-process.js';
import { freePort } from './ports.js';
import { secantusBin, secantusRsBin, SECANTUS_RS_VERSION } from './paths.js';
import { chooseEmbeddedDb, recordDataFolderOwner } from './data-folder.js';

export interface SecantusOptions {
  /** WiredTiger home; created if missing and reopened intact across restarts. */
  storagePath: string;
  /** Folder for the log and pid files. */
  runDir: string;
  port?: number;
  /** Enables `configureFailPoint`, for tests that fail commands on purpose. */
  testCommands?: boolean;
  /**
   * Which build to run (EMBEDDED_DB). Unset: the one that wrote `storagePath`, else
   * `secantusd-rs` where `npm run setup` built it, else `secantusd-py`.
   */
  server?: EmbeddedDb | undefined;
}

/** What each build of SecantusDB is and where `npm run setup` put it. */
export const EMBEDDED_SERVERS: Record<EmbeddedDb, { bin: string; label: string; install: string }> = {
  rust: {
    bin: secantusRsBin,
    label: `secantusd-rs ${SECANTUS_RS_VERSION}`,
    install: 'Run `npm run setup` (it builds secantusd-rs with cargo), or set EMBEDDED_DB=python.',
  },
  python: {
    bin: secantusBin,
    label: 'secantusd-py 0.7.0b3',
    install: 'Run `npm run setup` (it installs secantusdb into .venv), or set MONGODB_URL.',
  },
};

/**
 * The WiredTiger cache for the machine: a sixteenth of its memory, from 256 MB to 2 GB.
 * The embedded server shares the machine with the API, workers, Redis and, in
 * development, the tests and the browser, so it takes a modest share.
 */
export function embeddedCacheSize(totalBytes = os.totalmem()): string {
  const mb = Math.round(totalBytes / 16 / 2 ** 20);
  return `${Math.min(2048, Math.max(256, mb))}M`;
}

/**
 * The embedded MongoDB-compatible server (SecantusDB), run as a child process with
 * `--sync-on-commit` so acknowledged writes survive a crash.
 */
export class SecantusServer extends ManagedProcess {
  private constructor(
    options: ConstructorParameters<typeof ManagedProcess>[0],
    readonly port: number,
    /** The build that runs. */
    readonly server: EmbeddedDb,
    private readonly storagePath: string,
  ) {
    super(options);
  }

  get url(): string {
    return `mongodb://127.0.0.1:${this.port}/?directConnection=true`;
  }

  /** `secantusd-rs 0.5.3-beta.196` or `secantusd-py 0.7.0b3`. */
  get label(): string {
    return EMBEDDED_SERVERS[this.server].label;
  }

  static async create(options: SecantusOptions): Promise<SecantusServer> {
    const server = chooseEmbeddedDb(options.server, options.storagePath);
    const { bin, install } = EMBEDDED_SERVERS[server];
    if (!fs.existsSync(bin)) {
      throw new Error(`SecantusDB (${EMBEDDED_SERVERS[server].label}) is not installed at ${bin}. ${install}`);
    }
    const port = options.port ?? (await freePort());
    fs.mkdirSync(path.dirname(options.storagePath), { recursive: true });
    const args = [
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--storage-path',
      options.storagePath,
      '--sync-on-commit',
      '--cache-size',
      embeddedCacheSize(),
      '--log-level',
      'WARNING',
    ];
    // Both builds take it; secantusd-rs leaves it out of its --help.
    if (options.testCommands) args.push('--enable-test-commands');
    const url = `mongodb://127.0.0.1:${port}/?directConnection=true`;
    return new SecantusServer(
      {
        name: 'secantus',
        command: bin,
        args,
        runDir: options.runDir,
        startTimeoutMs: 90_000,
        env: { ...process.env, PYTHONUNBUFFERED: '1' },
        ready: () => mongoAnswers(url),
      },
      port,
      server,
      options.storagePath,
    );
  }

  override async start(): Promise<void> {
    await super.start();
    recordDataFolderOwner(this.storagePath, this.server);
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
