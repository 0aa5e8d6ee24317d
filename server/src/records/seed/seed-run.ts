import type { BundleRegistries } from '@metacrm/metadata';
import { ObjectId, type Db } from 'mongodb';
import type { MetadataSnapshot } from '../../metadata/metadata-cache.js';
import type { Logger } from '../../observability/logger.js';
import { MAX_STORED_ERRORS } from '../import/import-job.js';
import { compiledEntity, type CompiledEntity } from '../compiled-entity.js';
import { recordCollection } from '../../record-storage/record-collections.js';
import type { RecordHooks } from '../record-hooks.js';
import { RecordService, type WriteOptions } from '../record.service.js';
import { EntityNotFound, RecordNotFound } from '../records.errors.js';
import { saveSeedProgress, type SeedCounts, type SeedError, type SeedFile, type SeedLoadDoc } from './seed-load.js';
import {
  dropPending,
  findMappings,
  mappingId,
  markDone,
  markPending,
  seedTag,
  settlePending,
  type SeedMappingDoc,
} from './seed-mapping.js';
import { seedInput, type LookupContext } from './seed-input.js';
import { problemError, rowsOf, writeErrors, type Row } from './seed-rows.js';
import { lookupsOf, recordHash, seedPlan, type SeedPlan } from './seed-plan.js';

/** Progress is saved after every this many package records. */
export const SEED_CHECKPOINT_EVERY = 100;
/**
 * Seed records are the package's data, not a user filling in a form: no form's
 * conditions apply (a load in two passes, lookups patched in the second, would trip a
 * requiredWhen or readOnlyWhen that a finished record meets). The entity's own fields
 * and rules still do.
 */
const SEED_WRITE: WriteOptions = { form: null };

export interface SeedRunOptions {
  db: Db;
  /** The current metadata; for a dry run, the bundle a publish would make. */
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  hooks?: RecordHooks | undefined;
  logger: Logger;
  doc: SeedLoadDoc;
  seed: SeedFile['seed'];
  checkpointEvery?: number | undefined;
}

/**
 * Loads (or, in a dry run, checks) a package's records through RecordService, from the
 * last checkpoint. First pass: entities in dependency order, records in batches; each
 * record is created, updated (loaded before, changed in the package since) or skipped
 * (unchanged, or deleted since it was loaded), with its lookups remapped to the records
 * their targets became. Second pass: lookups inside a cycle of entities, left out when
 * their target did not exist yet, are set. The `seed_records` mapping makes every step
 * repeatable: a retry after a crash, or loading the same package again, never creates a
 * record twice.
 */
export class SeedRun {
  private readonly counts: SeedCounts;
  private readonly plan: SeedPlan;
  private readonly rows = new Map<string, Row[]>();
  private readonly ids = new Map<string, Set<string>>();
  /** Dry run: package records refused, so lookups to them would not resolve. */
  private readonly refused = new Set<string>();
  private pending: SeedError[] = [];

  constructor(private readonly options: SeedRunOptions) {
    const { doc, seed } = options;
    this.counts = structuredClone({ entities: doc.entities, processed: doc.processed, linked: doc.linked, errorCount: doc.errorCount });
    for (const entity of doc.order) {
      if (!options.snapshot.entity(entity)) throw EntityNotFound(`The entity "${entity}" no longer exists`, { entity });
      this.rows.set(entity, rowsOf(entity, seed[entity] ?? []));
      this.ids.set(entity, new Set(this.rows.get(entity)!.flatMap((r) => (r.sourceId === undefined ? [] : [r.sourceId]))));
    }
    this.plan = seedPlan(doc.order, (entity) => lookupsOf(this.compiled(entity)));
  }

  async run(): Promise<void> {
    const every = this.options.checkpointEvery ?? SEED_CHECKPOINT_EVERY;
    let position = 0;
    for (const entity of this.options.doc.order) {
      const rows = this.rows.get(entity)!;
      for (let start = Math.max(0, this.counts.processed - position); start < rows.length; start += every) {
        await this.firstPass(entity, rows.slice(start, start + every));
        await this.checkpoint();
      }
      position += rows.length;
    }
    if (!this.options.doc.dryRun) {
      const links = this.linkRows();
      for (let start = this.counts.linked; start < links.length; start += every) {
        await this.secondPass(links.slice(start, start + every));
        await this.checkpoint();
      }
    }
    await this.checkpoint('completed');
  }

