import { isNormalizedUnique, normalizeUniqueText, uniqueIndexKey, type BundleRegistries } from '@metacrm/metadata';
import type { Db } from 'mongodb';
import { AppError } from '../../errors/app-error.js';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { Logger } from '../../observability/logger.js';
import { fromStorage, toStorage } from '../../record-storage/field-codec.js';
import { recordCollection } from '../../record-storage/record-collections.js';
import type { RecordHooks } from '../record-hooks.js';
import { AuditLog } from '../../audit/audit-log.js';
import { RecordService } from '../record.service.js';
import { MAX_STORED_ERRORS, readFile, saveProgress, type ImportCounts, type ImportJobDoc, type ImportRowError } from './import-job.js';
import { prepareRow, problemErrors, resolveLookups, writeErrors, type ColumnPlan, type PreparedRow } from './import-rows.js';
import { sheetRows, type SheetRow } from './import-sheet.js';

/** Progress is saved, and cancellation noticed, after every this many rows. */
export const CHECKPOINT_EVERY = 100;

export interface ImportRunOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  /** The record hooks every write path runs (before-hooks also in a dry run). */
  hooks?: RecordHooks | undefined;
  logger: Logger;
  doc: ImportJobDoc;
  /** A worker ran this import before (crash or retry): rows after the checkpoint may be written. */
  resumed: boolean;
  /** Rows per batch and checkpoint; CHECKPOINT_EVERY unless a test wants smaller batches. */
  checkpointEvery?: number | undefined;
}

/** How the run ended: every row done, or stopped because the import was cancelled. */
export type ImportRunEnd = 'completed' | 'cancelled';

/** The request id that tags every write of one row, in the audit entry of the same transaction. */
export function rowTag(importId: string, row: number): string {
  return `import:${importId}:${row}`;
}

/**
 * Runs one import from its last checkpoint. Rows are read in order and handled in
 * batches of CHECKPOINT_EVERY: display values and upsert keys are looked up once per
 * batch, each row is written through RecordService (or only validated in a dry run),
 * then the counts and row errors are saved in one atomic update of the job document.
 *
 * A crash can leave at most one batch written but not checkpointed. Each row's write
 * carries `import:<id>:<row>` as its request id, which the record pipeline stores in the
 * audit entry inside the write's own transaction; so on resume the first batch asks the
 * audit log which of its rows already committed, counts them as they were, and skips
 * them. No row is ever written twice, with or without upsertOn.
 */
export class ImportRun {
  private readonly counts: ImportCounts;
  private readonly plan: ColumnPlan[];
  private pending: ImportRowError[] = [];
  private checkCommitted: boolean;
  /** Upsert keys a dry run would have created: later rows with them would update. */
  private readonly dryRunKeys = new Set<string>();

  constructor(private readonly options: ImportRunOptions) {
    const { doc, snapshot } = options;
    const { processed, created, updated, failed, errorCount } = doc;
    this.counts = { processed, created, updated, failed, errorCount };
    this.checkCommitted = options.resumed && !doc.dryRun;
    const fields = new Map((snapshot.entity(doc.entity)?.fields ?? []).map((f) => [f.key, f]));
    this.plan = doc.mapping.flatMap((m) => {
      const field = fields.get(m.field);
      return field ? [{ column: m.column, index: m.index, field: field as ColumnPlan['field'] }] : [];
    });
  }

  async run(): Promise<ImportRunEnd> {
    const { db, doc } = this.options;
    const file = await readFile(db, doc.fileId);
    let batch: SheetRow[] = [];
    let index = -1; // -1 is the header row
    for await (const row of sheetRows(file, doc.format, { sheet: doc.sheet ?? undefined, encoding: doc.encoding ?? undefined })) {
      if (index++ < this.counts.processed) continue;
      batch.push(row);
      if (batch.length < (this.options.checkpointEvery ?? CHECKPOINT_EVERY)) continue;
      if (!(await this.runBatch(batch))) return 'cancelled';
      batch = [];
    }
    if (batch.length > 0 && !(await this.runBatch(batch))) return 'cancelled';
    return (await this.checkpoint('completed')) ? 'completed' : 'cancelled';
  }

  /** Handles one batch and saves a checkpoint; false when the import was cancelled. */
  private async runBatch(batch: SheetRow[]): Promise<boolean> {
    const rows = batch.map((row) => prepareRow(this.plan, row, this.options.registries.fieldTypes));
    await resolveLookups(this.options.db, this.options.snapshot, rows);
    const existing = await this.existingByKey(rows);
    const committed = this.checkCommitted ? await this.committedRows(rows) : new Map<number, string>();
    this.checkCommitted = false;
    for (const row of rows) {
      const action = committed.get(row.row);
      if (action !== undefined) this.count(action === 'record.create' ? 'created' : 'updated');
      else await this.handleRow(row, existing);
      this.counts.processed++;
    }
    return await this.checkpoint();
  }

