import type { AnyBulkWriteOperation, Db, Document } from 'mongodb';
import { SYSTEM_INDEXES, VIEW_INDEX_PREFIX, convertValue, viewIndexes, type Bundle, type ConfigurableDefinition, type Field, type FieldTypeDefinition, type IndexField, type Migration, type Registry } from '@metacrm/metadata';
import { nextAutoNumber, type AutoNumberSettings } from '../records/auto-number.js';
import { fromStorage, toStorage } from '../records/field-codec.js';
import { recordCollection, uniqueIndexOptions } from '../records/record-collections.js';

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
}

export type PlannedMigration = Migration & { preview: MigrationPreview };

const SAMPLE = 50;
const BATCH = 500;

/** Previews every migration against the data. */
export async function previewMigrations(db: Db, migrations: Migration[]): Promise<PlannedMigration[]> {
  const out: PlannedMigration[] = [];
  for (const m of migrations) out.push({ ...m, preview: await preview(db, m) });
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
    case 'unset_field':
      return { records: await records.countDocuments({ [m.field]: { $exists: true } }), blocking: false };
    case 'create_unique_index': {
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
 * racing a migration gets a conflict rather than silently overwriting it.
 */
export async function applyMigrations(db: Db, migrations: Migration[], to: Bundle): Promise<void> {
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
      case 'create_unique_index':
        await records.createIndex({ [m.field]: 1 }, uniqueIndexOptions(m.field));
        break;
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
      case 'backfill_default': {
        const field = fieldOf(to, m.entity, m.field);
        await records.updateMany({ [m.field]: { $exists: false } }, { $set: { [m.field]: toStorage(field, m.value) }, $inc: { _version: 1 } });
        break;
      }
      case 'backfill_auto_number':
        await backfillAutoNumbers(db, m.entity, fieldOf(to, m.entity, m.field));
        break;
      case 'unset_field':
        await records.updateMany({ [m.field]: { $exists: true } }, { $unset: { [m.field]: '' }, $inc: { _version: 1 } });
        break;
      case 'convert_field':
        await convertField(db, m.entity, m.field, m.from, m.to);
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
export async function pruneViewIndexes(db: Db, to: Bundle, fieldTypes: Registry<FieldTypeDefinition>, triggers?: Registry<ConfigurableDefinition>): Promise<string[]> {
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

/**
 * Rewrites every stored value in the new type; values that do not convert are removed.
 * Updates are guarded by `_version`, so a record edited meanwhile is skipped by the
 * first pass; later passes convert whatever is still not a valid value of the new type.
 */
async function convertField(db: Db, entity: string, key: string, from: Field, to: Field): Promise<void> {
  const records = recordCollection(db, entity);
  for (let pass = 0; pass < 4; pass++) {
    let batch: AnyBulkWriteOperation<Document>[] = [];
    let touched = 0;
    const flush = async () => {
      if (batch.length > 0) await records.bulkWrite(batch, { ordered: false });
      touched += batch.length;
      batch = [];
    };
    for await (const doc of records.find({ [key]: { $exists: true } }, { projection: { [key]: 1, _version: 1 } })) {
      if (pass > 0 && isValueOf(to, doc[key])) continue;
      const result = convertValue(fromStorage(from, doc[key]), from, to);
      const stored = result.ok ? toStorage(to, result.value) : undefined;
      const update = stored === undefined ? { $unset: { [key]: '' }, $inc: { _version: 1 } } : { $set: { [key]: stored }, $inc: { _version: 1 } };
      batch.push({ updateOne: { filter: { _id: doc._id, _version: doc._version }, update } });
      if (batch.length >= BATCH) await flush();
    }
    await flush();
    if (pass > 0 && touched === 0) return;
  }
}

/** True when a stored value already is a valid value of `field`. */
function isValueOf(field: Field, stored: unknown): boolean {
  const value = fromStorage(field, stored);
  const again = convertValue(value, field, field);
  return again.ok && JSON.stringify(again.value) === JSON.stringify(value);
}

async function backfillAutoNumbers(db: Db, entity: string, field: Field): Promise<void> {
  const records = recordCollection(db, entity);
  const settings = field as unknown as AutoNumberSettings;
  for await (const doc of records.find({ [field.key]: { $exists: false } }, { projection: { _createdAt: 1 } }).sort({ _createdAt: 1, _id: 1 })) {
    const number = await nextAutoNumber(db, entity, field.key, settings, doc._createdAt instanceof Date ? doc._createdAt : new Date());
    await records.updateOne({ _id: doc._id, [field.key]: { $exists: false } }, { $set: { [field.key]: number }, $inc: { _version: 1 } });
  }
}