  private async firstPass(entity: string, batch: Row[]): Promise<void> {
    const compiled = this.compiled(entity);
    const keys = batch.flatMap((row) =>
      row.sourceId === undefined ? [] : [this.key(entity, row.sourceId), ...this.targetKeys(compiled, row)],
    );
    const mappings = await findMappings(this.options.db, keys);
    if (!this.options.doc.dryRun) await settlePending(this.options.db, mappings);
    const live = await this.liveIds(
      entity,
      batch.map((row) => (row.sourceId === undefined ? undefined : mappings.get(this.key(entity, row.sourceId))?.recordId)),
    );
    for (const row of batch) {
      await this.handle(compiled, row, mappings, live);
      this.counts.processed++;
    }
  }

  private async handle(compiled: CompiledEntity, row: Row, mappings: Map<string, SeedMappingDoc>, live: Set<string>): Promise<void> {
    const { entity, sourceId } = row;
    if (sourceId === undefined) return this.fail(row.problem!);
    const { dryRun, _id: loadId } = this.options.doc;
    const key = this.key(entity, sourceId);
    const mapping = mappings.get(key);
    const hash = recordHash(row.record);
    let id: string | undefined;
    if (mapping?.recordId) {
      // Written by an earlier attempt of this very load: count it as that attempt did.
      if (!dryRun && mapping.loadId.equals(loadId)) return this.count(entity, mapping.action);
      if (!live.has(String(mapping.recordId))) return this.count(entity, 'skipped');
      if (mapping.hash === hash) return this.count(entity, 'skipped');
      id = String(mapping.recordId);
    }
    const prepared = seedInput(compiled, row.record, this.lookupContext(compiled, mappings));
    if (prepared.problems.length > 0)
      return this.refuse(
        key,
        prepared.problems.map((p) => ({ entity, sourceId, ...p })),
      );
    const service = this.service(seedTag(loadId, entity, sourceId));
    if (dryRun) {
      const problems = (await service.validate(entity, prepared.input, id, SEED_WRITE)).filter(
        (p) => !(p.code === 'UNKNOWN_ENTITY' && prepared.placeholders.has(String(p.params?.id))),
      );
      if (problems.length > 0)
        return this.refuse(
          key,
          problems.map((p) => problemError(entity, sourceId, p)),
        );
      return this.count(entity, id ? 'updated' : 'loaded');
    }
    try {
      if (id) {
        await service.update(entity, id, prepared.input, undefined, SEED_WRITE);
        await markDone(this.options.db, key, { recordId: mapping!.recordId!, hash, loadId, action: 'updated' });
        return this.count(entity, 'updated');
      }
      await markPending(this.options.db, {
        _id: key,
        package: this.options.doc.package.name,
        entity,
        sourceId,
        hash,
        loadId,
        tag: seedTag(loadId, entity, sourceId),
      });
      const record = await service.create(entity, prepared.input, SEED_WRITE);
      await markDone(this.options.db, key, { recordId: new ObjectId(record.id), hash, loadId, action: 'loaded' });
      this.count(entity, 'loaded');
    } catch (err) {
      const errors = writeErrors(entity, sourceId, err);
      if (!errors) throw err;
      if (!id) await dropPending(this.options.db, key);
      this.refuse(key, errors);
    }
  }

  /**
   * The records whose cyclic lookups name package records: the second pass sets those
   * lookups now that every record exists. Worked out again on resume (same order).
   */
  private linkRows(): Row[] {
    return this.options.doc.order.flatMap((entity) => {
      const cyclic = this.plan.cyclic.get(entity);
      if (!cyclic) return [];
      return this.rows
        .get(entity)!
        .filter((row) => row.sourceId !== undefined && [...cyclic].some((f) => this.packageTarget(entity, f, row.record[f]) !== undefined));
    });
  }

  private async secondPass(batch: Row[]): Promise<void> {
    const keys = batch.flatMap((row) => [this.key(row.entity, row.sourceId!), ...this.targetKeys(this.compiled(row.entity), row)]);
    const mappings = await findMappings(this.options.db, keys);
    for (const row of batch) {
      await this.link(row, mappings);
      this.counts.linked++;
    }
  }