  private async handleRow(row: PreparedRow, existing: Map<string, string>): Promise<void> {
    const { upsertOn, entity, dryRun, _id } = this.options.doc;
    const key = upsertOn ? this.keyOf(row.input[upsertOn]) : undefined;
    // undefined: no such record; '': one this dry run would have created; else its id.
    const known = key === undefined ? undefined : (existing.get(key) ?? (this.dryRunKeys.has(key) ? '' : undefined));
    const id = known || undefined;
    const input = { ...row.input };
    if (upsertOn && this.isComputed(upsertOn)) {
      delete input[upsertOn];
      if (id === undefined)
        return this.fail([
          { row: row.row, field: upsertOn, code: 'RECORD_NOT_FOUND', message: `no ${entity} record with this ${upsertOn}` },
        ]);
    }
    const service = this.service(rowTag(_id.toHexString(), row.row));
    const options = this.options.doc.form ? { form: this.options.doc.form } : {};
    if (row.errors.length > 0) return this.fail(await this.withRecordProblems(row, service, input, id, options));
    try {
      if (dryRun) {
        const problems = await service.validate(entity, input, id, options);
        if (problems.length > 0) return this.fail(problemErrors(row.row, this.plan, problems));
        if (key !== undefined) this.dryRunKeys.add(key);
        return this.count(known === undefined ? 'created' : 'updated');
      }
      const record = id ? await service.update(entity, id, input, undefined, options) : await service.create(entity, input, options);
      if (key !== undefined) existing.set(key, record.id);
      this.count(id ? 'updated' : 'created');
    } catch (err) {
      const errors = writeErrors(row.row, this.plan, err);
      if (!errors) throw err;
      this.fail(errors);
    }
  }

  /**
   * A row whose cells did not all convert, with what the record pipeline says of the
   * cells that did: one report lists every problem of the row, as the API does for a
   * write. Fields whose cell failed are not also reported (as required, say).
   */
  private async withRecordProblems(
    row: PreparedRow,
    service: RecordService,
    input: Record<string, unknown>,
    id: string | undefined,
    options: { form?: string },
  ): Promise<ImportRowError[]> {
    const failed = new Set(row.errors.map((e) => e.field));
    try {
      const problems = await service.validate(this.options.doc.entity, input, id, options);
      return [...row.errors, ...problemErrors(row.row, this.plan, problems).filter((e) => !failed.has(e.field))];
    } catch (err) {
      if (err instanceof AppError) return row.errors; // refused as a whole (access, a record gone): the cells say enough
      throw err;
    }
  }

  /** A record service for one row: its writes carry the row's tag as their request id. */
  private service(requestId: string): RecordService {
    const { db, snapshot, registries, hooks, logger, doc } = this.options;
    const onHookError = (err: unknown, hook: string) => logger.error({ err, hook, requestId }, 'record after-hook failed');
    return new RecordService({ db, snapshot, registries, actor: doc.createdBy, requestId, hooks, onHookError });
  }

  /** The live records that already hold this batch's upsert keys, by key. */
  private async existingByKey(rows: readonly PreparedRow[]): Promise<Map<string, string>> {
    const upsertOn = this.options.doc.upsertOn;
    const out = new Map<string, string>();
    const field = upsertOn ? this.plan.find((c) => c.field.key === upsertOn)?.field : undefined;
    if (!upsertOn || !field) return out;
    // A unique text field matches as its unique index compares: on the hidden comparison key.
    const path = uniqueIndexKey(field);
    const given = [...new Set(rows.map((r) => r.input[upsertOn]).filter((v) => v != null))];
    const values = path === upsertOn ? given.map((v) => toStorage(field, v)) : given.map((v) => this.keyOf(v));
    if (values.length === 0) return out;
    const docs = await recordCollection(this.options.db, this.options.doc.entity)
      .find({ [path]: { $in: values }, _deletedAt: null }, { projection: { _id: 1, [upsertOn]: 1 } })
      .toArray();
    for (const doc of docs) {
      const stored = String(fromStorage(field, doc[upsertOn]));
      out.set(path === upsertOn ? stored : normalizeUniqueText(stored), String(doc._id));
    }
    return out;
  }

  /** Which rows of the batch a previous attempt already wrote, and how (from the audit log). */
  private async committedRows(rows: readonly PreparedRow[]): Promise<Map<number, string>> {
    const importId = this.options.doc._id.toHexString();
    const tags = rows.map((r) => rowTag(importId, r.row));
    const applied = await new AuditLog(this.options.db).applied(tags);
    return new Map([...applied].map(([tag, { action }]) => [Number(tag.split(':')[2]), action]));
  }

  private keyOf(value: unknown): string | undefined {
    const field = this.plan.find((c) => c.field.key === this.options.doc.upsertOn)?.field;
    if (value == null || !field) return undefined;
    const key = String(fromStorage(field, toStorage(field, value)));
    return isNormalizedUnique(field) ? normalizeUniqueText(key) : key;
  }

  private isComputed(key: string): boolean {
    return this.options.registries.fieldTypes.get(String(this.plan.find((c) => c.field.key === key)?.field.type))?.computed === true;
  }

  private count(what: 'created' | 'updated'): void {
    this.counts[what]++;
  }

  private fail(errors: ImportRowError[]): void {
    this.counts.failed++;
    this.counts.errorCount += errors.length;
    this.pending.push(...errors);
  }

  private async checkpoint(finish?: 'completed'): Promise<boolean> {
    const { db, doc } = this.options;
    const storedBefore = Math.min(MAX_STORED_ERRORS, this.counts.errorCount - this.pending.length);
    const saved = await saveProgress(db, doc._id, this.counts, this.pending, storedBefore, finish);
    this.pending = [];
    return saved;
  }
}
