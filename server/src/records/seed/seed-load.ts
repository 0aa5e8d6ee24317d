import type { Bundle } from '@metacrm/metadata';
import type { Db, Document, ObjectId } from 'mongodb';
import type { Actor } from '../../actor/actor.js';
import { MAX_STORED_ERRORS, readFile, storeFile } from '../import/import-job.js';

/** The collection of seed load documents. */
export const SEED_LOADS = 'seed_loads';
/** One document per package whose records are being loaded (`_id`: the package name). */
export const SEED_LOAD_LOCKS = 'seed_load_locks';

export type SeedLoadStatus = 'queued' | 'running' | 'completed' | 'failed';

/** One problem with one package record: which record, where in it, a stable code, why. */
export interface SeedError {
  entity: string;
  /** The record's id in the package. */
  sourceId: string;
  /** A JSON pointer into the package record (`/amount`), or '' for the whole record. */
  pointer: string;
  code: string;
  message: string;
}

/** What happened to one entity's package records (in a dry run: what would). */
export interface SeedEntityCounts {
  total: number;
  /** Created. */
  loaded: number;
  /** Loaded before and changed in the package since: updated. */
  updated: number;
  /** Loaded before and unchanged, or deleted since: left alone. */
  skipped: number;
  failed: number;
  /** Keys of its records that are not writable (computed or system fields), left out. */
  dropped: string[];
}

/** The running totals of a seed load, saved at every checkpoint. */
export interface SeedCounts {
  entities: Record<string, SeedEntityCounts>;
  /** Package records handled in the first pass, in load order. */
  processed: number;
  /** Records whose cyclic lookups the second pass has handled. */
  linked: number;
  errorCount: number;
}

/** A seed load as stored in `seed_loads`; the records themselves wait in GridFS. */
export interface SeedLoadDoc extends SeedCounts {
  _id: ObjectId;
  package: { name: string; version: string };
  status: SeedLoadStatus;
  dryRun: boolean;
  fileId: ObjectId;
  /** The metadata version the load was planned on (for a dry run, the one a publish would make). */
  metadataVersion: number;
  order: string[];
  total: number;
  errors: SeedError[];
  createdBy: Actor;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  failure: { code: string; message: string } | null;
  attempts: number;
}

/** A seed load as the API shows it. */
export type ApiSeedLoad = Omit<SeedLoadDoc, '_id' | 'fileId' | 'createdAt' | 'startedAt' | 'finishedAt'> & {
  id: string;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

/** What the seed file holds: the records, and for a dry run the bundle to check them against. */
export interface SeedFile {
  seed: Record<string, Record<string, unknown>[]>;
  bundle?: Bundle;
}

export function seedLoads(db: Db) {
  return db.collection<SeedLoadDoc>(SEED_LOADS);
}

/**
 * One real load per package at a time (two at once could both create the same record):
 * a lock document per package, inserted when a load is queued and deleted when it ends.
 * A lock and not a partial unique index over the loads: `secantusd-rs` keeps an index
 * entry after an update takes the document out of the index (test/compat/README.md),
 * so only a delete frees the package again.
 */
export function seedLoadLocks(db: Db) {
  return db.collection<{ _id: string; loadId: ObjectId }>(SEED_LOAD_LOCKS);
}

/** Frees the package of a load that has ended (or was never queued). */
export async function releaseSeedLoadLock(db: Db, loadId: ObjectId): Promise<void> {
  await seedLoadLocks(db).deleteOne({ loadId });
}

export function toApiSeedLoad(doc: SeedLoadDoc): ApiSeedLoad {
  const { _id, fileId: _fileId, createdAt, startedAt, finishedAt, ...rest } = doc;
  return {
    id: _id.toHexString(),
    ...rest,
    progress: doc.total === 0 ? 1 : Math.min(1, doc.processed / doc.total),
    createdAt: createdAt.toISOString(),
    startedAt: startedAt?.toISOString() ?? null,
    finishedAt: finishedAt?.toISOString() ?? null,
  };
}

/** Stores the records (with the import files, in GridFS: a seed may be larger than a document). */
export async function storeSeedFile(db: Db, loadId: ObjectId, file: SeedFile): Promise<ObjectId> {
  return await storeFile(db, `seed-${loadId.toHexString()}.json`, Buffer.from(JSON.stringify(file)), { seedLoadId: loadId });
}

export async function readSeedFile(db: Db, fileId: ObjectId): Promise<SeedFile> {
  return JSON.parse((await readFile(db, fileId)).toString('utf8')) as SeedFile;
}

/**
 * Saves progress atomically while the load is running; with `finish`, ends it and frees
 * the package for the next load. Errors are appended only up to the stored cap.
 */
export async function saveSeedProgress(
  db: Db,
  id: ObjectId,
  counts: SeedCounts,
  newErrors: SeedError[],
  storedBefore: number,
  finish?: 'completed',
): Promise<void> {
  const room = Math.max(0, MAX_STORED_ERRORS - storedBefore);
  const update: Document = { $set: { ...counts, ...(finish ? { status: finish, finishedAt: new Date() } : {}) } };
  if (room > 0 && newErrors.length > 0) update.$push = { errors: { $each: newErrors.slice(0, room) } };
  await seedLoads(db).updateOne({ _id: id, status: 'running' }, update);
  if (finish) await releaseSeedLoadLock(db, id);
}
