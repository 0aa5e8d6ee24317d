import { Decimal128, ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import type { BundleRegistries, FormConditions, Problem } from '@metacrm/metadata';
import { Forbidden } from '../access/access.errors.js';
import { RecordAccess } from '../access/record-access.js';
import { addShare, listShares, removeShare, type Share } from '../access/record-shares.js';
import type { ScopedOperation } from '../access/entity-policy.js';
import type { Actor } from '../auth/actor.js';
import { USERS } from '../auth/user-model.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { aggregateRecords } from './aggregate-records.js';
import { nextAutoNumber, type AutoNumberSettings } from './auto-number.js';
import { compiledEntity, type CompiledEntity } from './compiled-entity.js';
import { expandLookups } from './expand.js';
import { recordCollection } from './record-collections.js';
import type { AggregateResult } from './record-aggregate.js';
import { listRecords, type ListOptions, type ListResult } from './record-list.js';
import { changedFields, storageUpdate, toApiRecord, valuesOf, type ApiRecord } from './record-document.js';
import { runAfter, runBefore, type AfterWrite, type RecordHooks } from './record-hooks.js';
import { prepareValues } from './record-values.js';
import { REVISIONS, insertRecord, updateRecord, writeTrail, type RecordOperation, type WriteContext } from './record-writer.js';
import { EntityNotFound, FormNotFound, RecordInUse, RecordInvalid, RecordNotFound, RecordVersionConflict } from './records.errors.js';
import { checkLookups, referencesTo, refreshParentRollups } from './relations.js';
import { withScope, type RelatedAccess } from './related-access.js';

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
}

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
    if (!conditions) throw FormNotFound(`${compiled.entity.key} has no form "${String(form).slice(0, 60)}"`, { entity: compiled.entity.key, form, pointer });
    return conditions;
  }

  async get(entity: string, id: string, options: { includeDeleted?: boolean; expand?: string[] | undefined } = {}): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, options.includeDeleted ?? false, 'read')), options.expand);
  }

  async list(entity: string, options: ListOptions): Promise<ListResult> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    if (options.deleted) this.access.require(entity, 'delete');
    const scope = await this.access.scope(entity, options.deleted ? 'delete' : 'read');
    const result = await listRecords(this.options.db, compiled, this.options.registries, options, { scope, canRead: this.access.queryable(entity), user: this.options.actor.id });
    await this.present(compiled, result.records, options.expand);
    return result;
  }

  /** The records of `child` whose lookup `via` points at this record (a related list). */
  async related(entity: string, id: string, child: string, via: string, options: ListOptions): Promise<ListResult> {
    const parent = this.compiled(entity);
    this.access.require(entity, 'read');
    await this.load(parent, id, false, 'read');
    const field = this.compiled(child).fields.get(via);
    if (!field || field.type !== 'lookup' || field.target !== entity) {
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
    await runBefore(this.options.hooks, { entity, op: 'create', actor: this.options.actor, input: fields });
    const { values, problems } = prepareValues(compiled, this.options.registries, fields, undefined, this.options.actor, now, form);
    problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(Object.keys(values)), this.relatedAccess)));
    if (problems.length > 0) throw RecordInvalid(undefined, { problems });
    const id = new ObjectId();
    // Numbers are drawn outside the transaction: inside it, every concurrent create would
    // conflict on the one counter document. A create that then fails leaves a gap, never
    // a repeat.
    for (const field of compiled.autoNumbers) {
      values[field.key] = await nextAutoNumber(this.options.db, compiled.entity.key, field.key, field as unknown as AutoNumberSettings, now);
    }
    await this.transaction(async (ctx) => {
      const { $set } = storageUpdate(compiled, values);
      const actorId = this.options.actor.id;
      const doc: Document = { _id: id, ...$set, ...initialRollups(compiled), _version: 1, _createdAt: now, _updatedAt: now, _createdBy: actorId, _updatedBy: actorId, _ownerId: actorId, _deletedAt: null };
      await insertRecord(ctx, compiled, doc);
      await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, undefined, values, ctx.session);
      await writeTrail(ctx, compiled, 'create', id, 1, changedFields({}, values), { after: values });
    });
    await this.after({ entity, op: 'create', id: id.toHexString(), version: 1, changes: changedFields({}, values) });
    // What was just written, even when the actor's read scope would not list it.
    return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id.toHexString(), false, null)));
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
    const fields = asObject(input);
    this.access.checkWritable(entity, fields);
    await runBefore(this.options.hooks, { entity, op: current ? 'update' : 'create', actor: this.options.actor, id, input: fields, ...(current ? { current } : {}) });
    const { values, problems } = prepareValues(compiled, this.options.registries, fields, current, this.options.actor, new Date(), form);
    const changed = current ? changedFields(current, values).map((c) => c.field) : Object.keys(values);
    problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(changed), this.relatedAccess)));
    return problems;
  }

  /**
   * Changes some fields. With `expectedVersion` (from `_version` or If-Match) a record
   * changed since answers 409 with its current version; without it the change is
   * re-applied on the newest version, still never overwriting a concurrent write.
   */
  async update(entity: string, id: string, input: unknown, expectedVersion?: number, options: WriteOptions = {}): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'update');
    const form = this.formOf(compiled, options.form);
    const patch = asObject(input);
    this.access.checkWritable(entity, patch);
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.load(compiled, id, false, 'update');
      if (expectedVersion !== undefined && doc._version !== expectedVersion) throw conflict(doc);
      const current = valuesOf(compiled, doc);
      const fields = { ...patch };
      await runBefore(this.options.hooks, { entity, op: 'update', actor: this.options.actor, id, input: fields, current });
      const { values, problems } = prepareValues(compiled, this.options.registries, fields, current, this.options.actor, new Date(), form);
      const changes = changedFields(current, values);
      problems.push(...(await checkLookups(this.options.db, compiled, values, new Set(changes.map((c) => c.field)), this.relatedAccess)));
      if (problems.length > 0) throw RecordInvalid(undefined, { problems });
      if (changes.length === 0) return await this.presentOne(compiled, toApiRecord(compiled, doc));
      const changed = Object.fromEntries(changes.map((c) => [c.field, values[c.field]]));
      const { $set, $unset } = storageUpdate(compiled, changed);
      const update: Document = { $set: { ...$set, _updatedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } };
      if (Object.keys($unset).length > 0) update.$unset = $unset;
      try {
        await this.transaction(async (ctx) => {
          if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw new VersionMoved();
          await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, current, values, ctx.session);
          await writeTrail(ctx, compiled, 'update', doc._id as ObjectId, (doc._version as number) + 1, changes, { before: current, after: values });
        });
        await this.after({ entity, op: 'update', id, version: (doc._version as number) + 1, changes });
        return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, false, null)));
      } catch (err) {
        if (!(err instanceof VersionMoved)) throw err;
        if (expectedVersion !== undefined) throw conflict(await this.load(compiled, id, false, null));
      }
    }
    throw RecordVersionConflict('The record keeps changing; try again');
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
    await runBefore(this.options.hooks, { entity, op: 'delete', actor: this.options.actor, id, input: {}, current: valuesOf(compiled, doc) });
    const hard = options.hard === true || compiled.entity.options?.softDelete === false;
    await this.transaction((ctx) => this.deleteIn(ctx, compiled, doc, hard, 0));
    await this.after({ entity, op: hard ? 'purge' : 'delete', id, version: (doc._version as number) + 1, changes: [] });
  }

  /**
   * Gives a record to another user (`_ownerId`), as a versioned update with its
   * revision, audit entry and event. Needs update access to the record; the new owner
   * must be an active user. The owner's scope decides who sees the record from then on.
   */
  async transferOwner(entity: string, id: string, ownerId: string): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'update');
    if (!/^[0-9a-f]{24}$/.test(ownerId) || (await this.options.db.collection(USERS).countDocuments({ _id: new ObjectId(ownerId), active: { $ne: false } }, { limit: 1 })) === 0) {
      throw RecordInvalid(undefined, { problems: [{ pointer: '/_ownerId', code: 'NOT_ALLOWED_VALUE', message: `no active user ${ownerId.slice(0, 40)}` }] });
    }
    const doc = await this.load(compiled, id, false, 'update');
    if (doc._ownerId === ownerId) return await this.presentOne(compiled, toApiRecord(compiled, doc));
    const changes = [{ field: '_ownerId', from: doc._ownerId ?? null, to: ownerId }];
    await this.transaction(async (ctx) => {
      const update = { $set: { _ownerId: ownerId, _updatedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } };
      if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw conflict(doc);
      const values = valuesOf(compiled, doc);
      await writeTrail(ctx, compiled, 'update', doc._id as ObjectId, (doc._version as number) + 1, changes, { before: values, after: values });
    });
    await this.after({ entity, op: 'update', id, version: (doc._version as number) + 1, changes });
    return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, false, null)));
  }

  async restore(entity: string, id: string): Promise<ApiRecord> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'delete');
    const doc = await recordCollection(this.options.db, entity).findOne(withScope({ _id: objectId(id), _deletedAt: { $ne: null } }, await this.access.scope(entity, 'delete')));
    if (!doc) throw RecordNotFound(`No deleted ${entity} record ${id}`, { entity, id });
    await this.transaction(async (ctx) => {
      const update = { $set: { _deletedAt: null, _updatedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } };
      if (!(await updateRecord(ctx, compiled, doc._id as ObjectId, doc._version as number, update))) throw conflict(doc);
      await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, undefined, valuesOf(compiled, doc), ctx.session);
      await writeTrail(ctx, compiled, 'restore', doc._id as ObjectId, (doc._version as number) + 1, [], { after: valuesOf(compiled, doc) });
    });
    await this.after({ entity, op: 'restore', id, version: (doc._version as number) + 1, changes: [] });
    return await this.presentOne(compiled, toApiRecord(compiled, await this.load(compiled, id, false, null)));
  }

  /**
   * Field history, newest first: who changed which field when, from what to what. Only
   * the fields the actor may read, masked where their roles mask them.
   */
  async history(entity: string, id: string): Promise<{ version: number; op: string; at: string; actor: unknown; field: string; from: unknown; to: unknown }[]> {
    const compiled = this.compiled(entity);
    this.access.require(entity, 'read');
    const doc = await this.load(compiled, id, true, 'read');
    const revisions = await this.options.db.collection(REVISIONS).find({ entity, recordId: doc._id }).sort({ version: -1 }).limit(1000).toArray();
    return revisions.flatMap((r) =>
      (r.changes as { field: string; from: unknown; to: unknown }[]).flatMap((c) => {
        const from = this.access.presentValue(entity, c.field, c.from);
        if (!from.visible) return [];
        const to = this.access.presentValue(entity, c.field, c.to);
        return [{ version: r.version as number, op: r.op as string, at: (r.at as Date).toISOString(), actor: r.actor, field: c.field, from: from.value, to: to.value }];
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

  /** What the actor may see of related records: their read scopes and display fields. */
  private readonly relatedAccess: RelatedAccess = {
    scope: (entity) => this.access.readScope(entity),
    canShow: (entity, field) => this.access.queryable(entity)(field),
  };

  /** Records as the actor may see them: expanded lookups, unreadable fields gone, masks applied. */
  private async present(compiled: CompiledEntity, records: ApiRecord[], expand?: string[]): Promise<ApiRecord[]> {
    if (expand?.length) await expandLookups(this.options.db, this.options.snapshot, this.options.registries, compiled, records, expand, this.relatedAccess);
    for (const record of records) this.access.present(compiled.entity.key, record);
    return records;
  }

  private async presentOne(compiled: CompiledEntity, record: ApiRecord, expand?: string[]): Promise<ApiRecord> {
    await this.present(compiled, [record], expand);
    return record;
  }

  private async deleteIn(ctx: WriteContext, compiled: CompiledEntity, doc: Document, hard: boolean, depth: number): Promise<void> {
    const id = doc._id as ObjectId;
    const refs = await referencesTo(ctx.db, compiled, id, ctx.session);
    const restricted = refs.filter((r) => r.onDelete === 'restrict');
    if (restricted.length > 0) throw RecordInUse(undefined, { references: restricted.map(({ entity, field, count }) => ({ entity, field, count })) });
    for (const ref of refs) {
      const children = recordCollection(ctx.db, ref.entity);
      if (ref.onDelete === 'set_null') {
        await children.updateMany({ [ref.field]: id, _deletedAt: null }, { $unset: { [ref.field]: '' }, $inc: { _version: 1 } }, { session: ctx.session });
      } else if (ref.onDelete === 'cascade' && depth < 8) {
        const child = this.compiled(ref.entity);
        for (const childDoc of await children.find({ [ref.field]: id, _deletedAt: null }, { session: ctx.session }).toArray()) {
          await this.deleteIn(ctx, child, childDoc, hard, depth + 1);
        }
      }
    }
    const records = recordCollection(ctx.db, compiled.entity.key);
    if (hard) await records.deleteOne({ _id: id }, { session: ctx.session });
    else if (!(await updateRecord(ctx, compiled, id, doc._version as number, { $set: { _deletedAt: new Date(), _updatedBy: this.options.actor.id }, $inc: { _version: 1 } }))) throw conflict(doc);
    await refreshParentRollups(ctx.db, this.options.snapshot, this.options.registries, compiled, valuesOf(compiled, doc), undefined, ctx.session);
    const op: RecordOperation = hard ? 'purge' : 'delete';
    await writeTrail(ctx, compiled, op, id, (doc._version as number) + 1, [], { before: valuesOf(compiled, doc) });
  }

  private async after(write: Omit<AfterWrite, 'actor'>): Promise<void> {
    await runAfter(this.options.hooks, { ...write, actor: this.options.actor }, this.options.onHookError ?? (() => undefined));
  }

  /**
   * One record, within the actor's scope for `op` (null: the engine's own read, for a
   * record just written or a conflict's current version). Out of scope is not found.
   */
  private async load(compiled: CompiledEntity, id: string, includeDeleted: boolean, op: ScopedOperation | null): Promise<Document> {
    const filter: Document = { _id: objectId(id) };
    if (!includeDeleted) filter._deletedAt = null;
    const scope = op === null ? undefined : await this.access.scope(compiled.entity.key, op);
    const doc = await recordCollection(this.options.db, compiled.entity.key).findOne(withScope(filter, scope));
    if (!doc) throw RecordNotFound(`No ${compiled.entity.key} record ${id}`, { entity: compiled.entity.key, id });
    return doc;
  }

  private async transaction(work: (ctx: WriteContext) => Promise<void>): Promise<void> {
    const session = this.options.session ?? this.options.db.client.startSession();
    try {
      await session.withTransaction(() =>
        work({ db: this.options.db, session, actor: this.options.actor, causationDepth: this.options.causationDepth ?? 0, causationChain: this.options.causationChain ?? [], requestId: this.options.requestId }),
      );
    } finally {
      if (!this.options.session) await session.endSession();
    }
  }
}

function asObject(input: unknown): Record<string, unknown> {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw RecordInvalid('The record must be a JSON object', { problems: [{ pointer: '', code: 'WRONG_TYPE', message: 'must be an object' }] });
  }
  const { _version: _ignored, id: _id, ...rest } = input as Record<string, unknown>;
  return rest;
}

function objectId(id: string): ObjectId {
  if (!/^[0-9a-f]{24}$/.test(id)) throw RecordNotFound(`No record ${id}`, { id });
  return new ObjectId(id);
}

function conflict(doc: Document): Error {
  return RecordVersionConflict(undefined, { currentVersion: doc._version });
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

