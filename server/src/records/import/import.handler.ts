import { UnrecoverableError, type Job } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { AppError } from '../../errors/app-error.js';
import { isPermanent } from '../../errors/permanent.js';
import type { MetadataCache } from '../../metadata/metadata-cache.js';
import type { JobContext, JobHandler } from '../../queues/jobs.js';
import type { RecordHooks } from '../record-hooks.js';
import { EntityNotFound, FormNotFound } from '../records.errors.js';
import { importJobs, removeFile, type ImportJobDoc } from './import-job.js';
import { ImportRun, type ImportRunEnd } from './import-run.js';

/** The BullMQ job name on the `jobs` queue: handlers are keyed `jobs:import`. */
export const IMPORT_JOB = 'import';

export interface ImportHandlerDeps {
  cache: MetadataCache;
  registries: BundleRegistries;
  /** The record hooks, so that imported rows pass through them like any other write. */
  hooks?: RecordHooks | undefined;
  /** Rows per checkpoint (default CHECKPOINT_EVERY). */
  checkpointEvery?: number;
}

/** What a run of the handler did, as the BullMQ job's return value. */
export type ImportJobResult = { importId: string; status: ImportRunEnd | 'skipped' };

/**
 * The worker side of imports. The job carries the import id only; everything else is
 * in the `imports` document. A delivery for an import that is finished is skipped; one
 * for a cancelled import removes its file. A fault that a retry cannot fix (a file that
 * no longer parses, an entity or form that was deleted) fails the import at once; any other
 * error is retried by BullMQ, and the next attempt resumes from the last checkpoint.
 */
export function importJobHandler(deps: ImportHandlerDeps): JobHandler {
  return async (job: Job, ctx: JobContext): Promise<ImportJobResult> => {
    const importId = String((job.data as { importId?: unknown }).importId ?? '');
    if (!ObjectId.isValid(importId) || importId.length !== 24) throw new UnrecoverableError(`Bad import id "${importId.slice(0, 40)}"`);
    const doc = await begin(ctx.db, new ObjectId(importId));
    if (!doc) return { importId, status: 'skipped' };
    try {
      const snapshot = await deps.cache.current();
      if (!snapshot.entity(doc.entity)) throw EntityNotFound(`The entity "${doc.entity}" no longer exists`, { entity: doc.entity });
      if (doc.form && !snapshot.bundle.forms.some((f) => f.key === doc.form && f.entity === doc.entity)) {
        throw FormNotFound(`The form "${doc.form}" of ${doc.entity} no longer exists`, { entity: doc.entity, form: doc.form });
      }
      const run = new ImportRun({
        db: ctx.db,
        snapshot,
        registries: deps.registries,
        hooks: deps.hooks,
        logger: ctx.logger,
        doc,
        resumed: doc.attempts > 1,
        checkpointEvery: deps.checkpointEvery,
      });
      const status = await run.run();
      await removeFile(ctx.db, doc.fileId);
      ctx.logger.info({ importId, status }, 'import finished');
      return { importId, status };
    } catch (err) {
      if (!isPermanent(err) && job.attemptsMade + 1 < (job.opts.attempts ?? 1)) throw err;
      ctx.logger.warn({ importId, err }, 'import failed');
      await fail(ctx.db, doc, err);
      throw new UnrecoverableError(err instanceof Error ? err.message : String(err));
    }
  };
}

/**
 * Marks the import running and counts the attempt; answers the document, or undefined
 * when there is nothing to do (cancelled or finished: then its file is removed).
 */
async function begin(db: Db, id: ObjectId): Promise<ImportJobDoc | undefined> {
  const doc = await importJobs(db).findOne({ _id: id });
  if (!doc) return undefined;
  if (doc.status !== 'queued' && doc.status !== 'running') {
    await removeFile(db, doc.fileId); // cancelled, or a finish whose clean-up was cut short
    return undefined;
  }
  const startedAt = doc.startedAt ?? new Date();
  const result = await importJobs(db).updateOne(
    { _id: id, status: { $in: ['queued', 'running'] } },
    { $set: { status: 'running', startedAt }, $inc: { attempts: 1 } },
  );
  if (result.matchedCount === 0) {
    // Cancelled between the read and the claim: nothing runs it, so the file goes now
    // (before, it stayed for good: the flaky "can be cancelled" test of issue #20).
    await removeFile(db, doc.fileId);
    return undefined;
  }
  return { ...doc, status: 'running', startedAt, attempts: doc.attempts + 1 };
}

async function fail(db: Db, doc: ImportJobDoc, err: unknown): Promise<void> {
  // Only our own errors are safe to show; anything else is logged, not stored.
  const failure =
    err instanceof AppError
      ? { code: err.code, message: err.message }
      : { code: 'INTERNAL', message: `The import failed after ${doc.attempts} attempts` };
  await importJobs(db).updateOne({ _id: doc._id, status: 'running' }, { $set: { status: 'failed', failure, finishedAt: new Date() } });
  await removeFile(db, doc.fileId);
}
