import { Decimal128, ObjectId, type ClientSession, type Db, type Document } from 'mongodb';
import type { BundleRegistries, Problem } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { compiledEntity, type CompiledEntity } from './compiled-entity.js';
import { normalizeDecimal } from '../record-storage/field-codec.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { storageUpdate, valuesOf, type Values } from './record-document.js';
import { recomputeFormulas } from './record-values.js';
import { combineQueries, compileFilter } from '../query/index.js';
import { withScope, type RelatedAccess } from './related-access.js';

/**
 * Checks that every lookup value that changed points at a live record of its target,
 * with one query per target entity, never one per value.
 */
export async function checkLookups(
  db: Db,
  compiled: CompiledEntity,
  values: Values,
  changed: Set<string>,
  access?: RelatedAccess,
  session?: ClientSession,
): Promise<Problem[]> {
  const wanted = new Map<string, { field: string; id: string }[]>();
  for (const field of compiled.lookups) {
    const id = values[field.key];
    if (!changed.has(field.key) || typeof id !== 'string') continue;
    const target = String(field.target);
    wanted.set(target, [...(wanted.get(target) ?? []), { field: field.key, id }]);
  }
  const problems: Problem[] = [];
  for (const [target, refs] of wanted) {
    const ids = [...new Set(refs.map((r) => r.id))].map((id) => new ObjectId(id));
    // A record the actor may not read cannot be linked to: it is reported as not existing.
    const scope = access ? await access.scope(target) : undefined;
    const found =
      scope === null
        ? []
        : await recordCollection(db, target)
            .find(withScope({ _id: { $in: ids }, _deletedAt: null }, scope), { projection: { _id: 1 }, session })
            .toArray();
    const live = new Set(found.map((d) => String(d._id)));
    for (const ref of refs) {
      if (!live.has(ref.id))
        problems.push({
          pointer: `/${ref.field}`,
          code: 'UNKNOWN_ENTITY',
          message: `no ${target} record ${ref.id}`,
          params: { entity: target, id: ref.id },
        });
    }
  }
  return problems;
}

/**
 * checkLookups for a batch of new records: one query per target entity for the whole
 * batch, then each record's problems as checkLookups would give them.
 */
export async function checkLookupsMany(db: Db, compiled: CompiledEntity, batch: Values[], access?: RelatedAccess): Promise<Problem[][]> {
  const live = new Map<string, Set<string>>();
  for (const field of compiled.lookups) {
    const target = String(field.target);
    const ids = batch.map((values) => values[field.key]).filter((id): id is string => typeof id === 'string' && /^[0-9a-f]{24}$/.test(id));
    if (ids.length === 0) continue;
    const scope = access ? await access.scope(target) : undefined;
    const wanted = [...new Set(ids)].map((id) => new ObjectId(id));
    const found =
      scope === null
        ? []
        : await recordCollection(db, target)
            .find(withScope({ _id: { $in: wanted }, _deletedAt: null }, scope), { projection: { _id: 1 } })
            .toArray();
    live.set(field.key, new Set(found.map((d) => String(d._id))));
  }
  return batch.map((values) =>
    compiled.lookups.flatMap((field) => {
      const id = values[field.key];
      if (typeof id !== 'string' || live.get(field.key)?.has(id)) return [];
      return [
        {
          pointer: `/${field.key}`,
          code: 'UNKNOWN_ENTITY' as const,
          message: `no ${String(field.target)} record ${id}`,
          params: { entity: String(field.target), id },
        },
      ];
    }),
  );
}

/**
 * The roll-ups a batch of new records feeds, for all their parents at once: one
 * aggregate per roll-up grouped by parent, one bulk write of the new values; then, for
 * parents whose formulas or own parents depend on them, as refreshParentRollups does.
 */
export async function refreshRollupsOfBatch(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  compiled: CompiledEntity,
  batch: Values[],
  session: ClientSession,
): Promise<void> {
  for (const rollup of compiled.parentRollups) {
    const parent = compiledEntity(snapshot, rollup.parent, registries);
    const ids = [...new Set(batch.map((values) => values[rollup.via]).filter((v): v is string => typeof v === 'string'))];
    if (!parent || ids.length === 0) continue;
    const field = rollup.field;
    const fn = String(field.function);
    const source = `$${String(field.field)}`;
    const accumulator = fn === 'count' ? { $sum: 1 } : fn === 'sum' ? { $sum: source } : fn === 'min' ? { $min: source } : { $max: source };
    const only =
      field.filter === undefined
        ? {}
        : compileFilter(field.filter, compiled.entity, { fieldTypes: registries.fieldTypes, now: new Date() });
    const match: Document = combineQueries({ [rollup.via]: { $in: ids.map((id) => new ObjectId(id)) }, _deletedAt: null }, only);
    if (fn !== 'count') match[String(field.field)] = { $exists: true };
    const rows = await recordCollection(db, compiled.entity.key)
      .aggregate<{ _id: ObjectId; value: unknown }>([{ $match: match }, { $group: { _id: `$${rollup.via}`, value: accumulator } }], {
        session,
      })
      .toArray();
    const byParent = new Map(rows.map((r) => [String(r._id), r.value]));
    const updates = ids.map((id) => {
      const value = rollupValue(fn, byParent.get(id));
      return {
        updateOne: {
          filter: { _id: new ObjectId(id) },
          update: value === undefined ? { $unset: { [field.key]: '' } } : { $set: { [field.key]: value } },
        },
      };
    });
    await recordCollection(db, parent.entity.key).bulkWrite(updates, { session, ordered: false });
    if (parent.formulas.length > 0 || parent.parentRollups.length > 0)
      for (const id of ids) await refreshDependents(db, snapshot, registries, parent, id, session, 0);
  }
}