  private async link(row: Row, mappings: Map<string, SeedMappingDoc>): Promise<void> {
    const { entity, sourceId } = row as Row & { sourceId: string };
    const own = mappings.get(this.key(entity, sourceId))?.recordId;
    if (!own) return; // the record itself failed, and says so already
    const patch: Record<string, unknown> = {};
    for (const field of this.plan.cyclic.get(entity)!) {
      const target = this.packageTarget(entity, field, row.record[field]);
      if (target === undefined) continue;
      const recordId = mappings.get(this.key(target, String(row.record[field])))?.recordId;
      if (recordId) patch[field] = String(recordId);
      else
        this.error({
          entity,
          sourceId,
          pointer: `/${field}`,
          code: 'UNKNOWN_ENTITY',
          message: `the package's ${target} record "${String(row.record[field])}" was not loaded; the lookup is left empty`,
        });
    }
    if (Object.keys(patch).length === 0) return;
    try {
      // Unchanged values write nothing: a repeated pass adds no revision.
      await this.service(seedTag(this.options.doc._id, entity, sourceId)).update(entity, String(own), patch, undefined, SEED_WRITE);
    } catch (err) {
      if (RecordNotFound.is(err)) return; // deleted since it was loaded: left alone
      const errors = writeErrors(entity, sourceId, err);
      if (!errors) throw err;
      for (const error of errors) this.error(error);
    }
  }

  /** The entity a lookup value names a package record of, if it does. */
  private packageTarget(entity: string, field: string, value: unknown): string | undefined {
    const target = this.compiled(entity).fields.get(field)?.target;
    return typeof value === 'string' && typeof target === 'string' && this.ids.get(target)?.has(value) ? target : undefined;
  }

  /** Mapping keys of the package records a row's lookups name. */
  private targetKeys(compiled: CompiledEntity, row: Row): string[] {
    return compiled.lookups.flatMap((f) => {
      const target = this.packageTarget(row.entity, f.key, row.record[f.key]);
      return target === undefined ? [] : [this.key(target, String(row.record[f.key]))];
    });
  }

  private lookupContext(compiled: CompiledEntity, mappings: Map<string, SeedMappingDoc>): LookupContext {
    return {
      loaded: (entity, sourceId) => {
        const recordId = mappings.get(this.key(entity, sourceId))?.recordId;
        return recordId ? String(recordId) : undefined;
      },
      inPackage: (entity, sourceId) => this.ids.get(entity)?.has(sourceId) === true,
      wouldLoad: (entity, sourceId) => !this.refused.has(this.key(entity, sourceId)),
      dryRun: this.options.doc.dryRun,
      cyclic: this.plan.cyclic.get(compiled.entity.key) ?? new Set(),
    };
  }

  /** Which of these record ids are live records of the entity. */
  private async liveIds(entity: string, ids: (ObjectId | null | undefined)[]): Promise<Set<string>> {
    const wanted = ids.filter((id): id is ObjectId => id instanceof ObjectId);
    if (wanted.length === 0) return new Set();
    const docs = await recordCollection(this.options.db, entity)
      .find({ _id: { $in: wanted }, _deletedAt: null }, { projection: { _id: 1 } })
      .toArray();
    return new Set(docs.map((d) => String(d._id)));
  }

  /** A record service whose writes carry `requestId`, kept in their audit entries. */
  private service(requestId: string): RecordService {
    const { db, snapshot, registries, hooks, logger, doc } = this.options;
    const onHookError = (err: unknown, hook: string) => logger.error({ err, hook, requestId }, 'record after-hook failed');
    return new RecordService({ db, snapshot, registries, actor: doc.createdBy, requestId, hooks, onHookError });
  }

  private compiled(entity: string): CompiledEntity {
    const compiled = compiledEntity(this.options.snapshot, entity, this.options.registries);
    if (!compiled) throw EntityNotFound(`The entity "${entity}" no longer exists`, { entity });
    return compiled;
  }

  private key(entity: string, sourceId: string): string {
    return mappingId(this.options.doc.package.name, entity, sourceId);
  }

  private count(entity: string, what: 'loaded' | 'updated' | 'skipped'): void {
    this.counts.entities[entity]![what]++;
  }

  /** A package record that was not (or, in a dry run, would not be) written, with why. */
  private refuse(key: string, errors: SeedError[]): void {
    this.refused.add(key);
    this.fail(...errors);
  }

  /** A record that was not written, with why. */
  private fail(...errors: SeedError[]): void {
    this.counts.entities[errors[0]!.entity]!.failed++;
    for (const error of errors) this.error(error);
  }

  private error(error: SeedError): void {
    this.counts.errorCount++;
    this.pending.push(error);
  }

  private async checkpoint(finish?: 'completed'): Promise<void> {
    const storedBefore = Math.min(MAX_STORED_ERRORS, this.counts.errorCount - this.pending.length);
    await saveSeedProgress(this.options.db, this.options.doc._id, this.counts, this.pending, storedBefore, finish);
    this.pending = [];
  }
}
