import type { Db } from 'mongodb';
import type { BundleRegistries, Entity } from '@metacrm/metadata';
import { entityPolicy, type EntityPolicy } from '../access/entity-policy.js';
import type { Actor } from '../actor/actor.js';
import { BadRequest } from '../errors/index.js';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import type { ApiRecord } from '../records/record-document.js';
import { RecordService } from '../records/record.service.js';

/** Bounds of one global search. */
export const GLOBAL_SEARCH_LIMITS = { perEntity: 5, maxPerEntity: 20, entities: 30, parallel: 4 } as const;

/** One hit: the record's id and what to show for it. */
export interface SearchHit {
  id: string;
  /** The display field's value, or null when the user may not read it (unmasked) or it is empty. */
  title: unknown;
  _updatedAt: unknown;
}

export interface EntityHits {
  entity: string;
  label: Entity['label'];
  records: SearchHit[];
  /** More records match than were returned: open the entity's list with `q`. */
  more: boolean;
}

export interface GlobalSearchOptions {
  q: string;
  /** Only these entities (else every entity the actor may read). */
  entities?: string[] | undefined;
  perEntity?: number | undefined;
}

/**
 * Searches every entity the actor may read with the list's own free-text search
 * (`compileSearch` through RecordService.list: their scope, and only the fields they
 * may read are searched), a few records per entity, entities in metadata order and
 * only those with a hit. Runs a few entities at a time so one search does not take
 * every database connection.
 *
 * @throws 400 SEARCH_INVALID for a blank or over-long q (from the list)
 */
export async function globalSearch(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  actor: Actor,
  options: GlobalSearchOptions,
): Promise<EntityHits[]> {
  if (options.q.trim() === '') throw BadRequest('q must hold the text to search for', [{ pointer: '/query/q', code: 'REQUIRED' }]);
  const perEntity = options.perEntity ?? GLOBAL_SEARCH_LIMITS.perEntity;
  const wanted = options.entities ? new Set(options.entities) : undefined;
  const entities = snapshot.bundle.entities
    .filter((e) => (!wanted || wanted.has(e.key)) && entityPolicy(snapshot, actor, e.key, registries.operations).can('read'))
    .slice(0, GLOBAL_SEARCH_LIMITS.entities);
  const records = new RecordService({ db, snapshot, registries, actor });
  const results: (EntityHits | null)[] = new Array(entities.length).fill(null);
  let next = 0;
  const worker = async () => {
    while (next < entities.length) {
      const i = next++;
      results[i] = await searchEntity(
        records,
        entityPolicy(snapshot, actor, entities[i]!.key, registries.operations),
        entities[i]!,
        options.q,
        perEntity,
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(GLOBAL_SEARCH_LIMITS.parallel, entities.length) }, worker));
  return results.filter((r): r is EntityHits => r !== null && r.records.length > 0);
}

async function searchEntity(
  records: RecordService,
  policy: EntityPolicy,
  entity: Entity,
  q: string,
  perEntity: number,
): Promise<EntityHits> {
  const display = entity.displayField;
  const access = policy.field(display);
  // Selecting fields keeps answers small; a display field they may not read shows no title.
  const shown = access.read && !access.mask;
  const found = await records.list(entity.key, { q, limit: perEntity + 1, ...(shown ? { fields: [display] } : { fields: [] }) });
  const hits = found.records
    .slice(0, perEntity)
    .map((r: ApiRecord) => ({ id: r.id, title: shown ? (r[display] ?? null) : null, _updatedAt: r._updatedAt }));
  return { entity: entity.key, label: entity.label, records: hits, more: found.records.length > perEntity };
}
