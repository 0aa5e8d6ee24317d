import { UnrecoverableError, type Job } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { AppError } from '../../errors/app-error.js';
import { isPermanent } from '../../errors/permanent.js';
import { snapshotOf, type MetadataCache } from '../../metadata/metadata-cache.js';
import type { JobContext, JobHandler } from '../../queues/jobs.js';
import { removeFile } from '../import/import-job.js';
import type { RecordHooks } from '../record-hooks.js';
import { readSeedFile, releaseSeedLoadLock, seedLoads, type SeedLoadDoc } from './seed-load.js';
import { SeedRun } from './seed-run.js';

/** The BullMQ job name on the `jobs` queue: handlers are keyed `jobs:seed`. */
export const SEED_JOB = 'seed';

export interface SeedHandlerDeps {
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The record hooks, so that seed records pass through them like any other write. */
  hooks?: RecordHooks | undefined;
  /** Records per checkpoint (default SEED_CHECKPOINT_EVERY). */
  checkpointEvery?: number;
}

export type SeedJobResult = { seedLoadId: string; status: 'completed' | 'skipped' };

/**
 * The worker side of seed loads, shaped like the import job: the job carries the load id
 * only; a delivery for a finished load is skipped; a fault a retry cannot fix (an entity
 * gone from the metadata) fails the load at once; anything else is retried by BullMQ and
 * resumes from the last checkpoint. A dry run checks against the bundle stored with it.
 */
export function seedJobHandler(deps: SeedHandlerDeps): JobHandler {
  return async (job: Job, ctx: JobContext): Promise<SeedJobResult> => {
    const seedLoadId = String((job.data as { seedLoadId?: unknown }).seedLoadId ?? '');
    if (!/^[0-9a-f]{24}$/.test(seedLoadId)) throw new UnrecoverableError(`Bad seed load id "${seedLoadId.slice(0, 40)}"`);
    const doc = await begin(ctx.db, new ObjectId(seedLoadId));
    if (!doc) return { seedLoadId, status: 'skipped' };
    try {
      const file = await readSeedFile(ctx.db, doc.fileId);
      const snapshot = file.bundle ? snapshotOf(doc.metadataVersion, file.bundle) : await deps.cache.current();
      await new SeedRun({
        db: ctx.db,
        snapshot,
        registries: deps.registries,
        hooks: deps.hooks,
        logger: ctx.logger,
        doc,
        seed: file.seed,
        checkpointEvery: deps.checkpointEvery,
      }).run();
      await removeFile(ctx.db, doc.fileId);
      ctx.logger.info({ seedLoadId }, 'seed load finished');
      return { seedLoadId, status: 'completed' };
    } catch (err) {
      if (!isPermanent(err) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
      ctx.logger.warn({ seedLoadId, err }, 'seed load failed');
      await fail(ctx.db, doc, err);
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
  };
}

/** Marks the load running and counts the attempt; undefined when it has finished already. */
async function begin(db: Db, id: ObjectId): Promise<SeedLoadDoc | undefined> {
  const doc = await seedLoads(db).findOne({ _id: id });
  if (!doc) return undefined;
  if (doc.status !== 'queued' && doc.status !== 'running') {
    await removeFile(db, doc.fileId); // a finish whose clean-up was cut short
    return undefined;
  }
  const startedAt = doc.startedAt ?? new Date();
  const result = await seedLoads(db).updateOne(
    { _id: id, status: { $in: ['queued', 'running'] } },
    { $set: { status: 'running', startedAt }, $inc: { attempts: 1 } },
  );
  if (result.matchedCount === 0) return undefined;
  return { ...doc, status: 'running', startedAt, attempts: doc.attempts + 1 };
}

async function fail(db: Db, doc: SeedLoadDoc, err: unknown): Promise<void> {
  // Only our own errors are safe to show; anything else is logged, not stored.
  const failure =
    err instanceof AppError
      ? { code: err.code, message: err.message }
      : { code: 'INTERNAL', message: `The seed load failed after ${doc.attempts} attempts` };
  await seedLoads(db).updateOne({ _id: doc._id, status: 'running' }, { $set: { status: 'failed', failure, finishedAt: new Date() } });
  await releaseSeedLoadLock(db, doc._id);
  await removeFile(db, doc.fileId);
}
