import { ObjectId, type Db } from 'mongodb';
import { isRecordReference, type BundleRegistries } from '@metacrm/metadata';
import type { MetadataSnapshot } from '../metadata/metadata-cache.js';
import { compiledEntity, type CompiledEntity } from './compiled-entity.js';
import { fromStorage } from '../record-storage/field-codec.js';
import { recordCollection } from '../record-storage/record-collections.js';
import type { ApiRecord } from './record-document.js';
import { withScope, type RelatedAccess } from './related-access.js';
import { QueryError } from '../query/index.js';

/** What an expanded lookup shows: the related record's id and display value. */
export interface Expanded {
  id: string;
  display: unknown;
}

/**
 * Adds `_expanded: {field: {id, display}}` to each record for the lookup fields asked
 * for, with one query per target entity for the whole page, never one per row. A
 * related record the actor may not read is left out, and its display value is shown
 * only when the actor may read that field.
 */
export async function expandLookups(
  db: Db,
  snapshot: MetadataSnapshot,
  registries: BundleRegistries,
  compiled: CompiledEntity,
  records: ApiRecord[],
  expand: string[],
  access?: RelatedAccess,
): Promise<void> {
  const lookups = expand.map((key, i) => {
    const field = compiled.fields.get(key);
    if (!field || !isRecordReference(field))
      throw new QueryError(
        'FILTER_FIELD_UNKNOWN',
        `"${key.slice(0, 60)}" is not a lookup field of ${compiled.entity.key}`,
        `/expand/${i}`,
        key,
      );
    return field;
  });
  for (const record of records) record._expanded = {};
  for (const field of lookups) {
    const target = compiledEntity(snapshot, String(field.target), registries);
    if (!target) continue;
    const displayKey = String(field.displayField ?? target.entity.displayField);
    const displayField = target.fields.get(displayKey);
    const ids = [...new Set(records.map((r) => r[field.key]).filter((v): v is string => typeof v === 'string'))];
    const scope = access ? await access.scope(target.entity.key) : undefined;
    if (ids.length === 0 || scope === null) continue;
    const shown = displayField && (!access || access.canShow(target.entity.key, displayKey)) ? displayField : undefined;
    const docs = await recordCollection(db, target.entity.key)
      .find(withScope({ _id: { $in: ids.map((id) => new ObjectId(id)) }, _deletedAt: null }, scope), { projection: { [displayKey]: 1 } })
      .toArray();
    const byId = new Map(docs.map((d) => [String(d._id), shown ? fromStorage(shown, d[displayKey]) : null]));
    for (const record of records) {
      const id = record[field.key];
      if (typeof id === 'string' && byId.has(id)) (record._expanded as Record<string, Expanded>)[field.key] = { id, display: byId.get(id) };
    }
  }
}
