import { ObjectId, type Db } from 'mongodb';
import { AuditLog } from '../../audit/audit-log.js';

/** The collection that remembers which record each package record was loaded as. */
export const SEED_RECORDS = 'seed_records';

/**
 * One package record (package name + entity + its id in the package) and the record it
 * became. `pending` is written just before the create: should the process die between the
 * create's commit and `done`, the next run finds the create in the audit log by `tag`
 * (the write's request id, stored in the same transaction) instead of creating it again.
 */
export interface SeedMappingDoc {
  _id: string;
  package: string;
  entity: string;
  sourceId: string;
  /** null while pending. */
  recordId: ObjectId | null;
  /** recordHash of the package record as last loaded. */
  hash: string;
  /** The load that last created or updated the record, and which it did. */
  loadId: ObjectId;
  action: 'loaded' | 'updated';
  tag: string;
  at: Date;
}

export const mappingId = (pkg: string, entity: string, sourceId: string) => `${pkg}:${entity}:${sourceId}`;

/** The request id of the create of one package record, kept in its audit entry. */
export const seedTag = (loadId: ObjectId, entity: string, sourceId: string) => `seed:${loadId.toHexString()}:${entity}:${sourceId}`;

export function seedMappings(db: Db) {
  return db.collection<SeedMappingDoc>(SEED_RECORDS);
}

export async function findMappings(db: Db, ids: readonly string[]): Promise<Map<string, SeedMappingDoc>> {
  if (ids.length === 0) return new Map();
  const docs = await seedMappings(db)
    .find({ _id: { $in: [...new Set(ids)] } })
    .toArray();
  return new Map(docs.map((d) => [d._id, d]));
}

/** Notes that a package record is about to be created (see SeedMappingDoc). */
export async function markPending(db: Db, doc: Omit<SeedMappingDoc, 'recordId' | 'at' | 'action'>): Promise<void> {
  const { _id, ...rest } = doc;
  await seedMappings(db).updateOne({ _id }, { $set: { ...rest, recordId: null, action: 'loaded', at: new Date() } }, { upsert: true });
}

/** Records what a package record became, after its write committed. */
export async function markDone(
  db: Db,
  id: string,
  set: { recordId: ObjectId; hash: string; loadId: ObjectId; action: 'loaded' | 'updated' },
): Promise<void> {
  await seedMappings(db).updateOne({ _id: id }, { $set: { ...set, at: new Date() } });
}

/** Forgets a pending mapping whose create was refused. */
export async function dropPending(db: Db, id: string): Promise<void> {
  await seedMappings(db).deleteOne({ _id: id, recordId: null });
}

/**
 * Settles pending mappings left by a run that stopped mid-write: a create whose audit
 * entry exists committed, so its mapping is completed in place; the others stay pending
 * and are created again. Touches the audit log only when something is pending.
 */
export async function settlePending(db: Db, mappings: Map<string, SeedMappingDoc>): Promise<void> {
  const pending = [...mappings.values()].filter((m) => m.recordId === null);
  if (pending.length === 0) return;
  const created = await new AuditLog(db).applied(
    pending.map((m) => m.tag),
    { action: 'record.create' },
  );
  for (const mapping of pending) {
    const id = created.get(mapping.tag)?.recordId;
    if (!id) continue;
    const recordId = new ObjectId(id);
    await markDone(db, mapping._id, { recordId, hash: mapping.hash, loadId: mapping.loadId, action: 'loaded' });
    mappings.set(mapping._id, { ...mapping, recordId, action: 'loaded' });
  }
}
