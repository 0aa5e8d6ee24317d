import type { ClientSession, Collection, Db, Document, Filter } from 'mongodb';
import { convertValue, type Bundle, type Entity, type Field } from '@metacrm/metadata';
import { nextAutoNumber, type AutoNumberSettings } from '../record-storage/auto-number.js';
import { fromStorage, toStorage } from '../record-storage/field-codec.js';
import { recordCollection } from '../record-storage/record-collections.js';
import { RECORD_REVISIONS, type FieldChange } from '../audit/record-trail.js';
import { rewriteDocument } from '../storage/rewrite.js';

/** Who and what a publish's record migrations are attributed to, in each record's history. */
export interface MigrationContext {
  /** Who publishes: the revisions' actor. */
  actor: { kind: string; id: string; name: string };
  /** The version the publish makes; each revision names it (`metadataVersion`). */
  version: number;
  /** The version it replaces, whose bundle defines the fields it removes. */
  previous: number;
  /** The bundle of a published version: a kept-aside value is read with its field as it was. */
  bundleOf(version: number): Promise<Bundle>;
}

/**
 * Where a removed field's values wait, per record: `_removed.<field>` is `{value, version}`,
 * the stored value and the metadata version whose field it belongs to. The API never
 * shows it; adding the field back (a rollback, or a later publish) brings it back.
 */
export const REMOVED = '_removed';

/** One record's change: the update to apply (guarded by `_version`) and what it changes, for its history. */
type Rewrite = (doc: Document, pass: number) => Promise<{ update: Document; changes: FieldChange[] } | null>;

const BATCH = 200;
const PASSES = 4;

/**
 * Rewrites the records matching `filter` one by one, each a version-guarded update
 * (`_version` + 1) that writes its revision (op `migrate`, the publisher, the new
 * metadata version) in the same transaction, a transaction per batch. A record edited
 * meanwhile does not match its guard and is taken up by the next pass.
 */
async function rewriteRecords(
  db: Db,
  entity: Entity,
  filter: Filter<Document>,
  rewrite: Rewrite,
  ctx: MigrationContext,
  sort: Document = { _id: 1 },
): Promise<void> {
  const records = recordCollection(db, entity.key);
  const history = entity.options?.history !== false;
  const uniques = new Set(
    entity.fields.filter((f) => (f as { unique?: boolean }).unique === true || f.type === 'auto_number').map((f) => f.key),
  );
  for (let pass = 0; pass < PASSES; pass++) {
    let moved = 0;
    let batch: { doc: Document; update: Document; changes: FieldChange[] }[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const session = db.client.startSession();
      try {
        await session.withTransaction(async () => {
          const revisions: Document[] = [];
          moved = 0;
          for (const { doc, update, changes } of batch) {
            const matched = await writeGuarded(
              records,
              { _id: doc._id, _version: doc._version },
              { ...update, $inc: { _version: 1 } },
              uniques,
              session,
            );
            if (!matched) moved++;
            else if (history && changes.length > 0)
              revisions.push({
                entity: entity.key,
                recordId: doc._id,
                version: (doc._version as number) + 1,
                op: 'migrate',
                at: new Date(),
                actor: ctx.actor,
                changes,
                metadataVersion: ctx.version,
              });
          }
          if (revisions.length > 0) await db.collection(RECORD_REVISIONS).insertMany(revisions, { session });
        });
      } finally {
        await session.endSession();
      }
      batch = [];
    };
    let movedInPass = 0;
    for await (const doc of records.find(filter).sort(sort)) {
      const change = await rewrite(doc, pass);
      if (change) batch.push({ doc, ...change });
      if (batch.length >= BATCH) {
        await flush();
        movedInPass += moved;
      }
    }
    await flush();
    movedInPass += moved;
    if (movedInPass === 0) return;
  }
}

/**
 * Applies one record's version-guarded update; false when the version moved. An update
 * of a field whose unique index stays (a conversion that changes or removes values) is
 * written as a delete and an insert (`rewriteDocument`): `secantusd-rs` frees a unique
 * value only on delete, and would keep a removed value from every later record.
 */
async function writeGuarded(
  records: Collection<Document>,
  guard: Filter<Document>,
  update: Document,
  uniques: ReadonlySet<string>,
  session: ClientSession,
): Promise<boolean> {
  const paths = [update.$set, update.$unset].flatMap((part: Document | undefined) => Object.keys(part ?? {}));
  if (paths.some((path) => uniques.has(path))) {
    const rewritten = await rewriteDocument(records, guard, update, session);
    if (rewritten !== undefined) return rewritten;
  }
  return (await records.updateOne(guard, update, { session })).matchedCount === 1;
}

