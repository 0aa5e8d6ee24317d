import type { Queue } from 'bullmq';
import { ObjectId, type Db } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import { RecordAccess } from '../../access/record-access.js';
import { isUnrestricted, type Actor } from '../../actor/actor.js';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import { compiledEntity } from '../compiled-entity.js';
import { EntityNotFound, FormNotFound } from '../records.errors.js';
import { importJobs, removeFile, storeFile, toApiImport, type ApiImport, type ImportJobDoc } from './import-job.js';
import { parseImportRequest, planMapping } from './import-request.js';
import { checkFormat, summarizeSheet } from './import-sheet.js';
import { ImportNotCancellable, ImportNotFound } from './import.errors.js';
import { IMPORT_JOB } from './import.handler.js';

export interface ImportServiceOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  actor: Actor;
  /** The `jobs` queue, where the worker picks imports up. */
  queue: Queue;
}

/** BullMQ retries a failed attempt this often; each resumes from the last checkpoint. */
/** What `POST /api/records/{entity}/import/preview` answers. */
export interface ImportPreview {
  fileName: string;
  format: string;
  /** The file's column headers, in order. */
  headers: string[];
  /** Its data rows. */
  total: number;
}

const JOB_OPTIONS = { attempts: 5, backoff: { type: 'exponential', delay: 2000 }, removeOnComplete: 1000, removeOnFail: 5000 } as const;

/**
 * The API side of imports: accepts a file, checks it and its mapping at once (so a bad
 * file or mapping is a 400 now, not a failed job later), stores it in GridFS with a job
 * document, and hands the import id to the worker. Reads and cancels jobs.
 */
export class ImportService {
  constructor(private readonly options: ImportServiceOptions) {}

  /**
   * The header row and the number of rows of a file, read as an import would read it and
   * checked the same way (the body of an import; `mapping` may be empty): what an import
   * wizard maps columns from. Nothing is stored.
   */
  async preview(entity: string, body: unknown): Promise<ImportPreview> {
    const { request, headers, total } = await this.read(entity, body);
    return { fileName: request.fileName, format: request.format, headers, total };
  }

  async start(entity: string, body: unknown): Promise<ApiImport> {
    const { db, actor, queue } = this.options;
    const { compiled, request, access, headers, total } = await this.read(entity, body);
    const mapping = planMapping(compiled, headers, request);
    access.checkWritable(entity, Object.fromEntries(mapping.filter((m) => m.field !== request.upsertOn).map((m) => [m.field, null])));
    const _id = new ObjectId();
    const fileId = await storeFile(db, request.fileName, request.content, { importId: _id, entity });
    const doc: ImportJobDoc = {
      _id,
      entity,
      status: 'queued',
      dryRun: request.dryRun,
      format: request.format,
      encoding: request.encoding ?? null,
      sheet: request.sheet ?? null,
      fileName: request.fileName,
      fileId,
      fileSize: request.content.length,
      mapping,
      upsertOn: request.upsertOn ?? null,
      form: request.form ?? null,
      total,
      processed: 0,
      created: 0,
      updated: 0,
      failed: 0,
      errorCount: 0,
      errors: [],
      createdBy: { kind: actor.kind, id: actor.id, name: actor.name, roles: [...actor.roles], departmentId: actor.departmentId ?? null },
      createdAt: new Date(),
      startedAt: null,
      finishedAt: null,
      failure: null,
      attempts: 0,
    };
    await importJobs(db).insertOne(doc);
    try {
      await queue.add(IMPORT_JOB, { importId: _id.toHexString() }, { ...JOB_OPTIONS, jobId: _id.toHexString() });
    } catch (err) {
      // Nothing will run it: take it back rather than leave a job that stays queued.
      await importJobs(db).deleteOne({ _id });
      await removeFile(db, fileId);
      throw err;
    }
    return toApiImport(doc);
  }

  /** The checks every import request passes before its rows are read: the entity, the body, the rights, the file. */
  private async read(entity: string, body: unknown) {
    const { db, snapshot, registries, actor } = this.options;
    const compiled = compiledEntity(snapshot, entity, registries);
    if (!compiled) throw EntityNotFound(`No entity "${entity}"`, { entity });
    const request = parseImportRequest(body);
    // Refused now rather than row by row in the worker (which checks again on each write).
    const access = new RecordAccess(db, snapshot, registries, actor);
    access.require(entity, 'create');
    if (request.upsertOn) access.require(entity, 'update');
    if (request.form !== undefined && !compiled.forms.has(request.form))
      throw FormNotFound(`${entity} has no form "${request.form}"`, { entity, form: request.form, pointer: '/form' });
    checkFormat(request.content, request.format);
    const { headers, total } = await summarizeSheet(request.content, request.format, { sheet: request.sheet, encoding: request.encoding });
    return { compiled, request, access, headers, total };
  }

  async get(entity: string, id: string): Promise<ApiImport> {
    return toApiImport(await this.load(entity, id));
  }

  /**
   * Cancels a queued or running import; its file is released whenever the cancel lands.
   * Queued: no worker holds it, so the file goes at once (a delivery that comes later
   * finds the import cancelled and skips it). Running: rows already written stay; the
   * worker stops at its next checkpoint (within CHECKPOINT_EVERY rows) and removes the
   * file. Finished: 409, and the finish has removed the file already.
   */
  async cancel(entity: string, id: string): Promise<ApiImport> {
    const doc = await this.load(entity, id);
    const now = new Date();
    const before = await importJobs(this.options.db).findOneAndUpdate(
      { _id: doc._id, status: { $in: ['queued', 'running'] } },
      { $set: { status: 'cancelled', finishedAt: now } },
      { returnDocument: 'before' },
    );
    if (!before) throw ImportNotCancellable(`The import is already ${(await this.load(entity, id)).status}`, { id });
    if (before.status === 'queued') await removeFile(this.options.db, doc.fileId);
    return toApiImport(await this.load(entity, id));
  }

  /** An import job: the actor's own, or any for an administrator. */
  private async load(entity: string, id: string): Promise<ImportJobDoc> {
    const { actor } = this.options;
    const mine = isUnrestricted(actor) ? {} : { 'createdBy.id': actor.id };
    const doc = /^[0-9a-f]{24}$/.test(id) ? await importJobs(this.options.db).findOne({ _id: new ObjectId(id), entity, ...mine }) : null;
    if (!doc) throw ImportNotFound(`No import ${id} of ${entity}`, { entity, id });
    return doc;
  }
}
