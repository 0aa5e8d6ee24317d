import type { Queue } from 'bullmq';
import type { Db } from 'mongodb';
import { crmPackage } from '@metacrm/metadata/apps/crm';
import { SYSTEM_ACTOR } from '../../actor/actor.js';
import type { MetadataBus } from '../../metadata/metadata-bus.js';
import type { MetadataCache } from '../../metadata/metadata-cache.js';
import { MetadataRepository } from '../../metadata/metadata.repository.js';
import type { MetadataToolkit } from '../../metadata/metadata-toolkit.js';
import type { Logger } from '../../observability/logger.js';
import { SeedService } from './seed.service.js';

/** The app packages the platform can install on its first start (STANDARD_APP). */
export const STANDARD_APPS = { crm: crmPackage } as const;
export type StandardApp = keyof typeof STANDARD_APPS;

/** One document per standard app ever considered: claimed before installing, so it happens once. */
export const STANDARD_APP_INSTALLS = 'standard_app_installs';

export interface StandardAppOptions {
  db: Db;
  toolkit: MetadataToolkit;
  cache: MetadataCache;
  bus?: MetadataBus | undefined;
  /** The `jobs` queue: the package's seed records load in the worker. */
  queue: Queue;
  logger: Logger;
}

export type StandardAppOutcome = 'installed' | 'already-considered' | 'not-first-start';

interface InstallDoc {
  _id: string;
  status: 'installing' | 'installed' | 'skipped';
  version: string;
  at: Date;
}

/**
 * Installs a standard app on the first start of an installation, through the same
 * package import an admin uses (`POST /api/meta/import?apply=true`): its metadata is
 * published as version 1 and its seed records are loaded by the worker. Idempotent
 * across restarts and across processes starting together: the first claims the install
 * document, the others see it. A database whose metadata was already published is not
 * a first start: it is left alone (and remembered as skipped). A failed install gives
 * the claim back, so the next start tries again.
 */
export async function installStandardApp(app: StandardApp, options: StandardAppOptions): Promise<StandardAppOutcome> {
  const pkg = STANDARD_APPS[app]();
  const installs = options.db.collection<InstallDoc>(STANDARD_APP_INSTALLS);
  const firstStart = (await new MetadataRepository(options.db).currentVersion()) <= 0;
  try {
    await installs.insertOne({ _id: app, status: firstStart ? 'installing' : 'skipped', version: pkg.version, at: new Date() });
  } catch (err) {
    if ((err as { code?: number }).code === 11000) return 'already-considered';
    throw err;
  }
  if (!firstStart) return 'not-first-start';
  try {
    const report = await new SeedService({ ...options, actor: SYSTEM_ACTOR }).apply(pkg, { dryRun: false, onConflict: 'skip' });
    await installs.updateOne({ _id: app }, { $set: { status: 'installed', at: new Date() } });
    options.logger.info(
      { app, version: pkg.version, metadataVersion: report.publish?.version ?? null, seedLoad: report.seedLoad?.id ?? null },
      'installed the standard app',
    );
    return 'installed';
  } catch (err) {
    await installs.deleteOne({ _id: app, status: 'installing' });
    throw err;
  }
}
