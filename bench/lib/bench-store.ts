import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { MongoClient, type Db } from 'mongodb';
import { parseEmbeddedDb } from '../../server/src/config/config.js';
import { startDevServices, type DevServices } from '../../server/src/dev-services/dev-services.js';
import { RedisServer } from '../../server/src/dev-services/redis.js';

/** Which database server a benchmark ran against. */
export interface ServerInfo {
  /** `embedded SecantusDB` or `MONGODB_URL`. */
  kind: string;
  /** Version reported by `buildInfo` (SecantusDB reports its own where it can). */
  version: string;
  /** Connection string with any credentials hidden. */
  url: string;
  /** Database the benchmark created (and drops at the end). */
  database: string;
}

/** A connected client on a fresh database, and the way to tear it all down. */
export interface BenchStore {
  client: MongoClient;
  db: Db;
  server: ServerInfo;
  /** Redis for benchmarks that start the platform: set when asked for with `{redis: true}`. */
  redisUrl: string | undefined;
  /** The server's connection string, credentials included (print `server.url` instead). */
  mongoUrl: string;
  /** Drops the database, closes the client and stops an embedded server. Safe to call twice. */
  close(): Promise<void>;
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//***@');
}

/** `bench_store_20261123T094512` style names: unique per run, valid as a database name. */
function databaseName(prefix: string): string {
  return `${prefix}_${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '')}`;
}

async function serverVersion(client: MongoClient, embedded: boolean): Promise<string> {
  const info = await client.db('admin').command({ buildInfo: 1 });
  const own: unknown = info.secantusVersion;
  const version = typeof info.version === 'string' ? info.version : 'unknown';
  if (!embedded) return version;
  return typeof own === 'string' ? `${own} (reports MongoDB ${version})` : `reports MongoDB ${version}`;
}

/** Runs `cleanup` once on Ctrl-C or SIGTERM, then exits with the conventional status. */
function onInterrupt(cleanup: () => Promise<void>): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    console.error(`\n${signal}: stopping and cleaning up...`);
    cleanup()
      .catch((err: unknown) => console.error('cleanup failed:', err))
      .finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

async function startEmbedded(): Promise<{ url: string; redisUrl: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-bench-'));
  let services: DevServices;
  try {
    // The build EMBEDDED_DB names (bench/run.ts --servers sets it), else the one npm start runs.
    services = await startDevServices(dir, { embeddedDb: parseEmbeddedDb(process.env.EMBEDDED_DB) });
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: services.mongoUrl,
    redisUrl: services.redisUrl,
    stop: async () => {
      try {
        await services.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** A local redis-server in a temporary folder, for a benchmark against MONGODB_URL with no REDIS_URL. */
async function startLocalRedis(): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-bench-redis-'));
  const redis = await RedisServer.create({ dataDir: path.join(dir, 'data'), runDir: path.join(dir, 'run'), persistent: false });
  try {
    await redis.start();
  } catch (err) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: redis.url,
    stop: async () => {
      try {
        await redis.stop();
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** What a benchmark needs besides the database. */
export interface BenchStoreOptions {
  /**
   * Also provide Redis (`redisUrl`): REDIS_URL if set, else the one started beside the
   * embedded SecantusDB, else a local redis-server started for the run and stopped with it.
   */
  redis?: boolean;
}

/**
 * Opens the store a benchmark measures: the server at MONGODB_URL if set, else an
 * embedded SecantusDB started in a temporary folder. Either way the benchmark gets a
 * fresh database named `<prefix>_<timestamp>`; `close()` drops it from MONGODB_URL (an
 * embedded server's folder goes as a whole). Ctrl-C and
 * SIGTERM run `close()` too, so no server or folder is left behind.
 */
export async function openBenchStore(prefix: string, options: BenchStoreOptions = {}): Promise<BenchStore> {
  const external = process.env.MONGODB_URL;
  const embedded = external ? undefined : await startEmbedded();
  const url = external ?? embedded!.url;
  // Only against MONGODB_URL can Redis be missing: the embedded services include one.
  const localRedis = options.redis && external && !process.env.REDIS_URL ? await startLocalRedis() : undefined;
  const redisUrl = options.redis ? (process.env.REDIS_URL ?? embedded?.redisUrl ?? localRedis?.url) : undefined;
  // A short server selection timeout: a server that went away must not stall the cleanup for 30 s.
  const client = new MongoClient(url, { maxPoolSize: 32, serverSelectionTimeoutMS: 10_000 });
  const db = client.db(databaseName(prefix));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      detach();
      try {
        // An embedded server's folder is removed whole; a shared server keeps nothing of ours.
        if (external) await db.dropDatabase().catch((err: unknown) => console.error(`could not drop ${db.databaseName}: ${String(err)}`));
        // close() ends server sessions first; against a server that Ctrl-C already stopped
        // that waits for server selection, so give it a moment and move on.
        await Promise.race([client.close(), sleep(2000)]);
      } finally {
        await embedded?.stop();
        await localRedis?.stop();
      }
    })();
    return closing;
  };
  const detach = onInterrupt(close);
  try {
    await client.connect();
    const version = await serverVersion(client, !external);
    const server = { kind: external ? 'MONGODB_URL' : 'embedded SecantusDB', version, url: redact(url), database: db.databaseName };
    return { client, db, server, redisUrl, mongoUrl: url, close };
  } catch (err) {
    await close();
    throw err;
  }
}
