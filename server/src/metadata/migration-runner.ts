import type { Db, Document } from 'mongodb';
import {
  SYSTEM_INDEXES,
  UNIQUE_KEY_PREFIX,
  normalizeUniqueText,
  VIEW_INDEX_PREFIX,
  convertValue,
  viewIndexes,
  type Bundle,
  type ConfigurableDefinition,
  type Field,
  type FieldTypeDefinition,
  type IndexField,
  type Migration,
  type Registry,
} from '@metacrm/metadata';
import { fromStorage } from '../record-storage/field-codec.js';
import { recordCollection, uniqueIndexOptions } from '../record-storage/record-collections.js';
import {
  REMOVED,
  backfillAutoNumbers,
  backfillDefault,
  convertField,
  removeFieldValues,
  restoreFieldValues,
  type MigrationContext,
} from './migration-records.js';

/** What a migration would do to the stored data, found without changing anything. */
export interface MigrationPreview {
  /** Records the migration touches. */
  records: number;
  /** Records whose values will not convert (convert_field): a sample and the count. */
  unconvertible?: { count: number; sample: { id: string; value: unknown; reason: string }[] };
  /** Values held by more than one record (create_unique_index): publishing is refused. */
  duplicates?: { value: unknown; count: number }[];
  /** True when publishing must stop unless the admin accepts the data loss (or never, for duplicates). */
  blocking: boolean;
  /** unset_field: the values leave the records but are kept aside; adding the field back restores them. */
  keptAside?: boolean;
}

export type PlannedMigration = Migration & { preview: MigrationPreview };

const SAMPLE = 50;

/** Previews every migration against the data. */
export async function previewMigrations(db: Db, migrations: Migration[]): Promise<PlannedMigration[]> {
  const out: PlannedMigration[] = [];
  for (const m of migrations) {
    const planned = { ...m, preview: await preview(db, m) };
    // Every added field is planned a restore; only one with values kept aside has anything to do.
    if (m.type !== 'restore_field' || planned.preview.records > 0) out.push(planned);
  }
  return out;
}

async function preview(db: Db, m: Migration): Promise<MigrationPreview> {
  const records = recordCollection(db, m.entity);
  switch (m.type) {
    case 'create_entity':
    case 'drop_unique_index':
    case 'drop_index':
    case 'create_index':
    case 'drop_view_index':
    case 'create_view_index':
      return { records: 0, blocking: false };
    case 'remove_entity':
      return { records: await records.countDocuments({}), blocking: false };
    case 'backfill_default':
    case 'backfill_auto_number':
      return { records: await records.countDocuments({ [m.field]: { $exists: false } }), blocking: false };
    case 'unset_field': {
      // Values that leave their records are a loss to accept, as for a conversion, though they are kept aside.
      const count = await records.countDocuments({ [m.field]: { $exists: true } });
      return { records: count, blocking: count > 0, keptAside: true };
    }
    case 'restore_field':
      return {
        records: await records.countDocuments({ [`${REMOVED}.${m.field}`]: { $exists: true }, [m.field]: { $exists: false } }),
        blocking: false,
      };
    case 'create_unique_index': {
      if (m.normalized) return { records: 0, ...(await normalizedDuplicates(records, m.field)) };
      const duplicates = await records
        .aggregate<{ _id: unknown; count: number }>([
          { $match: { [m.field]: { $exists: true }, _deletedAt: { $type: 'null' } } },
          { $group: { _id: `$${m.field}`, count: { $sum: 1 } } },
          { $match: { count: { $gt: 1 } } },
          { $sort: { count: -1 } },
          { $limit: SAMPLE },
        ])
        .toArray();
      return { records: 0, duplicates: duplicates.map((d) => ({ value: d._id, count: d.count })), blocking: duplicates.length > 0 };
    }
    case 'convert_field': {
      let count = 0;
      let failed = 0;
      const sample: { id: string; value: unknown; reason: string }[] = [];
      for await (const doc of records.find({ [m.field]: { $exists: true } }, { projection: { [m.field]: 1 } })) {
        count++;
        const value = fromStorage(m.from, doc[m.field]);
        const result = convertValue(value, m.from, m.to);
        if (!result.ok) {
          failed++;
          if (sample.length < SAMPLE) sample.push({ id: String(doc._id), value, reason: result.reason });
        }
      }
      return { records: count, unconvertible: { count: failed, sample }, blocking: failed > 0 };
    }
  }
}

/**
 * Applies migrations in order. Each step is idempotent (a backfill fills only what is
 * missing, a conversion of an already converted value is a no-op), so a publish that
 * crashed half way can simply be run again. Record changes bump `_version`, so an edit
 * racing a migration gets a conflict rather than silently overwriting it, and each is
 * in the record's history (migration-records.ts). A removed field's values are kept
 * aside, and come back when the field is added again.
 */
