import path from 'node:path';
import type { EmbeddedDb } from '../config/config.js';
import type { SupervisionLogger } from './managed-process.js';
import { SecantusServer } from './secantus.js';
import { RedisServer } from './redis.js';

export interface DevServices {
  mongoUrl: string;
  redisUrl: string;
  secantus: SecantusServer;
  redis: RedisServer;
  stop(): Promise<void>;
}

export interface DevServicesOptions {
  /** Enables the database's test commands (fail points). */
  testCommands?: boolean;
  /** Which SecantusDB build to run (EMBEDDED_DB); unset: see `chooseEmbeddedDb`. */
  embeddedDb?: EmbeddedDb | undefined;
  /** Restart either server when it exits by itself, logging why (`npm start`). */
  supervise?: SupervisionLogger;
}

/**
 * Starts SecantusDB and redis-server with their data under `dataDir`, in parallel,
 * and resolves once both answer. Used by `npm start` when no MONGODB_URL / REDIS_URL
 * is configured, and by the test global setup.
 */
export async function startDevServices(dataDir: string, options: DevServicesOptions = {}): Promise<DevServices> {
  const runDir = path.join(dataDir, 'run');
  const secantus = await SecantusServer.create({
    storagePath: path.join(dataDir, 'db'),
    runDir,
    testCommands: options.testCommands ?? false,
    server: options.embeddedDb,
  });
  const redis = await RedisServer.create({ dataDir: path.join(dataDir, 'redis'), runDir });
  const results = await Promise.allSettled([secantus.start(), redis.start()]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) {
    await Promise.all([secantus.stop(), redis.stop()]);
    throw failed.reason;
  }
  if (options.supervise) {
    secantus.supervise({ logger: options.supervise });
    redis.supervise({ logger: options.supervise });
  }
  return {
    mongoUrl: secantus.url,
    redisUrl: redis.url,
    secantus,
    redis,
    async stop() {
      await Promise.all([secantus.stop(), redis.stop()]);
    },
  };
}
