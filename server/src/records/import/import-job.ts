import { problemMessage, type Language, type ProblemCode } from '@metacrm/metadata';
import { GridFSBucket, type Db, type Document, type ObjectId } from 'mongodb';
import type { Actor } from '../../actor/actor.js';
import type { CsvEncoding, ImportFormat } from './import-sheet.js';

/** The collection of import job documents. */
export const IMPORTS = 'imports';
/** The GridFS bucket holding uploaded files until their import finishes. */
export const IMPORT_FILES = 'import_files';
/** At most this many row errors are stored; `errorCount` counts them all. */
export const MAX_STORED_ERRORS = 1000;

export type ImportStatus = 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';

/** One problem with one row: the sheet row number (header = 1), where, a stable code, why. */
export interface ImportRowError {
  row: number;
  column?: string | undefined;
  field?: string | undefined;
  code: string;
  message: string;
  /** What the message catalogue and the UI read (see problemMessage); absent for errors it has no words for. */
  params?: Record<string, unknown> | undefined;
}

/** Which file column goes into which field (columns not listed are ignored). */
export interface ColumnMapping {
  column: string;
  /** 0-based position of the column in the header row. */
  index: number;
  field: string;
}

/** The running totals of an import, saved at every checkpoint. */
export interface ImportCounts {
  processed: number;
  created: number;
  updated: number;
  failed: number;
  errorCount: number;
}

/** An import job as stored in `imports`. Mapping is an array: headers may hold `.` or `$`. */
export interface ImportJobDoc extends ImportCounts {
  _id: ObjectId;
  entity: string;
  status: ImportStatus;
  dryRun: boolean;
  format: ImportFormat;
  encoding: CsvEncoding | null;
  sheet: string | null;
  fileName: string;
  fileId: ObjectId;
  fileSize: number;
  mapping: ColumnMapping[];
  upsertOn: string | null;
  /** The form rows are checked against; null (or absent, on older jobs): the entity's default form. */
  form?: string | null;
  total: number;
  errors: ImportRowError[];
  createdBy: Actor;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  /** Why a failed import failed. */
  failure: { code: string; message: string } | null;
  /** How many times a worker started on it (more than 1 after a crash or retry). */
  attempts: number;
}

/** An import as the API shows it: `id`, progress as a fraction, dates as ISO strings. */
export type ApiImport = Omit<ImportJobDoc, '_id' | 'fileId' | 'createdAt' | 'startedAt' | 'finishedAt'> & {
  id: string;
  progress: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
};

export function toApiImport(doc: ImportJobDoc): ApiImport {
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

/** The import with its row errors' messages in `lang` (the same words the API uses for the same problem). */
export function localizeImport(job: ApiImport, lang: Language): ApiImport {
  return {
    ...job,
    errors: job.errors.map((e) => ({
      ...e,
      message: problemMessage({ code: e.code as ProblemCode, params: e.params, message: e.message }, lang),
    })),
  };
}

export function importJobs(db: Db) {
  return db.collection<ImportJobDoc>(IMPORTS);
}

export function importFiles(db: Db): GridFSBucket {
  return new GridFSBucket(db, { bucketName: IMPORT_FILES });
}

/** Stores an uploaded file in GridFS and answers its id. */
export async function storeFile(db: Db, name: string, content: Buffer, metadata: Document): Promise<ObjectId> {
  const upload = importFiles(db).openUploadStream(name, { metadata });
  await new Promise<void>((resolve, reject) => {
    upload.once('finish', () => resolve());
    upload.once('error', reject);
    upload.end(content);
  });
  return upload.id;
}

/** Reads a stored file whole (uploads are capped, so it fits in memory). */
export async function readFile(db: Db, id: ObjectId): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of importFiles(db).openDownloadStream(id)) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Removes a stored file; one already gone is fine. */
export async function removeFile(db: Db, id: ObjectId): Promise<void> {
  await importFiles(db)
    .delete(id)
    .catch((err: unknown) => {
      if (!(err instanceof Error && /not found/i.test(err.message))) throw err;
    });
}

/**
 * Saves progress atomically, only while the import is still running: false means it
 * was cancelled meanwhile. Row errors are appended only up to the stored cap.
 */
export async function saveProgress(
  db: Db,
  id: ObjectId,
  counts: ImportCounts,
  newErrors: ImportRowError[],
  storedBefore: number,
  finish?: 'completed',
): Promise<boolean> {
  const room = Math.max(0, MAX_STORED_ERRORS - storedBefore);
  const update: Document = { $set: { ...counts, ...(finish ? { status: finish, finishedAt: new Date() } : {}) } };
  if (room > 0 && newErrors.length > 0) update.$push = { errors: { $each: newErrors.slice(0, room) } };
  if ((await importJobs(db).updateOne({ _id: id, status: 'running' }, update)).matchedCount === 1) return true;
  // Cancelled meanwhile: the rows of this batch were still written, so they still count.
  delete (update.$set as Document).status;
  delete (update.$set as Document).finishedAt;
  await importJobs(db).updateOne({ _id: id, status: 'cancelled' }, update);
  return false;
}