/** `unset_field`: each record's value is kept aside (REMOVED) and leaves the record, with its history entry. */
export async function removeFieldValues(db: Db, entity: Entity, key: string, ctx: MigrationContext): Promise<void> {
  const field = (await ctx.bundleOf(ctx.previous)).entities.find((e) => e.key === entity.key)?.fields.find((f) => f.key === key);
  await rewriteRecords(
    db,
    entity,
    { [key]: { $exists: true } },
    async (doc) => ({
      update: { $unset: { [key]: '' }, $set: { [`${REMOVED}.${key}`]: { value: doc[key], version: ctx.previous } } },
      changes: [{ field: key, from: field ? fromStorage(field, doc[key]) : doc[key], to: null }],
    }),
    ctx,
  );
}

/**
 * `restore_field`: a field added again takes back the values kept aside when it was
 * removed, converted from the field as it was to the field as it is now. A value that
 * does not convert stays aside, lost to nobody.
 */
export async function restoreFieldValues(db: Db, entity: Entity, field: Field, ctx: MigrationContext): Promise<void> {
  const definitions = new Map<number, Field | undefined>();
  const definitionIn = async (version: number) => {
    if (!definitions.has(version))
      definitions.set(
        version,
        (await ctx.bundleOf(version)).entities.find((e) => e.key === entity.key)?.fields.find((f) => f.key === field.key),
      );
    return definitions.get(version);
  };
  const aside = `${REMOVED}.${field.key}`;
  await rewriteRecords(
    db,
    entity,
    { [aside]: { $exists: true }, [field.key]: { $exists: false } },
    async (doc) => {
      const kept = (doc[REMOVED] as Record<string, { value: unknown; version: number }>)[field.key]!;
      const was = await definitionIn(kept.version);
      const converted = was ? convertValue(fromStorage(was, kept.value), was, field) : { ok: false as const };
      const stored = converted.ok ? toStorage(field, converted.value) : undefined;
      if (!converted.ok || stored === undefined) return null;
      return {
        update: { $set: { [field.key]: stored }, $unset: { [aside]: '' } },
        changes: [{ field: field.key, from: null, to: converted.value }],
      };
    },
    ctx,
  );
}

/** `backfill_default`: records without a value get the new field's default. */
export async function backfillDefault(db: Db, entity: Entity, field: Field, value: unknown, ctx: MigrationContext): Promise<void> {
  const stored = toStorage(field, value);
  await rewriteRecords(
    db,
    entity,
    { [field.key]: { $exists: false } },
    async () => ({
      update: { $set: { [field.key]: stored } },
      changes: [{ field: field.key, from: null, to: fromStorage(field, stored) }],
    }),
    ctx,
  );
}

/** `backfill_auto_number`: numbers in creation order for the records without one. */
export async function backfillAutoNumbers(db: Db, entity: Entity, field: Field, ctx: MigrationContext): Promise<void> {
  const settings = field as unknown as AutoNumberSettings;
  // The cursor's order is the numbering order: oldest first.
  const byAge = async (doc: Document) => {
    const number = await nextAutoNumber(db, entity.key, field.key, settings, doc._createdAt instanceof Date ? doc._createdAt : new Date());
    return { update: { $set: { [field.key]: number } }, changes: [{ field: field.key, from: null, to: number }] };
  };
  await rewriteRecords(db, entity, { [field.key]: { $exists: false } }, byAge, ctx, { _createdAt: 1, _id: 1 });
}

/**
 * `convert_field`: every stored value rewritten in the new type; a value that does not
 * convert is removed (the publish was told so, and accepted it). Later passes convert
 * only what is still not a valid value of the new type.
 */
export async function convertField(db: Db, entity: Entity, key: string, from: Field, to: Field, ctx: MigrationContext): Promise<void> {
  await rewriteRecords(
    db,
    entity,
    { [key]: { $exists: true } },
    async (doc, pass) => {
      if (pass > 0 && isValueOf(to, doc[key])) return null;
      const before = fromStorage(from, doc[key]);
      const result = convertValue(before, from, to);
      const stored = result.ok ? toStorage(to, result.value) : undefined;
      // Stored as the new type already wants it: nothing to write, no version, no history.
      if (stored !== undefined && JSON.stringify(stored) === JSON.stringify(doc[key])) return null;
      const update = stored === undefined ? { $unset: { [key]: '' } } : { $set: { [key]: stored } };
      const after = stored === undefined ? null : fromStorage(to, stored);
      return { update, changes: JSON.stringify(before) === JSON.stringify(after) ? [] : [{ field: key, from: before, to: after }] };
    },
    ctx,
  );
}

/** True when a stored value already is a valid value of `field`. */
function isValueOf(field: Field, stored: unknown): boolean {
  const value = fromStorage(field, stored);
  const again = convertValue(value, field, field);
  return again.ok && JSON.stringify(again.value) === JSON.stringify(value);
}