/** A roll-up's stored value from its accumulator's result (none: 0 for counts and sums). */
function rollupValue(fn: string, value: unknown): unknown {
  if (fn === 'count') return typeof value === 'number' ? value : 0;
  if (value == null) return fn === 'sum' ? Decimal128.fromString('0') : undefined;
  if (value instanceof Decimal128) return Decimal128.fromString(normalizeDecimal(value.toString()));
  return typeof value === 'number' ? Decimal128.fromString(String(value)) : value;
}

/** How far a roll-up change travels up (a roll-up of a roll-up of …); metadata rarely nests two. */
const MAX_ROLLUP_DEPTH = 5;

/**
 * Recomputes the roll-ups that records of `compiled` feed, for the parents named
 * before and after the write, inside the same transaction, so a parent's summary is
 * never out of step with its children on any write path. A roll-up counts only the
 * children its `filter` matches. The parent's formulas are computed again when a
 * roll-up changed (a contract's outstanding amount reads its received amount), and
 * the change goes on up to the roll-ups that summarize the parent's changed fields.
 */
export async function refreshParentRollups(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  compiled: CompiledEntity,
  before: Values | undefined,
  after: Values | undefined,
  session: ClientSession,
  depth = 0,
): Promise<void> {
  const changedParents = new Map<string, { parent: CompiledEntity; ids: Set<string> }>();
  for (const rollup of compiled.parentRollups) {
    const parentIds = new Set([before?.[rollup.via], after?.[rollup.via]].filter((v): v is string => typeof v === 'string'));
    const parent = compiledEntity(snapshot, rollup.parent, registries);
    if (!parent) continue;
    for (const parentId of parentIds) {
      const value = await computeRollup(db, compiled, rollup.field, rollup.via, parentId, registries, session);
      const update = value === undefined ? { $unset: { [rollup.field.key]: '' } } : { $set: { [rollup.field.key]: value } };
      const { modifiedCount } = await recordCollection(db, parent.entity.key).updateOne({ _id: new ObjectId(parentId) }, update, {
        session,
      });
      if (modifiedCount === 0) continue;
      const entry = changedParents.get(parent.entity.key) ?? { parent, ids: new Set<string>() };
      entry.ids.add(parentId);
      changedParents.set(parent.entity.key, entry);
    }
  }
  for (const { parent, ids } of changedParents.values()) {
    for (const id of ids) await refreshDependents(db, snapshot, registries, parent, id, session, depth);
  }
}

/** After a roll-up of `compiled`'s record changed: its formulas, then the roll-ups above it. */
async function refreshDependents(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  compiled: CompiledEntity,
  id: string,
  session: ClientSession,
  depth: number,
): Promise<void> {
  if (compiled.formulas.length === 0 && compiled.parentRollups.length === 0) return;
  const collection = recordCollection(db, compiled.entity.key);
  const doc = await collection.findOne({ _id: new ObjectId(id) }, { session });
  if (!doc) return;
  const values = valuesOf(compiled, doc);
  if (compiled.formulas.length > 0) {
    const formulas = recomputeFormulas(compiled, registries, values, new Date());
    const { $set, $unset } = storageUpdate(compiled, formulas);
    const update: Document = {};
    if (Object.keys($set).length > 0) update.$set = $set;
    if (Object.keys($unset).length > 0) update.$unset = $unset;
    if (Object.keys(update).length > 0) await collection.updateOne({ _id: doc._id }, update, { session });
    Object.assign(values, formulas);
  }
  if (depth < MAX_ROLLUP_DEPTH && compiled.parentRollups.length > 0)
    await refreshParentRollups(db, snapshot, registries, compiled, undefined, values, session, depth + 1);
}

async function computeRollup(
  db: Db,
  child: CompiledEntity,
  field: Document,
  via: string,
  parentId: string,
  registries: BundleRegistries,
  session: ClientSession,
): Promise<unknown> {
  const fn = String(field.function);
  const source = `$${String(field.field)}`;
  const accumulator = fn === 'count' ? { $sum: 1 } : fn === 'sum' ? { $sum: source } : fn === 'min' ? { $min: source } : { $max: source };
  const only =
    field.filter === undefined ? {} : compileFilter(field.filter, child.entity, { fieldTypes: registries.fieldTypes, now: new Date() });
  const match: Document = combineQueries({ [via]: new ObjectId(parentId), _deletedAt: null }, only);
  if (fn !== 'count') match[String(field.field)] = { $exists: true };
  const [row] = await recordCollection(db, child.entity.key)
    .aggregate<{ value: unknown }>([{ $match: match }, { $group: { _id: null, value: accumulator } }], { session })
    .toArray();
  if (fn === 'count') return row?.value ?? 0;
  if (row === undefined || row.value == null) return fn === 'sum' ? Decimal128.fromString('0') : undefined;
  if (row.value instanceof Decimal128) return Decimal128.fromString(normalizeDecimal(row.value.toString()));
  return typeof row.value === 'number' ? Decimal128.fromString(String(row.value)) : row.value;
}

/** Lookups elsewhere that point at this record and are not deleted, grouped by behaviour. */
export async function referencesTo(
  db: Db,
  compiled: CompiledEntity,
  id: ObjectId,
  session: ClientSession,
): Promise<{ entity: string; field: string; onDelete: string; count: number }[]> {
  const found: { entity: string; field: string; onDelete: string; count: number }[] = [];
  for (const ref of compiled.inbound) {
    const count = await recordCollection(db, ref.entity).countDocuments(
      { [ref.field.key]: id, _deletedAt: null },
      { session, limit: 1000 },
    );
    if (count > 0) found.push({ entity: ref.entity, field: ref.field.key, onDelete: String(ref.field.onDelete ?? 'restrict'), count });
  }
  return found;
}
