import type { Db, Document, ObjectId } from 'mongodb';
import { ITEM_KINDS, bundleItems, type BundleRegistries } from '@metacrm/metadata';
import { actorOf } from '../../server/src/auth/authenticator.js';
import { users } from '../../server/src/auth/user-model.js';
import { SYSTEM_ACTOR, type Actor } from '../../server/src/actor/actor.js';
import { MetadataCache, type MetadataSnapshot } from '../../server/src/metadata/metadata-cache.js';
import { MetadataRepository } from '../../server/src/metadata/metadata.repository.js';
import { MetadataService } from '../../server/src/metadata/metadata.service.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import { ensureRecordIndexes } from '../../server/src/records/record-indexes.js';
import { CrmRecordGenerator } from '../lib/crm-record.js';
import { loadRecords, type LoadResult } from '../lib/load.js';
import { ACCOUNT, LEAD, REP_ROLE, leadBundle } from './lead-bundle.js';
import { accountDocument, leadDocument } from './lead-data.js';

/**
 * What the measured operations share: the published metadata, the loaded records and
 * who acts. Operations pick records at random from `ids`; `versions[i]` is the current
 * `_version` of `ids[i]`, and `busy` holds the records a patch has in flight, so that
 * concurrent patches never collide on one record (a collision would be a 409, not a
 * figure).
 */
export interface World {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  generator: CrmRecordGenerator;
  ids: ObjectId[];
  hex: string[];
  versions: number[];
  busy: Set<number>;
  /** Indexes into `ids` of the records the rep owns, for their gets. */
  repOwned: number[];
  /** A user holding only REP_ROLE: own records, phone masked. */
  rep: Actor;
}

/**
 * Publishes the benchmark's metadata through the metadata service, as an admin would:
 * draft items, then publish, which validates the bundle and creates `rec_lead` with
 * its declared indexes. Also creates the indexes the platform ensures at start
 * (revisions, audit, outbox, shares), so the engine writes to collections indexed as
 * in production.
 */
export async function publishMetadata(db: Db): Promise<{ snapshot: MetadataSnapshot; registries: BundleRegistries; version: number }> {
  await new MetadataRepository(db).ensureIndexes();
  await ensureRecordIndexes(db);
  const toolkit = metadataToolkit(createRegistries());
  const cache = new MetadataCache(db);
  const meta = new MetadataService({ db, actor: SYSTEM_ACTOR, toolkit, cache });
  const bundle = leadBundle();
  for (const kind of ITEM_KINDS) for (const item of bundleItems(bundle, kind)) await meta.putDraftItem(kind, item.key, item);
  const published = await meta.publish({ message: 'records benchmark' });
  return { snapshot: await cache.current(), registries: toolkit.registries, version: published.version };
}

/** Creates the world on a database with published metadata: the accounts and the rep; no leads yet. */
export async function createWorld(db: Db, snapshot: MetadataSnapshot, registries: BundleRegistries, seed: number): Promise<World> {
  const generator = new CrmRecordGenerator(seed);
  const at = new Date(Date.UTC(2025, 0, 1));
  await recordCollection(db, ACCOUNT).insertMany(generator.accounts.map((id, i) => accountDocument(id, i + 1, at)));
  // The rep is one of the generated owners, so they own about 1 in 25 of the leads.
  const repId = generator.owners[0]!;
  await db.collection('users').insertOne({
    _id: repId,
    email: 'rep@bench.example',
    name: 'Bench Rep',
    active: true,
    roles: [REP_ROLE],
    departmentId: null,
    managerId: null,
  });
  const rep = actorOf((await users(db).findOne({ _id: repId }))!);
  return { db, snapshot, registries, generator, ids: [], hex: [], versions: [], busy: new Set(), repOwned: [], rep };
}

/**
 * Bulk-loads leads until the world holds `size` of them: generated records converted
 * to the engine's storage format, inserted with insertMany in batches (index upkeep
 * included, as for an import into an entity that exists). Each size adds only what it
 * lacks, so sizes measured in ascending order share their data.
 */
export async function growTo(world: World, size: number, batch: number, onProgress?: (loaded: number) => void): Promise<LoadResult> {
  const have = world.ids.length;
  const repId = world.rep.id;
  let index = have;
  const nextBatch = (n: number): (Document & { _id: ObjectId })[] =>
    world.generator.batch(n).map((record) => {
      if (record.ownerId.toHexString() === repId) world.repOwned.push(index);
      index += 1;
      return leadDocument(record);
    });
  const load = await loadRecords(recordCollection(world.db, LEAD), nextBatch, Math.max(0, size - have), batch, (n) =>
    onProgress?.(have + n),
  );
  for (const id of load.ids) {
    world.ids.push(id);
    world.hex.push(id.toHexString());
    world.versions.push(1);
  }
  return load;
}
