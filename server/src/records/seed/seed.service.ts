import type { Queue } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import type { Bundle } from '@metacrm/metadata';
import type { Actor } from '../../actor/actor.js';
import { AppError } from '../../errors/app-error.js';
import type { MetadataBus } from '../../metadata/metadata-bus.js';
import { snapshotOf, type MetadataCache, type MetadataSnapshot } from '../../metadata/metadata-cache.js';
import { MetadataInvalid, MetadataNothingToPublish } from '../../metadata/metadata.errors.js';
import { MetadataService, type PublishResult } from '../../metadata/metadata.service.js';
import { PackageService, type AppPackage, type ImportReport } from '../../metadata/package.service.js';
import type { MetadataToolkit } from '../../metadata/metadata-toolkit.js';
import { compiledEntity, type CompiledEntity } from '../compiled-entity.js';
import { removeFile } from '../import/import-job.js';
import { EntityNotFound } from '../records.errors.js';
import {
  releaseSeedLoadLock,
  seedLoadLocks,
  seedLoads,
  storeSeedFile,
  toApiSeedLoad,
  type ApiSeedLoad,
  type SeedLoadDoc,
} from './seed-load.js';
import { droppedKeys, lookupsOf, seedPlan } from './seed-plan.js';
import { SEED_JOB } from './seed.handler.js';
import { SeedLoadBusy, SeedLoadNotFound } from './seed.errors.js';

export interface SeedServiceOptions {
  db: Db;
  actor: Actor;
  toolkit: MetadataToolkit;
  cache: MetadataCache;
  bus?: MetadataBus | undefined;
  /** The `jobs` queue, where the worker picks seed loads up. */
  queue: Queue;
}

/** What applying a package did (or, in a dry run, would do). */
export interface ApplyReport extends ImportReport {
  /** The publish that made the package's entities current; null when nothing needed publishing. */
  publish: PublishResult | null;
  /** The load of the package's records, in the worker; null when the package has none. */
  seedLoad: ApiSeedLoad | null;
}

/** BullMQ retries a failed attempt this often; each resumes from the last checkpoint. */
const JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * Applying an app package: import its metadata into the draft, publish the draft (records
 * can only be written once their entities are current), then load its seed records in the
 * worker through the record pipeline. A failed publish loads nothing. A dry run changes
 * nothing: it reports the import, the publish preview, and a seed load that checks every
 * record against the bundle the publish would make.
 */
export class SeedService {
  constructor(private readonly options: SeedServiceOptions) {}

  async apply(body: unknown, options: { dryRun: boolean; onConflict: 'skip' | 'overwrite' }): Promise<ApplyReport> {
    const packages = new PackageService(this.options);
    const planned = await packages.importPackage(body, { dryRun: true, onConflict: options.onConflict });
    const { pkg } = planned;
    checkSeedEntities(pkg, planned.draft);
    const hasRecords = Object.values(pkg.seed ?? {}).some((records) => records.length > 0);
    if (options.dryRun) {
      const preview = await new MetadataService(this.options).previewPublish(planned.draft);
      const changed = preview.diff.changes.length > 0;
      const snapshot = snapshotOf(changed ? preview.version : preview.previousVersion, structuredClone(planned.draft));
      const seedLoad = hasRecords ? await this.startLoad(pkg, snapshot, planned.draft) : null;
      return { ...planned.report, publish: changed ? preview : null, seedLoad };
    }
    if (hasRecords) await this.ensureIdle(pkg.name);
    const { report } = await packages.importPackage(pkg, { onConflict: options.onConflict });
    const publish = await this.publish(pkg);
    const seedLoad = hasRecords ? await this.startLoad(pkg, await this.options.cache.current()) : null;
    return { ...report, publish, seedLoad };
  }

  async get(id: string): Promise<ApiSeedLoad> {
    const doc = /^[0-9a-f]{24}$/.test(id) ? await seedLoads(this.options.db).findOne({ _id: new ObjectId(id) }) : null;
    if (!doc) throw SeedLoadNotFound(`No seed load ${id}`, { id });
    return toApiSeedLoad(doc);
  }

