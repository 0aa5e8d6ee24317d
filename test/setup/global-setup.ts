import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { parseEmbeddedDb } from '../../server/src/config/config.js';
import { startDevServices } from '../../server/src/dev-services/dev-services.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUrl: string;
    redisUrl: string;
    /** True when the suite started its own SecantusDB (fail points are enabled). */
    embedded: boolean;
    /** The SecantusDB build the suite started (`python` or `rust`), or `external`. */
    embeddedDb: string;
  }
}

/**
 * Starts SecantusDB (the build EMBEDDED_DB names, else the one `npm start` would run)
 * and Redis on free ports with their data in a temporary folder, unless MONGODB_URL /
 * REDIS_URL point at servers to use instead. Stops and removes them after the run.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.MONGODB_URL && process.env.REDIS_URL;
  if (external) {
    project.provide('mongoUrl', process.env.MONGODB_URL!);
    project.provide('redisUrl', process.env.REDIS_URL!);
    project.provide('embedded', false);
    project.provide('embeddedDb', 'external');
    return async () => undefined;
  }
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'metacrm-test-'));
  // The same choice as `npm start`: EMBEDDED_DB, else the Rust server where setup built it.
  const services = await startDevServices(dataDir, { testCommands: true, embeddedDb: parseEmbeddedDb(process.env.EMBEDDED_DB) });
  console.warn(`test database: ${services.secantus.label} on port ${services.secantus.port}`);
  project.provide('mongoUrl', process.env.MONGODB_URL ?? services.mongoUrl);
  project.provide('redisUrl', process.env.REDIS_URL ?? services.redisUrl);
  project.provide('embedded', !process.env.MONGODB_URL);
  project.provide('embeddedDb', process.env.MONGODB_URL ? 'external' : services.secantus.server);
  return async () => {
    await services.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
}
