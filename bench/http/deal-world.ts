import { ObjectId, type Db, type Document } from 'mongodb';
import { ITEM_KINDS, bundleItems, type BundleRegistries, type ViewList } from '@metacrm/metadata';
import { SYSTEM_ACTOR } from '../../server/src/actor/actor.js';
import { MetadataCache, type MetadataSnapshot } from '../../server/src/metadata/metadata-cache.js';
import { MetadataRepository } from '../../server/src/metadata/metadata.repository.js';
import { MetadataService } from '../../server/src/metadata/metadata.service.js';
import { metadataToolkit } from '../../server/src/metadata/metadata-toolkit.js';
import { combineQueries, compileFilter, compileSort } from '../../server/src/query/index.js';
import { recordCollection } from '../../server/src/record-storage/record-collections.js';
import { compiledEntity, type CompiledEntity } from '../../server/src/records/compiled-entity.js';
import { storageUpdate } from '../../server/src/records/record-document.js';
import { ensureRecordIndexes } from '../../server/src/records/record-indexes.js';
import { createRegistries } from '../../server/src/runtime/registries.js';
import { loadRecords, type LoadResult } from '../lib/load.js';
import { Prng } from '../lib/prng.js';
import { DEAL, DEAL_VIEW, REGIONS, SOURCES, STAGES, dealBundle } from './deal-bundle.js';

const COMPANIES = [
  'Acme',
  'Blue Cedar',
  'Delta Foods',
  'Everest Bank',
  'Falcon Media',
  'Granite Systems',
  'Harbor Health',
  'Iris Energy',
  'Juniper Labs',
  'Kestrel Robotics',
  'Lumen Telecom',
  'Meridian Logistics',
];
const KINDS = ['renewal', 'expansion', 'pilot', 'license', 'services', 'upgrade'];
const WORDS = [
  'call',
  'budget',
  'approved',
  'next',
  'quarter',
  'demo',
  'pricing',
  'legal',
  'review',
  'decision',
  'maker',
  'cfo',
  'sent',
  'proposal',
  'waiting',
];

/** What the HTTP benchmark works on: the published deal, its compiled form and the list query. */
export interface DealWorld {
  db: Db;
  snapshot: MetadataSnapshot;
  registries: BundleRegistries;
  compiled: CompiledEntity;
  ids: ObjectId[];
  /** The view's list as the engine's query compiler makes it, which the driver runs as it is. */
  list: { filter: Document; sort: Document; limit: number; url: string };
}

/** Publishes the deal bundle as an admin would (draft items, then publish), with the platform's indexes. */
export async function publishDeals(db: Db): Promise<DealWorld> {
  await new MetadataRepository(db).ensureIndexes();
  await ensureRecordIndexes(db);
  const toolkit = metadataToolkit(createRegistries());
  const cache = new MetadataCache(db);
  const meta = new MetadataService({ db, actor: SYSTEM_ACTOR, toolkit, cache });
  const bundle = dealBundle();
  for (const kind of ITEM_KINDS) for (const item of bundleItems(bundle, kind)) await meta.putDraftItem(kind, item.key, item);
  await meta.publish({ message: 'http benchmark' });
  const snapshot = await cache.current();
  const registries = toolkit.registries;
  const compiled = compiledEntity(snapshot, DEAL, registries)!;
  const view = snapshot.bundle.views.find((v): v is ViewList & typeof v => v.key === DEAL_VIEW && v.type === 'list')!;
  const sort = (view.sort ?? []).map((s) => `${s.direction === 'desc' ? '-' : ''}${s.field}`).join(',');
  const entity = snapshot.entity(DEAL)!;
  const filter = combineQueries(compileFilter(view.filter, entity, { fieldTypes: registries.fieldTypes, now: new Date() }));
  const list = {
    filter,
    sort: compileSort(sort, entity, { fieldTypes: registries.fieldTypes }).spec,
    limit: (view.pageSize ?? 50) + 1,
    url: `/api/records/${DEAL}?view=${DEAL_VIEW}&limit=${view.pageSize ?? 50}`,
  };
  return { db, snapshot, registries, compiled, ids: [], list };
}

/** Generates deals in API form, deterministically for a seed. */
export class DealGenerator {
  private readonly rng: Prng;
  private seq = 0;

  constructor(seed: number) {
    this.rng = new Prng(seed);
  }

  next(): Record<string, unknown> {
    const r = this.rng;
    const n = (this.seq += 1);
    const company = r.pick(COMPANIES);
    const slug = company.toLowerCase().replace(/[^a-z]+/g, '-');
    const day = new Date(Date.UTC(2026, 0, 1) + r.int(0, 365) * 86_400_000).toISOString().slice(0, 10);
    return {
      title: `${company} ${r.pick(KINDS)} ${n}`,
      amount: `${r.int(1_000, 900_000)}.${String(r.int(0, 99)).padStart(2, '0')}`,
      stage: r.pick(STAGES),
      probability: r.int(0, 100),
      close_date: day,
      contact_email: `buyer${n}@${slug}.example`,
      company,
      region: r.pick(REGIONS),
      source: r.pick(SOURCES),
      priority: r.int(1, 5),
      notes: Array.from({ length: r.int(4, 16) }, () => r.pick(WORDS)).join(' '),
      website: `https://www.${slug}.example`,
    };
  }

  /** A change of three fields, as an edit on a record page makes. */
  patch(): Record<string, unknown> {
    const r = this.rng;
    return { stage: r.pick(STAGES), probability: r.int(0, 100), notes: `updated ${(this.seq += 1)}` };
  }
}

/** A generated deal in the engine's storage format, as the engine would have written it (converted by the engine's own codec). */
export function storedDeal(world: DealWorld, values: Record<string, unknown>, owner: string): Document & { _id: ObjectId } {
  const at = new Date(Date.UTC(2026, 0, 1));
  return {
    _id: new ObjectId(),
    ...storageUpdate(world.compiled, values).$set,
    _version: 1,
    _createdAt: at,
    _updatedAt: at,
    _createdBy: owner,
    _updatedBy: owner,
    _ownerId: owner,
    _deletedAt: null,
  };
}

/** Loads deals until the world holds `size`, with insertMany in batches (generation not timed). */
export async function growDeals(world: DealWorld, generator: DealGenerator, size: number, owner: string): Promise<LoadResult> {
  const nextBatch = (n: number) => Array.from({ length: n }, () => storedDeal(world, generator.next(), owner));
  const load = await loadRecords(recordCollection(world.db, DEAL), nextBatch, Math.max(0, size - world.ids.length), 1000);
  world.ids.push(...load.ids);
  return load;
}