  /** Publishes the draft with the package in it; null when it equals the current version. */
  private async publish(pkg: AppPackage): Promise<PublishResult | null> {
    try {
      return await new MetadataService(this.options).publish({ message: `App package ${pkg.name} ${pkg.version}`.slice(0, 500) });
    } catch (err) {
      if (MetadataNothingToPublish.is(err)) return null;
      if (!(err instanceof AppError)) throw err;
      const message = `The package was imported into the draft, but the draft could not be published, so no records were loaded: ${err.message}`;
      throw new AppError(err.code, err.status, message, err.details, { cause: err });
    }
  }

  private async ensureIdle(name: string): Promise<void> {
    const lock = await seedLoadLocks(this.options.db).findOne({ _id: name });
    if (!lock) return;
    const running = await seedLoads(this.options.db).findOne(
      { _id: lock.loadId, status: { $in: ['queued', 'running'] } },
      { projection: { _id: 1 } },
    );
    if (running) throw SeedLoadBusy(undefined, { seedLoadId: running._id.toHexString() });
    // A load that ended without freeing its package (a crash between the two writes).
    await seedLoadLocks(this.options.db).deleteOne({ _id: name, loadId: lock.loadId });
  }

  /**
   * Plans the load (entity order, counts, fields that will be dropped), stores the records
   * in GridFS with a load document, and hands the load id to the worker.
   */
  private async startLoad(pkg: AppPackage, snapshot: MetadataSnapshot, dryRunBundle?: Bundle): Promise<ApiSeedLoad> {
    const { db, actor, queue } = this.options;
    const seed = Object.fromEntries(Object.entries(pkg.seed ?? {}).filter(([, records]) => records.length > 0)) as Record<
      string,
      Record<string, unknown>[]
    >;
    const compiled = (entity: string): CompiledEntity => {
      const found = compiledEntity(snapshot, entity, this.options.toolkit.registries);
      if (!found) throw EntityNotFound(`The entity "${entity}" is not in the current metadata`, { entity }); // changed by someone else meanwhile
      return found;
    };
    const { order } = seedPlan(Object.keys(seed), (entity) => lookupsOf(compiled(entity)));
    const entities = Object.fromEntries(
      order.map((e) => [
        e,
        { total: seed[e]!.length, loaded: 0, updated: 0, skipped: 0, failed: 0, dropped: droppedKeys(compiled(e), seed[e]!) },
      ]),
    );
    const _id = new ObjectId();
    const dryRun = dryRunBundle !== undefined;
    const fileId = await storeSeedFile(db, _id, dryRun ? { seed, bundle: dryRunBundle } : { seed });
    const doc: SeedLoadDoc = {
      _id,
      package: { name: pkg.name, version: pkg.version },
      status: 'queued',
      dryRun,
      fileId,
      metadataVersion: snapshot.version,
      order,
      entities,
      total: order.reduce((n, e) => n + seed[e]!.length, 0),
      processed: 0,
      linked: 0,
      errors: [],
      errorCount: 0,
      createdBy: { kind: actor.kind, id: actor.id, name: actor.name, roles: [...actor.roles], departmentId: actor.departmentId ?? null },
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      failure: null,
      attempts: 0,
    };
    try {
      if (!dryRun) await seedLoadLocks(db).insertOne({ _id: pkg.name, loadId: _id });
      await seedLoads(db).insertOne(doc);
    } catch (err) {
      await removeFile(db, fileId);
      if ((err as { code?: number }).code === 11000) throw SeedLoadBusy();
      await releaseSeedLoadLock(db, _id);
      throw err;
    }
    try {
      await queue.add(SEED_JOB, { seedLoadId: _id.toHexString() }, { ...JOB_OPTIONS, jobId: _id.toHexString() });
    } catch (err) {
      // Nothing will run it: take it back rather than leave a load that stays queued.
      await seedLoads(db).deleteOne({ _id });
      await releaseSeedLoadLock(db, _id);
      await removeFile(db, fileId);
      throw err;
    }
    return toApiSeedLoad(doc);
  }
}

/** Every entity the package has records of must be in the bundle that will be current. */
function checkSeedEntities(pkg: AppPackage, bundle: Bundle): void {
  const entities = new Set(bundle.entities.map((e) => e.key));
  const problems = Object.keys(pkg.seed ?? {})
    .filter((entity) => !entities.has(entity))
    .map((entity) => ({
      pointer: `/seed/${entity}`,
      code: 'UNKNOWN_ENTITY',
      message: `the package has records of "${entity}", but no entity "${entity}" would be published`,
    }));
  if (problems.length > 0) throw MetadataInvalid('The app package has records of entities it does not define', { problems });
}
