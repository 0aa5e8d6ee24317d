import type { Document, ObjectId } from 'mongodb';
import type { BundleRegistries } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { CompiledEntity } from './compiled-entity.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { valuesOf } from './record-document.js';
import { updateRecord, writeTrail, type WriteContext } from './record-writer.js';
import { refreshParentRollups } from './relations.js';

/**
 * The field a record deleted by a cascade carries: the record whose delete took it
 * (`<entity>:<id>` of the record the user deleted), so that restoring that record brings
 * back exactly what the same delete removed, and nothing deleted on its own.
 */
export const DELETED_WITH = '_deletedWith';

/** What `deletedWith` marks: the record a user deleted, by entity and id. */
export function cascadeKey(entity: string, id: ObjectId): string {
  return `${entity}:${id.toHexString()}`;
}

/** A record a restore brought back beside the one asked for. */
export interface RestoredRecord {
  entity: string;
  id: string;
  version: number;
}

export interface CascadeRestoreDeps {
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  compiled: (entity: string) => CompiledEntity;
}

/**
 * Restores, inside the caller's transaction, the records the delete of `root` cascaded
 * to: every record of an entity reachable through cascading lookups from `parent` that
 * carries the root's mark. Each gets a version, its parents' roll-ups, a revision, an
 * audit entry and an event, like the root. Answers what it restored.
 */
export async function restoreCascaded(
  ctx: WriteContext,
  deps: CascadeRestoreDeps,
  parent: CompiledEntity,
  root: string,
  seen = new Set<string>(),
): Promise<RestoredRecord[]> {
  const restored: RestoredRecord[] = [];
  for (const inbound of parent.inbound) {
    if (inbound.field.onDelete !== 'cascade' || seen.has(inbound.entity)) continue;
    seen.add(inbound.entity);
    const child = deps.compiled(inbound.entity);
    const docs = await recordCollection(ctx.db, child.entity.key)
      .find({ [DELETED_WITH]: root, _deletedAt: { $ne: null } }, { session: ctx.session })
      .toArray();
    for (const doc of docs) restored.push(await restoreOne(ctx, deps, child, doc));
    restored.push(...(await restoreCascaded(ctx, deps, child, root, seen)));
  }
  return restored;
}

async function restoreOne(ctx: WriteContext, deps: CascadeRestoreDeps, compiled: CompiledEntity, doc: Document): Promise<RestoredRecord> {
  const id = doc._id as ObjectId;
  const version = (doc._version as number) + 1;
  const update = {
    $set: { _deletedAt: null, _updatedAt: new Date(), _updatedBy: ctx.actor.id },
    $unset: { [DELETED_WITH]: '' },
    $inc: { _version: 1 },
  };
  // A version that moved means another write got there first: the transaction retries.
  if (!(await updateRecord(ctx, compiled, id, doc._version as number, update)))
    throw new Error(`${compiled.entity.key} ${id.toHexString()} changed during its restore`);
  await refreshParentRollups(ctx.db, deps.snapshot, deps.registries, compiled, undefined, valuesOf(compiled, doc), ctx.session);
  await writeTrail(ctx, compiled, 'restore', id, version, [], { after: valuesOf(compiled, doc) });
  return { entity: compiled.entity.key, id: id.toHexString(), version };
}
