import { ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import { UNIQUE_KEY_PREFIX, makeProblem, normalizeUniqueText } from '@metacrm/metadata';
import { AuditLog } from '../audit/audit-log.js';
import { OUTBOX, RECORD_REVISIONS as REVISIONS, type FieldChange, type OutboxEvent, type RecordOperation } from '../audit/record-trail.js';
import type { Actor } from '../actor/actor.js';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { rewriteRecord } from './record-rewrite.js';
import type { Values } from './record-document.js';
import { RecordUniqueViolation } from './records.errors.js';

export type { FieldChange, RecordOperation } from '../audit/record-trail.js';

export interface WriteContext {
  db: Db;
  session: ClientSession;
  actor: Actor;
  /** How many workflow-made writes led to this one (loops stop past a limit). */
  causationDepth: number;
  causationChain?: readonly string[];
  requestId?: string | undefined;
}

/**
 * The record around a change as the API shows it (field values and system fields, see
 * apiValues), carried by its event for workflow triggers and steps.
 */
export interface ChangeSnapshot {
  /** Before the change (update, delete, purge). */
  before?: Values | undefined;
  /** After the change (create, update, restore). */
  after?: Values | undefined;
}

/**
 * Writes, inside the caller's transaction, what accompanies every record change: the
 * revision (field history), the audit entry and the outbox event. Either all of them
 * and the record change commit together, or none does. The event carries the values
 * before and after, so a workflow sees the record as this change left it, not as a
 * later change did.
 */
export async function writeTrail(
  ctx: WriteContext,
  compiled: CompiledEntity,
  op: RecordOperation,
  recordId: ObjectId,
  version: number,
  changes: FieldChange[],
  snapshot: ChangeSnapshot = {},
): Promise<void> {
  const at = new Date();
  const actor = { kind: ctx.actor.kind, id: ctx.actor.id, name: ctx.actor.name };
  const entity = compiled.entity.key;
  const { session } = ctx;
  if (compiled.entity.options?.history !== false && changes.length > 0) {
    await ctx.db.collection(REVISIONS).insertOne({ entity, recordId, version, op, at, actor, changes }, { session });
  }
  await new AuditLog(ctx.db).appendRecord(
    { at, actor, action: `record.${op}`, entity, recordId, version, fields: changes.map((c) => c.field), requestId: ctx.requestId ?? null },
    session,
  );
  await ctx.db.collection<OutboxEvent>(OUTBOX).insertOne(
    {
      // The actor with roles: workflows show outbound steps only what this actor may see.
      _id: new ObjectId(),
      type: `record.${op}`,
      entity,
      recordId,
      version,
      changed: changes.map((c) => c.field),
      actor: { ...actor, roles: [...ctx.actor.roles], departmentId: ctx.actor.departmentId ?? null },
      causationDepth: ctx.causationDepth,
      causationChain: [...(ctx.causationChain ?? [])],
      before: snapshot.before ?? null,
      after: snapshot.after ?? null,
      createdAt: at,
      sentAt: null,
    },
    { session },
  );
}

/**
 * writeTrail for many created records at once: the revisions, audit entries and outbox
 * events of a batch in three inserts, inside the caller's transaction (bulk creates).
 */
export async function writeCreateTrails(
  ctx: WriteContext,
  compiled: CompiledEntity,
  created: { id: ObjectId; changes: FieldChange[]; after: Values }[],
): Promise<void> {
  if (created.length === 0) return;
  const at = new Date();
  const actor = { kind: ctx.actor.kind, id: ctx.actor.id, name: ctx.actor.name };
  const entity = compiled.entity.key;
  const { session } = ctx;
  const revisions = created
    .filter((c) => c.changes.length > 0)
    .map((c) => ({ entity, recordId: c.id, version: 1, op: 'create', at, actor, changes: c.changes }));
  if (compiled.entity.options?.history !== false && revisions.length > 0)
    await ctx.db.collection(REVISIONS).insertMany(revisions, { session });
  await new AuditLog(ctx.db).appendMany(
    created.map((c) => ({
      at,
      actor,
      action: 'record.create',
      entity,
      recordId: c.id,
      version: 1,
      fields: c.changes.map((f) => f.field),
      requestId: ctx.requestId ?? null,
    })),
    session,
  );
  const eventActor = { ...actor, roles: [...ctx.actor.roles], departmentId: ctx.actor.departmentId ?? null };
  await ctx.db.collection<OutboxEvent>(OUTBOX).insertMany(
    created.map((c) => ({
      _id: new ObjectId(),
      type: 'record.create',
      entity,
      recordId: c.id,
      version: 1,
      changed: c.changes.map((f) => f.field),
      actor: eventActor,
      causationDepth: ctx.causationDepth,
      causationChain: [...(ctx.causationChain ?? [])],
      before: null,
      after: c.after,
      createdAt: at,
      sentAt: null,
    })),
    { session },
  );
}

/** Inserts new record documents in one command (a bulk create's batch); a unique violation answers 409 naming the field. */
export async function insertRecords(ctx: WriteContext, compiled: CompiledEntity, docs: Document[]): Promise<void> {
  try {
    await recordCollection(ctx.db, compiled.entity.key).insertMany(
      docs.map((doc) => withUniqueKeys(compiled, doc)),
      { session: ctx.session, ordered: true },
    );
  } catch (err) {
    throw uniqueViolation(err, compiled) ?? err;
  }
}

/** Inserts a new record document. A unique index violation answers 409 naming the field. */
export async function insertRecord(ctx: WriteContext, compiled: CompiledEntity, doc: Document): Promise<void> {
  try {
    await recordCollection(ctx.db, compiled.entity.key).insertOne(withUniqueKeys(compiled, doc), { session: ctx.session });
  } catch (err) {
    throw uniqueViolation(err, compiled) ?? err;
  }
}

/**
 * Applies a version-guarded update; resolves false when the version did not match.
 * An update that changes a unique field, or moves the record in or out of the recycle
 * bin, is written as a delete and an insert instead (`rewriteRecord`), so that the old
 * value leaves the unique index on every server.
 */
export async function updateRecord(
  ctx: WriteContext,
  compiled: CompiledEntity,
  id: ObjectId,
  expectedVersion: number,
  given: Document,
): Promise<boolean> {
  const update = withUniqueKeyUpdates(compiled, given);
  try {
    const rewritten = await rewriteRecord(ctx, compiled, id, expectedVersion, update);
    if (rewritten !== undefined) return rewritten;
    const result = await recordCollection(ctx.db, compiled.entity.key).updateOne({ _id: id, _version: expectedVersion }, update, {
      session: ctx.session,
    });
    return result.matchedCount === 1;
  } catch (err) {
    throw uniqueViolation(err, compiled) ?? err;
  }
}

/**
 * The document with the hidden comparison key of each normalized unique field it
 * holds (unique-key.ts), which that field's unique index covers. The insert is the
 * one place keys are set, so every create path (single, bulk, import, workflow) has them.
 */
function withUniqueKeys(compiled: CompiledEntity, doc: Document): Document {
  if (compiled.uniqueKeys.size === 0) return doc;
  const out: Document = { ...doc };
  for (const [field, key] of compiled.uniqueKeys) {
    if (doc[field] === undefined || doc[field] === null) delete out[key];
    else out[key] = normalizeUniqueText(doc[field]);
  }
  return out;
}

/** The update with each normalized unique field's hidden key set or unset along with the field. */
function withUniqueKeyUpdates(compiled: CompiledEntity, update: Document): Document {
  if (compiled.uniqueKeys.size === 0) return update;
  const set = update.$set as Document | undefined;
  const unset = update.$unset as Document | undefined;
  const out: Document = { ...update };
  for (const [field, key] of compiled.uniqueKeys) {
    if (set && field in set) {
      if (set[field] === null || set[field] === undefined) out.$unset = { ...(out.$unset as Document | undefined), [key]: '' };
      else out.$set = { ...(out.$set as Document), [key]: normalizeUniqueText(set[field]) };
    }
    if (unset && field in unset) out.$unset = { ...(out.$unset as Document), [key]: '' };
  }
  return out;
}

/** Turns a duplicate-key error on a `unique_<field>` index into a 409 naming the field. */
export function uniqueViolation(err: unknown, compiled: CompiledEntity): Error | undefined {
  const e = err as { code?: number; keyPattern?: Record<string, unknown>; errmsg?: string; message?: string };
  if (e.code !== 11000) return undefined;
  const indexed = e.keyPattern ? Object.keys(e.keyPattern)[0] : undefined;
  const fromPattern = indexed?.startsWith(UNIQUE_KEY_PREFIX) ? indexed.slice(UNIQUE_KEY_PREFIX.length) : indexed;
  const fromName = /index: unique_([a-z][a-z0-9_]*)/.exec(e.errmsg ?? e.message ?? '')?.[1];
  const field = fromPattern ?? fromName;
  if (!field || !compiled.fields.has(field)) return undefined;
  const label = compiled.fields.get(field)!.label;
  return RecordUniqueViolation(`Another record already has this ${label.en.toLowerCase()}`, {
    field,
    label,
    problems: [makeProblem(`/${field}`, 'NOT_UNIQUE', { field, label })],
  });
}
