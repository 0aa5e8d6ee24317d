import { Decimal128, ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import {
  isRecordReference,
  makeProblem,
  sortText,
  viewFields,
  viewSortKeys,
  type BundleRegistries,
  type FormConditions,
  type Problem,
} from '@metacrm/metadata';
import { Forbidden } from '../access/access.errors.js';
import { RecordAccess } from '../access/record-access.js';
import { addShare, listShares, removeShare, type Share } from '../access/record-shares.js';
import type { ScopedOperation } from '../access/entity-policy.js';
import type { Actor } from '../actor/actor.js';
import { toAppError } from '../errors/to-app-error.js';
import { USERS } from '../auth/user-model.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { aggregateRecords } from './aggregate-records.js';
import { nextAutoNumber, nextAutoNumbers, type AutoNumberSettings } from '../record-storage/auto-number.js';
import { DELETED_WITH, cascadeKey, restoreCascaded, type RestoredRecord } from './cascade-restore.js';
import { compiledEntity, type CompiledEntity } from './compiled-entity.js';
import { findDuplicates, type DuplicateCandidate, type DuplicateFindings } from './duplicate-check.js';
import { expandLookups } from './expand.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { AggregateResult } from './record-aggregate.js';
import { listRecords, type ListOptions, type ListResult } from './record-list.js';
import { apiValues, changedFields, storageUpdate, toApiRecord, valuesOf, type ApiRecord, type Values } from './record-document.js';
import { runAfter, runBefore, type AfterWrite, type RecordHooks } from './record-hooks.js';
import { backoffBeforeRetry, queuedPerRecord } from './reapply.js';
import { prepareValues } from './record-values.js';
import { RECORD_REVISIONS } from '../audit/record-trail.js';
import {
  insertRecord,
  insertRecords,
  updateRecord,
  writeCreateTrails,
  writeTrail,
  type RecordOperation,
  type WriteContext,
} from './record-writer.js';
import {
  EntityNotFound,
  FormNotFound,
  RecordInUse,
  RecordInvalid,
  RecordNotFound,
  RecordVersionConflict,
  ViewNotFound,
} from './records.errors.js';
import { checkLookups, checkLookupsMany, referencesTo, refreshParentRollups, refreshRollupsOfBatch } from './relations.js';
import { withScope, type RelatedAccess } from './related-access.js';
import { applyAttachmentChanges, checkAttachmentRefs, type AttachmentChanges } from './attachments/attachment-refs.js';
import { detachFilesOf } from './attachments/attachment-store.js';

export interface RecordServiceOptions {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  actor: Actor;
  requestId?: string | undefined;
  causationDepth?: number;
  /** The workflows whose writes led here, oldest first (with causationDepth). */
  causationChain?: readonly string[];
  /** Before-hooks may change or refuse a write; after-hooks observe committed ones. */
  hooks?: RecordHooks | undefined;
  /** Where an after-hook's error goes (the write has committed regardless). */
  onHookError?: (err: unknown, hook: string) => void;
  /**
   * The session to run write transactions in, one after another, instead of a new one
   * per write: a workflow execution's, whose id its run lease names (run-lease.ts).
   */
  session?: ClientSession | undefined;
}

/** How one create, update or validation is checked, beyond the entity itself. */
export interface WriteOptions {
  /**
   * The form whose conditional required, hidden and read-only fields the write must
   * respect: by default the entity's default form (see defaultFormOf); a form key to
   * use that form instead (404 FORM_NOT_FOUND when the entity has none such); null for
   * none, for the platform's own writes that no user form governs.
   */
  form?: string | null | undefined;
  /**
   * Who owns a created record (`_ownerId`): by default the actor. Only the platform's
   * own writes (system actors: workflow steps) may name another owner, an active user;
   * users hand a record over afterwards.
   */
  owner?: string | undefined;
}

/**
 * Records a bulk create writes in one transaction: a few round trips per batch instead
 * of ten per record, while a transaction stays short enough not to hold the store (or
 * outlast MongoDB's 60 s transaction lifetime on a busy one).
 */
export const BULK_TRANSACTION_SIZE = 250;

/** Thrown inside a transaction when the guarded update found another version. */
class VersionMoved extends Error {}

/**
 * The generic record engine for every entity the metadata defines. Built per request
 * from the metadata snapshot, the acting user and the database. Every write path
 * (API, import, bulk, workflow) comes through here, so each gets the same pipeline:
 * refuse system and computed fields, defaults, formulas, validation, rules, the
 * conditions of the form that governs the write, lookups, then one transaction with
 * the record, its revision, audit entry and outbox event.
 */
export class RecordService {
  /** What the actor may do: checked on every path below, never left to the caller. */
  readonly access: RecordAccess;

  constructor(private readonly options: RecordServiceOptions) {
    this.access = new RecordAccess(options.db, options.snapshot, options.registries, options.actor);
  }

  /** Who is acting. */
  get actor(): Actor {
    return this.options.actor;
  }

  compiled(entity: string): CompiledEntity {
    const compiled = compiledEntity(this.options.snapshot, entity, this.options.registries);
    if (!compiled) throw EntityNotFound(`No entity "${entity}"`, { entity });
    return compiled;
  }

  /**
   * The form conditions a write with `options.form` is checked against (undefined: none
   * apply). `pointer` says where the form was named, for the 404 of an unknown one.
   */
  formOf(entity: string | CompiledEntity, form: WriteOptions['form'], pointer = '/form'): FormConditions | undefined {
    const compiled = typeof entity === 'string' ? this.compiled(entity) : entity;
    if (form === null) return undefined;
    if (form === undefined) return compiled.defaultForm;
    const conditions = compiled.forms.get(form);
    if (!conditions)
      throw FormNotFound(`${compiled.entity.key} has no form "${String(form).slice(0, 60)}"`, {
        entity: compiled.entity.key,
        form,
        pointer,
      });
    return conditions;
  }

  async get(entity: string, id: string, options: { includeDeleted?: boolean; expand?: string[] | undefined } = {}): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    return await this.presentOne(
      compiled,
      toApiRecord(compiled, await this.load(compiled, id, options.includeDeleted ?? false, 'read')),
      options.expand,
    );
  }

  /**
   * Throws as reading or changing record `id` would: 404 when out of the actor's scope,
   * 403 when they may read it but not `op` it. For paths that act on a record's parts
   * (its attachments) without loading it themselves.
   */
  async requireRecord(entity: string, id: string, op: ScopedOperation): Promise<void> {
    const compiled = this.compiled(entity);
    this.access.require(entity, op);
    await this.load(compiled, id, false, op);
  }

  async list(entity: string, options: ListOptions): Promise<ListResult> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    if (options.deleted) this.access.require(entity, 'delete');
    const scope = await this.access.scope(entity, options.deleted ? 'delete' : 'read');
    const query = this.withView(entity, options);
    const result = await listRecords(this.options.db, compiled, this.options.registries, query, {
      scope,
      canRead: this.access.queryable(entity),
      user: this.options.actor.id,
    });
    await this.present(compiled, result.records, query.expand);
    return result;
  }

  /**
   * The list options with a view's applied: its filter ANDed with the caller's, its sort
   * unless the caller gives one, its columns (those the actor may read) unless the caller
   * names fields. 404 VIEW_NOT_FOUND for a view the entity does not have.
   */
  private withView(entity: string, options: ListOptions): ListOptions {
    if (options.view === undefined) return options;
    const view = this.options.snapshot.bundle.views.find((v) => v.key === options.view && v.entity === entity);
    if (!view)
      throw ViewNotFound(`${entity} has no view "${String(options.view).slice(0, 60)}"`, {
        entity,
        view: options.view,
        problems: [makeProblem('/query/view', 'NOT_ALLOWED_VALUE', { value: options.view })],
      });
    const filters = [view.filter, options.filter].filter((f) => f !== undefined);
    const readable = this.access.queryable(entity);
    const columns = viewFields(view).filter((key) => readable(key));
    return {
      ...options,
      filter: filters.length > 1 ? { and: filters } : filters[0],
      sort: options.sort ?? sortText(viewSortKeys(view)),
      fields: options.fields ?? (columns.length > 0 ? columns : undefined),
    };
  }

  /** The records of `child` whose lookup `via` points at this record (a related list). */
  async related(entity: string, id: string, child: string, via: string, options: ListOptions): Promise<ListResult> {
    const parent = this.compiled(entity);
    this.access.require(entity, 'read');
    await this.load(parent, id, false, 'read');
    const field = this.compiled(child).fields.get(via);
    if (!field || !isRecordReference(field) || field.target !== entity) {
      throw RecordNotFound(`${child}.${via} is not a lookup to ${entity}`, { entity: child, field: via });
    }
    const link = { field: via, op: 'eq', value: id };
    return await this.list(child, { ...options, filter: options.filter === undefined ? link : { and: [link, options.filter] } });
  }

  /** Groups and measures matching records for reports and charts; see aggregateRecords. */
  async aggregate(entity: string, body: unknown): Promise<AggregateResult> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    return await aggregateRecords(this.options.db, compiled, this.options.registries, body, {
      entityOf: (key) => this.options.snapshot.entity(key),
      canRead: this.access.queryable(entity),
      scope: await this.access.scope(entity, 'read'),
      related: this.relatedAccess,
      user: this.options.actor.id,
    });
  }

  async create(entity: string, input: unknown, options: WriteOptions = {}): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'create');
    const form = this.formOf(compiled, options.form);
    const now = new Date();
    const fields = asObject(input);
    this.access.checkWritable(entity, fields);
    await runBefore(this.options.hooks, {
      snapshot: this.options.snapshot,
      entity,
      op: 'create',
      actor: this.options.actor,
      input: fields,
    });
    const { values, problems } = prepareValues(compiled, this.options.registries, fields, undefined, this.options.actor, now, form);
    problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(Object.keys(values)), this.relatedAccess)));
    const files = await checkAttachmentRefs(this.options.db, compiled, values, undefined, this.options.actor);
    problems.push(...files.problems);
    const [duplicates] = await this.duplicates(compiled, [{ values }]);
    problems.push(...duplicates!.block);
    if (problems.length > 0) throw RecordInvalid(undefined, { problems });
    const ownerId = await this.initialOwner(options.owner);
    const id = new ObjectId();
    // Numbers are drawn outside the transaction: inside it, every concurrent create would
    // conflict on the one counter document. A create that then fails leaves a gap, never
    // a repeat.
    for (const field of compiled.autoNumbers) {
      values[field.key] = await nextAutoNumber(
        this.options.db,
        compiled.entity.key,
        field.key,
        field as unknown as AutoNumberSettings,
        now,
      );
    }
    const actorId = this.options.actor.id;
    const doc: Document = {
      _id: id,
      ...storageUpdate(compiled, values).$set,
      ...initialRollups(compiled),
      _version: 1,
      _createdAt: now,
      _updatedAt: now,
      _createdBy: actorId,
      _updatedBy: actorId,
      _ownerId: ownerId,
      _deletedAt: null,
    };
    await this.transaction(async (ctx) => {
      await insertRecord(ctx, compiled, doc);
      await applyAttachmentChanges(ctx.db, ctx.session, id, files.changes);
      await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, undefined, values, ctx.session);
      await writeTrail(ctx, compiled, 'create', id, 1, changedFields({}, values), { after: apiValues(values, doc) });
    });
    await this.after({ entity, op: 'create', id: id.toHexString(), version: 1, changes: changedFields({}, values) });
    // What was just written, even when the actor's read scope would not list it.
    return withDuplicates(await this.presentOne(compiled, await this.written(compiled, doc)), duplicates!);
  }

  /**
   * Creates many records of one entity, each through the same checks as create, and
   * writes the valid ones in transactions of up to BULK_TRANSACTION_SIZE (one insert each
   * for the records, their revisions, audit entries and events; auto-numbers drawn
   * together), so a bulk load
   * makes a few round trips per batch instead of ten per record. Answers, per input, the
   * record or the error that refused it. A batch the database refuses as a whole (a
   * unique value taken, or a transaction aborted for lasting too long) is written again
   * one record at a time, so every other record still lands and a clash is reported on
   * its own item.
   */
  async createMany(entity: string, inputs: unknown[], options: WriteOptions = {}): Promise<(ApiRecord | Error)[]> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'create');
    const form = this.formOf(compiled, options.form);
    const now = new Date();
    const out: (ApiRecord | Error)[] = new Array(inputs.length);
    const valid: { index: number; values: Values; id: ObjectId; files: AttachmentChanges }[] = [];
    for (const [index, input] of inputs.entries()) {
      try {
        const fields = asObject(input);
        this.access.checkWritable(entity, fields);
        await runBefore(this.options.hooks, {
          snapshot: this.options.snapshot,
          entity,
          op: 'create',
          actor: this.options.actor,
          input: fields,
        });
        const { values, problems } = prepareValues(compiled, this.options.registries, fields, undefined, this.options.actor, now, form);
        const files = await checkAttachmentRefs(this.options.db, compiled, values, undefined, this.options.actor);
        problems.push(...files.problems);
        if (problems.length > 0) throw RecordInvalid(undefined, { problems });
        valid.push({ index, values, id: new ObjectId(), files: files.changes });
      } catch (err) {
        out[index] = err as Error;
      }
    }
    // Lookups for the whole batch at once; records pointing nowhere drop out of it.
    const lookupProblems = await checkLookupsMany(
      this.options.db,
      compiled,
      valid.map((v) => v.values),
      this.relatedAccess,
    );
    valid.forEach(
      (item, i) => lookupProblems[i]!.length > 0 && (out[item.index] = RecordInvalid(undefined, { problems: lookupProblems[i] })),
    );
    valid.splice(0, valid.length, ...valid.filter((_, i) => lookupProblems[i]!.length === 0));
    // The duplicate check for the batch at once; a record a blocking rule refuses drops out too.
    const found = await this.duplicates(
      compiled,
      valid.map((v) => ({ values: v.values })),
    );
    const warnings = new Map(valid.map((item, i) => [item.index, found[i]!]));
    valid.forEach((item, i) => found[i]!.block.length > 0 && (out[item.index] = RecordInvalid(undefined, { problems: found[i]!.block })));
    valid.splice(0, valid.length, ...valid.filter((_, i) => found[i]!.block.length === 0));
    for (const field of compiled.autoNumbers) {
      const numbers =
        valid.length === 0
          ? []
          : await nextAutoNumbers(
              this.options.db,
              compiled.entity.key,
              field.key,
              field as unknown as AutoNumberSettings,
              now,
              valid.length,
            );
      valid.forEach((item, i) => (item.values[field.key] = numbers[i]));
    }
    const actorId = this.options.actor.id;
    const ownerId = await this.initialOwner(options.owner);
    const items = valid.map(({ index, id, values, files }) => ({
      index,
      id,
      values,
      files,
      doc: {
        _id: id,
        ...storageUpdate(compiled, values).$set,
        ...initialRollups(compiled),
        _version: 1,
        _createdAt: now,
        _updatedAt: now,
        _createdBy: actorId,
        _updatedBy: actorId,
        _ownerId: ownerId,
        _deletedAt: null,
      } as Document,
    }));
    for (let at = 0; at < items.length; at += BULK_TRANSACTION_SIZE) {
      const batch = items.slice(at, at + BULK_TRANSACTION_SIZE);
      if (!(await this.writeBatch(compiled, batch))) {
        // Refused as a whole (a unique value taken), or aborted by the server for lasting too
        // long on a busy one: nothing of this batch was written, so each record goes on its own.
        for (const { index } of batch) out[index] = await this.create(entity, inputs[index], options).catch((e: Error) => e);
        continue;
      }
      for (const { index, id, values, doc } of batch) {
        await this.after({ entity, op: 'create', id: id.toHexString(), version: 1, changes: changedFields({}, values) });
        out[index] = withDuplicates(await this.presentOne(compiled, toApiRecord(compiled, doc)), warnings.get(index)!);
      }
    }
    return out;
  }

  /**
   * Writes one batch of new records in one transaction: the records, the roll-ups of
   * their parents, and their revisions, audit entries and events. False when the batch
   * was refused as a whole (a known error such as a unique value taken, or a transient
   * abort), in which case nothing of it was written.
   */
  private async writeBatch(
    compiled: CompiledEntity,
    batch: { id: ObjectId; values: Values; doc: Document; files: AttachmentChanges }[],
  ): Promise<boolean> {
    try {
      await this.transaction(async (ctx) => {
        await insertRecords(
          ctx,
          compiled,
          batch.map((b) => b.doc),
        );
        for (const { id, files } of batch) await applyAttachmentChanges(ctx.db, ctx.session, id, files);
        await refreshRollupsOfBatch(
          ctx.db,
          this.options.snapshot,
          this.options.registries,
          compiled,
          batch.map((b) => b.values),
          ctx.session,
        );
        await writeCreateTrails(
          ctx,
          compiled,
          batch.map(({ id, values, doc }) => ({ id, changes: changedFields({}, values), after: apiValues(values, doc) })),
        );
      });
      return true;
    } catch (err) {
      const aborted = (err as { hasErrorLabel?: (label: string) => boolean }).hasErrorLabel?.('TransientTransactionError') === true;
      if (!toAppError(err) && !aborted) throw err;
      return false;
    }
  }

  /**
   * The checks of create (no `id`) or update (`id`) without writing anything: before-hooks,
   * values, formulas, rules and lookups. Unique values are left to the write's index. For dry runs.
   */
  async validate(entity: string, input: unknown, id?: string, options: WriteOptions = {}): Promise<Problem[]> {
    const compiled = this.compiled(entity);
    this.access.require(entity, id === undefined ? 'create' : 'update');
    const form = this.formOf(compiled, options.form);
    const current = id === undefined ? undefined : valuesOf(compiled, await this.load(compiled, id, false, 'update'));
    const given = asObject(input);
    const fields = current ? this.access.withoutMaskedEcho(entity, given, current) : given;
    this.access.checkWritable(entity, fields);
    await runBefore(this.options.hooks, {
      snapshot: this.options.snapshot,
      entity,
      op: current ? 'update' : 'create',
      actor: this.options.actor,
      id,
      input: fields,
      ...(current ? { current } : {}),
    });
    const { values, problems } = prepareValues(compiled, this.options.registries, fields, current, this.options.actor, new Date(), form);
    const changed = current ? changedFields(current, values).map((c) => c.field) : Object.keys(values);
    problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(changed), this.relatedAccess)));
    const [duplicates] = await this.duplicates(compiled, [{ values, changed: new Set(changed), id: current ? objectId(id!) : undefined }]);
    return [...problems, ...duplicates!.block];
  }

  /**
   * The duplicate check (查重) of a record before it is saved: every match of the
   * entity's duplicate rules, warning and blocking (DUPLICATE_RECORD problems whose
   * `params.mode` says which), for the values `input` would give a new record, or
   * record `id` once changed. Needs the right to create (update) such records; a
   * match shows its id and name only to those who may read it (findDuplicates).
   */
  async duplicatesOf(entity: string, input: unknown, id?: string): Promise<Problem[]> {
    const compiled = this.compiled(entity);
    this.access.require(entity, id === undefined ? 'create' : 'update');
    const current = id === undefined ? undefined : await this.load(compiled, id, false, 'update');
    const { values } = prepareValues(
      compiled,
      this.options.registries,
      asObject(input),
      current && valuesOf(compiled, current),
      this.options.actor,
      new Date(),
      undefined,
    );
    const [found] = await this.duplicates(compiled, [{ values, id: current?._id as ObjectId | undefined }]);
    return [...found!.block, ...found!.warn];
  }

  /** Runs the entity's duplicate rules for some records, seeing matches as the actor may (findDuplicates). */
  private async duplicates(compiled: CompiledEntity, candidates: DuplicateCandidate[]): Promise<DuplicateFindings[]> {
    if (!compiled.entity.duplicateRules?.length || candidates.length === 0) return candidates.map(() => ({ warn: [], block: [] }));
    return await findDuplicates(this.options.db, this.options.snapshot, compiled, candidates, this.relatedAccess, {
      id: this.options.actor.id,
      name: this.options.actor.name,
    });
  }

  /**
   * Changes some fields. With `expectedVersion` (from `_version` or If-Match) a record
   * changed since answers 409 with its current version; without it the change is
   * re-applied on the newest version, with backoff, until it lands (or, on a record
   * busy for REAPPLY_LIMIT_MS, 409 with the version last seen), still never
   * overwriting a concurrent write.
   */
  async update(entity: string, id: string, input: unknown, expectedVersion?: number, options: WriteOptions = {}): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'update');
    const form = this.formOf(compiled, options.form);
    const patch = asObject(input);
    // Unversioned updates of one record queue in this process (see queuedPerRecord).
    const key = `${this.options.db.databaseName}/${entity}/${id}`;
    const once = () => this.updateOnce(compiled, id, patch, expectedVersion, form);
    const startedAt = Date.now();
    let lastVersion: unknown;
    for (let attempt = 0; attempt === 0 || (await backoffBeforeRetry(attempt, startedAt)); attempt++) {
      const outcome = expectedVersion === undefined ? await queuedPerRecord(key, once) : await once();
      if ('moved' in outcome) {
        if (expectedVersion !== undefined) throw conflict(await this.load(compiled, id, false, null));
        lastVersion = outcome.moved;
        continue;
      }
      if (outcome.changes.length === 0)
        return withDuplicates(await this.presentOne(compiled, toApiRecord(compiled, outcome.doc)), outcome.duplicates);
      // After the queue: a hook that writes this record again must not wait on itself.
      await this.after({ entity, op: 'update', id, version: (outcome.doc._version as number) + 1, changes: outcome.changes });
      return withDuplicates(
        await this.presentOne(compiled, await this.written(compiled, applied(outcome.doc, outcome.update))),
        outcome.duplicates,
      );
    }
    throw RecordVersionConflict('The record keeps changing; try again', { currentVersion: lastVersion });
  }

  /**
   * One try of an update on the record as it is now: the version it read has moved
   * (`moved`), or the update is written with its trail, or there was nothing to change.
   */
  private async updateOnce(
    compiled: CompiledEntity,
    id: string,
    patch: Record<string, unknown>,
    expectedVersion: number | undefined,
    form: FormConditions | undefined,
  ): Promise<
    { moved: unknown } | { doc: Document; update: Document; changes: ReturnType<typeof changedFields>; duplicates: DuplicateFindings }
  > {
    const entity = compiled.entity.key;
    const doc = await this.load(compiled, id, false, 'update');
    if (expectedVersion !== undefined && doc._version !== expectedVersion) throw conflict(doc);
    const current = valuesOf(compiled, doc);
    const fields = this.access.withoutMaskedEcho(entity, patch, current);
    this.access.checkWritable(entity, fields);
    await runBefore(this.options.hooks, {
      snapshot: this.options.snapshot,
      entity,
      op: 'update',
      actor: this.options.actor,
      id,
      input: fields,
      current,
    });
    const { values, problems } = prepareValues(compiled, this.options.registries, fields, current, this.options.actor, new Date(), form);
    // Before the changes are worked out: it puts the stored name, size and type into the refs.
    const files = await checkAttachmentRefs(this.options.db, compiled, values, current, this.options.actor);
    problems.push(...files.problems);
    const changes = changedFields(current, values);
    problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(changes.map((c) => c.field)), this.relatedAccess)));
    const [duplicates] = await this.duplicates(compiled, [
      { values, changed: new Set(changes.map((c) => c.field)), id: doc._id as ObjectId },
    ]);
    problems.push(...duplicates!.block);
    if (problems.length > 0) throw RecordInvalid(undefined, { problems });
    if (changes.length === 0) return { doc, update: {}, changes, duplicates: duplicates! };
    const changed = Object.fromEntries(changes.map((c) => [c.field, values[c.field]]));
    const { $set, $unset } = storageUpdate(compiled, changed);
    const update: Document = { $set: { ...$set, _updatedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } };
    if (Object.keys($unset).length > 0) update.$unset = $unset;
    try {
      await this.transaction(async (ctx) => {
        if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw new VersionMoved();
        await applyAttachmentChanges(ctx.db, ctx.session, doc._id as ObjectId, files.changes);
        await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, current, values, ctx.session);
        await writeTrail(ctx, compiled, 'update', doc._id as ObjectId, (doc._version as number) + 1, changes, {
          before: apiValues(current, doc),
          after: apiValues(values, applied(doc, update)),
        });
      });
      return { doc, update, changes, duplicates: duplicates! };
    } catch (err) {
      if (err instanceof VersionMoved) return { moved: doc._version };
      throw err;
    }
  }

  /**
   * Deletes a record: to the recycle bin when the entity keeps one (soft), for good
   * when `hard`. Records that refer to it are handled as their lookup says: restrict
   * refuses, set_null clears the reference, cascade deletes them too (whoever may see
   * them: the parent's owner decides, as with a master-detail relation). Only an
   * administrator may delete for good where the entity keeps a recycle bin.
   */
  async delete(entity: string, id: string, options: { expectedVersion?: number; hard?: boolean } = {}): Promise<void> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'delete');
    if (options.hard === true) this.access.requireUnrestricted(entity, 'delete records for good');
    const doc = await this.load(compiled, id, options.hard === true, 'delete');
    if (options.expectedVersion !== undefined && doc._version !== options.expectedVersion) throw conflict(doc);
    await runBefore(this.options.hooks, {
      snapshot: this.options.snapshot,
      entity,
      op: 'delete',
      actor: this.options.actor,
      id,
      input: {},
      current: valuesOf(compiled, doc),
    });
    const hard = options.hard === true || compiled.entity.options?.softDelete === false;
    await this.transaction((ctx) => this.deleteIn(ctx, compiled, doc, hard, 0, cascadeKey(entity, doc._id as ObjectId)));
    await this.after({ entity, op: hard ? 'purge' : 'delete', id, version: (doc._version as number) + 1, changes: [] });
  }

  /**
   * Gives a record to another user (`_ownerId`), as a versioned update with its
   * revision, audit entry and event. Needs update access to the record; the new owner
   * must be an active user. The owner's scope decides who sees the record from then on.
   * `null` leaves the record without an owner (a workflow returning a customer to the
   * pool); only the scopes that reach unowned records (a row filter) see it then.
   */
  async transferOwner(entity: string, id: string, ownerId: string | null, op: 'update' | null = 'update'): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    if (op !== null) this.access.require(entity, op);
    if (ownerId !== null) await this.requireActiveUser(ownerId);
    const doc = await this.load(compiled, id, false, op);
    if ((doc._ownerId ?? null) === ownerId) return await this.presentOne(compiled, toApiRecord(compiled, doc));
    const changes = [{ field: '_ownerId', from: doc._ownerId ?? null, to: ownerId }];
    await this.transaction(async (ctx) => {
      const update = { $set: { _ownerId: ownerId, _updatedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } };
      if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw conflict(doc);
      const values = valuesOf(compiled, doc);
      await writeTrail(ctx, compiled, 'update', doc._id as ObjectId, (doc._version as number) + 1, changes, {
        before: apiValues(values, doc),
        after: apiValues(values, applied(doc, update)),
      });
    });
    await this.after({ entity, op: 'update', id, version: (doc._version as number) + 1, changes });
    return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, false, null)));
  }

  /**
   * Change owner, as a user asks it (API, bulk): `{ownerId}` names an active user. Allowed
   * to administrators, to roles granting `changeOwner` on the entity (for records they may
   * update) and to the owner's managers; others get 403 (404 for a record they cannot
   * see). Written as transferOwner writes it: a version, a revision of `_ownerId` (the
   * record's history), an audit entry and an event.
   */
  async changeOwner(entity: string, id: string, input: unknown): Promise<ApiRecord> {
    const ownerId = input !== null && typeof input === 'object' ? (input as { ownerId?: unknown }).ownerId : undefined;
    if (typeof ownerId !== 'string') throw RecordInvalid('Name the new owner', { problems: [makeProblem('/ownerId', 'REQUIRED', {})] });
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    const doc = await this.load(compiled, id, false, 'read');
    const canUpdate = this.access.policy(entity).can('update') && (await this.inScope(compiled, { _id: doc._id }, 'update'));
    if (!(await this.access.mayChangeOwner(entity, doc._ownerId, canUpdate))) {
      throw Forbidden(`You may not change the owner of this ${entity} record`, { entity, operation: 'changeOwner', id });
    }
    return await this.transferOwner(entity, id, ownerId, null);
  }

  /**
   * Brings a record back from the recycle bin, and with it the records its delete
   * cascaded to (and only those), in one transaction. The answer is the record with
   * `_restoredWith`: the other records brought back, by entity and id.
   */
  async restore(entity: string, id: string): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'delete');
    const doc = await recordCollection(this.options.db, entity).findOne(
      withScope({ _id: objectId(id), _deletedAt: { $ne: null } }, await this.access.scope(entity, 'delete')),
    );
    if (!doc) throw RecordNotFound(`No deleted ${entity} record ${id}`, { entity, id });
    let restored: RestoredRecord[] = [];
    await this.transaction(async (ctx) => {
      const update = {
        $set: { _deletedAt: null, _updatedAt: new Date(), _updatedBy: this.options.actor.id },
        $unset: { [DELETED_WITH]: '' },
        $inc: { _version: 1 },
      };
      if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw conflict(doc);
      await refreshParentRollups(
        ctx.db,
        this.options.snapshot,
        this.options.registries,
        compiled,
        undefined,
        valuesOf(compiled, doc),
        ctx.session,
      );
      await writeTrail(ctx, compiled, 'restore', doc._id as ObjectId, (doc._version as number) + 1, [], {
        after: apiValues(valuesOf(compiled, doc), applied(doc, update)),
      });
      const deps = { snapshot: this.options.snapshot, registries: this.options.registries, compiled: (key: string) => this.compiled(key) };
      restored = await restoreCascaded(ctx, deps, compiled, cascadeKey(entity, doc._id as ObjectId));
    });
    await this.after({ entity, op: 'restore', id, version: (doc._version as number) + 1, changes: [] });
    for (const r of restored) await this.after({ entity: r.entity, op: 'restore', id: r.id, version: r.version, changes: [] });
    const record = await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, false, null)));
    return { ...record, _restoredWith: restored.map(({ entity: e, id: i }) => ({ entity: e, id: i })) };
  }

  /**
   * Field history, newest first: who changed which field when, from what to what. Only
   * the fields the actor may read, masked where their roles mask them.
   */
  async history(
    entity: string,
    id: string,
  ): Promise<
    { version: number; op: string; at: string; actor: unknown; field: string; from: unknown; to: unknown; metadataVersion?: number }[]
  > {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    const doc = await this.load(compiled, id, true, 'read');
    const revisions = await this.options.db
      .collection(RECORD_REVISIONS)
      .find({ entity, recordId: doc._id })
      .sort({ version: -1 })
      .limit(1000)
      .toArray();
    return revisions.flatMap((r) =>
      (r.changes as { field: string; from: unknown; to: unknown }[]).flatMap((c) => {
        const from = this.access.presentValue(entity, c.field, c.from);
        if (!from.visible) return [];
        const to = this.access.presentValue(entity, c.field, c.to);
        // A publish's migration (op `migrate`) names the metadata version it made.
        const published = typeof r.metadataVersion === 'number' ? { metadataVersion: r.metadataVersion } : {};
        return [
          {
            version: r.version as number,
            op: r.op as string,
            at: (r.at as Date).toISOString(),
            actor: r.actor,
            field: c.field,
            from: from.value,
            to: to.value,
            ...published,
          },
        ];
      }),
    );
  }

  /** Who a record is shared with. The record's owner and administrators only. */
  async shares(entity: string, id: string): Promise<Share[]> {
    return await listShares(this.options.db, entity, await this.shareable(entity, id));
  }

  /** Shares a record with a user or department (see addShare). The owner and administrators only. */
  async share(entity: string, id: string, input: unknown): Promise<Share> {
    return await addShare(this.options.db, this.options.actor, entity, await this.shareable(entity, id), input);
  }

  async unshare(entity: string, id: string, shareId: string): Promise<void> {
    await removeShare(this.options.db, this.options.actor, entity, await this.shareable(entity, id), shareId);
  }

  /** The id of a record the actor may share: one they can read and own, or any as an administrator. */
  private async shareable(entity: string, id: string): Promise<ObjectId> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    const doc = await this.load(compiled, id, false, 'read');
    if (doc._ownerId !== this.options.actor.id && !this.access.policy(entity).unrestricted) {
      throw Forbidden('Only the owner of a record or an administrator may share it', { entity, operation: 'share' });
    }
    return doc._id as ObjectId;
  }

  /** The owner of a record the actor creates: the actor, or the one a platform write names (WriteOptions.owner). */
  private async initialOwner(owner: string | undefined): Promise<string> {
    if (owner === undefined || owner === this.options.actor.id) return this.options.actor.id;
    if (this.options.actor.kind !== 'system')
      throw Forbidden("A record is created as its creator's; its owner is changed afterwards", { operation: 'create', field: '_ownerId' });
    await this.requireActiveUser(owner);
    return owner;
  }

  /** Refuses an owner that is not an active user (RECORD_INVALID at `/_ownerId`). */
  private async requireActiveUser(userId: string): Promise<void> {
    if (
      /^[0-9a-f]{24}$/.test(userId) &&
      (await this.options.db.collection(USERS).countDocuments({ _id: new ObjectId(userId), active: { $ne: false } }, { limit: 1 })) > 0
    )
      return;
    throw RecordInvalid(undefined, {
      problems: [{ pointer: '/_ownerId', code: 'NOT_ALLOWED_VALUE', message: `no active user ${userId.slice(0, 40)}` }],
    });
  }

  /** What the actor may see of related records: their read scopes and display fields. */
  private readonly relatedAccess: RelatedAccess = {
    scope: (entity) => this.access.readScope(entity),
    canShow: (entity, field) => this.access.queryable(entity)(field),
  };

  /** Records as the actor may see them: expanded lookups, unreadable fields gone, masks applied. */
  private async present(compiled: CompiledEntity, records: ApiRecord[], expand?: string[]): Promise<ApiRecord[]> {
    if (expand?.length)
      await expandLookups(this.options.db, this.options.snapshot, this.options.registries, compiled, records, expand, this.relatedAccess);
    for (const record of records) this.access.present(compiled.entity.key, record);
    return records;
  }

  /**
   * A record as the write that just committed left it, from the document the engine
   * wrote: no read back. Only a roll-up fed by its own entity can change the record
   * inside the write (a record that is its own parent), so such an entity reads it again.
   */
  private async written(compiled: CompiledEntity, doc: Document): Promise<ApiRecord> {
    if (!compiled.parentRollups.some((r) => r.parent === compiled.entity.key)) return toApiRecord(compiled, doc);
    return toApiRecord(compiled, await this.load(compiled, String(doc._id), false, null));
  }

  private async presentOne(compiled: CompiledEntity, record: ApiRecord, expand?: string[]): Promise<ApiRecord> {
    await this.present(compiled, [record], expand);
    return record;
  }

  /** Deletes `doc` and what its lookups cascade to; cascaded soft deletes carry the mark of `root` (restoreCascaded). */
  private async deleteIn(
    ctx: WriteContext,
    compiled: CompiledEntity,
    doc: Document,
    hard: boolean,
    depth: number,
    root: string,
  ): Promise<void> {
    const id = doc._id as ObjectId;
    const refs = await referencesTo(ctx.db, compiled, id, ctx.session);
    const restricted = refs.filter((r) => r.onDelete === 'restrict');
    if (restricted.length > 0)
      throw RecordInUse(undefined, { references: restricted.map(({ entity, field, count }) => ({ entity, field, count })) });
    for (const ref of refs) {
      const children = recordCollection(ctx.db, ref.entity);
      if (ref.onDelete === 'set_null') {
        await children.updateMany(
          { [ref.field]: id, _deletedAt: null },
          { $unset: { [ref.field]: '' }, $inc: { _version: 1 } },
          { session: ctx.session },
        );
      } else if (ref.onDelete === 'cascade' && depth < 8) {
        const child = this.compiled(ref.entity);
        for (const childDoc of await children.find({ [ref.field]: id, _deletedAt: null }, { session: ctx.session }).toArray()) {
          await this.deleteIn(ctx, child, childDoc, hard, depth + 1, root);
        }
      }
    }
    const records = recordCollection(ctx.db, compiled.entity.key);
    if (hard) {
      await records.deleteOne({ _id: id }, { session: ctx.session });
      // Purged for good: its files go with it (the sweep deletes them). A soft delete keeps them for a restore.
      await detachFilesOf(ctx.db, compiled.entity.key, id, ctx.session);
    } else {
      const mark = depth > 0 ? { [DELETED_WITH]: root } : {};
      if (
        !(await updateRecord(ctx, compiled, id, doc._version as number, {
          $set: { _deletedAt: new Date(), _updatedBy: this.options.actor.id, ...mark },
          $inc: { _version: 1 },
        }))
      )
        throw conflict(doc);
    }
    await refreshParentRollups(
      ctx.db,
      this.options.snapshot,
      this.options.registries,
      compiled,
      valuesOf(compiled, doc),
      undefined,
      ctx.session,
    );
    const op: RecordOperation = hard ? 'purge' : 'delete';
    await writeTrail(ctx, compiled, op, id, (doc._version as number) + 1, [], { before: apiValues(valuesOf(compiled, doc), doc) });
  }

  private async after(write: Omit<AfterWrite, 'actor'>): Promise<void> {
    await runAfter(this.options.hooks, { ...write, actor: this.options.actor }, this.options.onHookError ?? (() => undefined));
  }

  /**
   * One record, within the actor's scope for `op` (null: the engine's own read, for a
   * record just written or a conflict's current version). Out of scope is not found,
   * unless the actor may read it: then changing it is forbidden (403), not missing.
   */
  private async load(compiled: CompiledEntity, id: string, includeDeleted: boolean, op: ScopedOperation | null): Promise<Document> {
    const filter: Document = { _id: objectId(id) };
    if (!includeDeleted) filter._deletedAt = null;
    const scope = op === null ? undefined : await this.access.scope(compiled.entity.key, op);
    const doc = await recordCollection(this.options.db, compiled.entity.key).findOne(withScope(filter, scope));
    if (!doc) {
      if (
        (op === 'update' || op === 'delete') &&
        this.access.policy(compiled.entity.key).can('read') &&
        (await this.inScope(compiled, filter, 'read'))
      ) {
        // Seen but not changeable (a read-only share, a scope that reads wider than it
        // writes): 403, as a record the actor can open is no secret to them.
        throw Forbidden(`You may read this ${compiled.entity.key} record but not ${op} it`, {
          entity: compiled.entity.key,
          operation: op,
          id,
        });
      }
      throw RecordNotFound(`No ${compiled.entity.key} record ${id}`, { entity: compiled.entity.key, id });
    }
    return doc;
  }

  /** Whether the record `filter` selects is within the actor's scope for `op`. */
  private async inScope(compiled: CompiledEntity, filter: Document, op: ScopedOperation): Promise<boolean> {
    const scope = await this.access.scope(compiled.entity.key, op);
    return (await recordCollection(this.options.db, compiled.entity.key).countDocuments(withScope(filter, scope), { limit: 1 })) > 0;
  }

  private async transaction(work: (ctx: WriteContext) => Promise<void>): Promise<void> {
    const session = this.options.session ?? this.options.db.client.startSession();
    try {
      await session.withTransaction(() =>
        work({
          db: this.options.db,
          session,
          actor: this.options.actor,
          causationDepth: this.options.causationDepth ?? 0,
          causationChain: this.options.causationChain ?? [],
          requestId: this.options.requestId,
        }),
      );
    } finally {
      if (!this.options.session) await session.endSession();
    }
  }
}

function asObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw RecordInvalid('The record must be a JSON object', {
      problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'must be an object' }],
    });
  }
  // `_version` is the concurrency check, read by the caller; `id` is refused with the system fields.
  const { _version: _ignored, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** The record with `_duplicates`: the warning matches of its duplicate rules, when there are any. */
function withDuplicates(record: ApiRecord, found: DuplicateFindings): ApiRecord {
  return found.warn.length === 0 ? record : { ...record, _duplicates: found.warn };
}

function objectId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw RecordNotFound(`No record ${id}`, { id });
  return new ObjectId(id);
}

function conflict(doc: Document): Error {
  return RecordVersionConflict(undefined, { currentVersion: doc._version });
}

/** `doc` once a versioned update's `$set`, `$unset` and `$inc` apply (top-level keys, as the engine writes them). */
function applied(doc: Document, update: Document): Document {
  const inc = (update.$inc ?? {}) as Record<string, number>;
  const bumped = Object.fromEntries(Object.entries(inc).map(([k, n]) => [k, ((doc[k] as number | undefined) ?? 0) + n]));
  const out: Document = { ...doc, ...(update.$set as Document | undefined), ...bumped };
  for (const key of Object.keys((update.$unset ?? {}) as Document)) delete out[key];
  return out;
}

/** A new record starts with its counts at 0 and its sums at 0. */
function initialRollups(compiled: CompiledEntity): Document {
  const out: Document = {};
  for (const f of compiled.ownRollups) {
    if (f.function === 'count') out[f.key] = 0;
    else if (f.function === 'sum') out[f.key] = Decimal128.fromString('0');
  }
  return out;
}