export async function applyMigrations(db: Db, migrations: Migration[], to: Bundle, ctx: MigrationContext): Promise<void> {
  const entityOf = (key: string) => to.entities.find((e) => e.key === key)!;
  for (const m of migrations) {
    const records = recordCollection(db, m.entity);
    switch (m.type) {
      case 'create_entity':
        await db.createCollection(`rec_${m.entity}`).catch((err: { code?: number }) => {
          if (err.code !== 48) throw err; // NamespaceExists
        });
        await records.createIndexes(SYSTEM_INDEXES.map((ix) => ({ key: { ...ix.key }, name: ix.name })));
        break;
      case 'remove_entity':
        break; // records stay in storage; adding the entity back brings them back
      case 'create_unique_index': {
        const key = m.normalized ? `${UNIQUE_KEY_PREFIX}${m.field}` : m.field;
        if (m.normalized) await fillUniqueKeys(records, m.field, key);
        await records.createIndex({ [key]: 1 }, uniqueIndexOptions(m.field, key));
        break;
      }
      case 'drop_unique_index':
        await dropIndex(records, `unique_${m.field}`);
        break;
      case 'create_index':
        await records.createIndex(indexKey(m.index.fields), { name: `ix_${m.index.key}` });
        break;
      case 'drop_index':
        await dropIndex(records, `ix_${m.index}`);
        break;
      case 'create_view_index':
        // Same name, same key (the name is a hash of the key): creating it again is a no-op.
        await records.createIndex(indexKey(m.index.fields), { name: m.index.name }).catch((err: { code?: number }) => {
          if (err.code !== 85) throw err; // IndexOptionsConflict: an index with this very key exists under another name and serves
        });
        break;
      case 'drop_view_index':
        await dropIndex(records, m.index);
        break;
      case 'backfill_default':
        await backfillDefault(db, entityOf(m.entity), fieldOf(to, m.entity, m.field), m.value, ctx);
        break;
      case 'backfill_auto_number':
        await backfillAutoNumbers(db, entityOf(m.entity), fieldOf(to, m.entity, m.field), ctx);
        break;
      case 'unset_field':
        await removeFieldValues(db, entityOf(m.entity), m.field, ctx);
        break;
      case 'restore_field':
        await restoreFieldValues(db, entityOf(m.entity), fieldOf(to, m.entity, m.field), ctx);
        break;
      case 'convert_field':
        await convertField(db, entityOf(m.entity), m.field, m.from, m.to, ctx);
        break;
    }
  }
}

/**
 * Drops the view indexes (`view_…`) that no view of `to` needs, on every entity of it.
 * The plan drops those the previous version needed; this also catches any left by a
 * publish that stopped between creating its indexes and switching versions. Unique and
 * declared indexes are never touched: they are not named `view_`.
 */
export async function pruneViewIndexes(
  db: Db,
  to: Bundle,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers?: Registry<ConfigurableDefinition>,
): Promise<string[]> {
  const wanted = new Set(viewIndexes(to, fieldTypes, triggers).map((ix) => `${ix.entity}/${ix.name}`));
  const dropped: string[] = [];
  for (const entity of to.entities) {
    const records = recordCollection(db, entity.key);
    const existing = await records.indexes().catch((err: { code?: number }) => {
      if (err.code === 26) return []; // NamespaceNotFound: no collection, no indexes
      throw err;
    });
    for (const ix of existing) {
      const name = String(ix.name);
      if (!name.startsWith(VIEW_INDEX_PREFIX) || wanted.has(`${entity.key}/${name}`)) continue;
      await dropIndex(records, name);
      dropped.push(`${entity.key}/${name}`);
    }
  }
  return dropped;
}

/**
 * Values of live records that compare equal once normalized (normalizeUniqueText),
 * found here because the store cannot group by the normalized form. A publish is rare
 * and reads only the one field.
 */
async function normalizedDuplicates(
  records: ReturnType<typeof recordCollection>,
  field: string,
): Promise<{ duplicates: { value: unknown; count: number }[]; blocking: boolean }> {
  const groups = new Map<string, { value: unknown; count: number }>();
  for await (const doc of records.find(
    { [field]: { $exists: true, $ne: null }, _deletedAt: { $type: 'null' } },
    { projection: { [field]: 1 } },
  )) {
    const key = normalizeUniqueText(doc[field]);
    const group = groups.get(key) ?? { value: doc[field], count: 0 };
    group.count++;
    groups.set(key, group);
  }
  const duplicates = [...groups.values()]
    .filter((g) => g.count > 1)
    .sort((a, b) => b.count - a.count)
    .slice(0, SAMPLE);
  return { duplicates, blocking: duplicates.length > 0 };
}

/**
 * Sets the hidden comparison key of every record holding the field, before its unique
 * index is made (records written before the field was unique, or while it compared
 * exactly, have none or a stale one). Only keys that differ are written: run again
 * after a crash, it writes nothing. The key is not a value: `_version` and history stay.
 */
async function fillUniqueKeys(records: ReturnType<typeof recordCollection>, field: string, key: string): Promise<void> {
  for await (const doc of records.find({ [field]: { $exists: true, $ne: null } }, { projection: { [field]: 1, [key]: 1 } })) {
    const normalized = normalizeUniqueText(doc[field]);
    if (doc[key] !== normalized) await records.updateOne({ _id: doc._id }, { $set: { [key]: normalized } });
  }
  await records.updateMany({ [field]: { $in: [null] }, [key]: { $exists: true } }, { $unset: { [key]: '' } });
}

function indexKey(fields: readonly IndexField[]): Document {
  return Object.fromEntries(fields.map((f) => [f.field, f.direction === 'asc' ? 1 : -1]));
}

async function dropIndex(records: ReturnType<typeof recordCollection>, name: string): Promise<void> {
  await records.dropIndex(name).catch((err: { code?: number; codeName?: string }) => {
    if (err.code !== 27 && err.codeName !== 'IndexNotFound' && err.code !== 26) throw err; // already gone
  });
}

function fieldOf(bundle: Bundle, entity: string, key: string): Field {
  const field = bundle.entities.find((e) => e.key === entity)?.fields.find((f) => f.key === key);
  if (!field) throw new Error(`field ${entity}.${key} is not in the bundle being published`);
  return field;
}
