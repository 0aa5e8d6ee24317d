import { hasOptions, isSequenceField, isUniqueField } from '../fields/field-kinds.js';
import { fieldTypeOf, type FieldTypeDefinition } from '../fields/field-types.js';
import type { Entity, Field } from '../generated/types.js';
import { isNormalizedUnique, uniqueIndexKey } from '../fields/unique-key.js';
import type { Registry } from '../registry.js';
import { viewIndexes, type ViewIndex } from '../views/view-indexes.js';
import type { Bundle, ConfigurableDefinition } from './bundle-types.js';
import { deepEqual } from './diff.js';

type EntityIndexSpec = NonNullable<Entity['indexes']>[number];

/**
 * A change to stored data or indexes that publishing a bundle implies. Planned here
 * from the two bundles alone; the server previews each against the data (how many
 * records, which will not convert) and applies them before switching versions.
 */
export type Migration =
  | { type: 'create_entity'; entity: string }
  | { type: 'remove_entity'; entity: string }
  /** `normalized`: the index covers the field's hidden comparison key (unique-key.ts), filled from the values first. */
  | { type: 'create_unique_index'; entity: string; field: string; normalized?: true }
  | { type: 'drop_unique_index'; entity: string; field: string }
  | { type: 'create_index'; entity: string; index: EntityIndexSpec }
  | { type: 'drop_index'; entity: string; index: string }
  | { type: 'create_view_index'; entity: string; index: Omit<ViewIndex, 'entity'> }
  | { type: 'drop_view_index'; entity: string; index: string }
  | { type: 'backfill_default'; entity: string; field: string; value: unknown }
  | { type: 'backfill_auto_number'; entity: string; field: string }
  | { type: 'unset_field'; entity: string; field: string }
  | { type: 'restore_field'; entity: string; field: string }
  | { type: 'convert_field'; entity: string; field: string; from: Field; to: Field };

/** Settings that only change how a field looks, never what values it accepts. */
const PRESENTATION = new Set([
  'label',
  'description',
  'helpText',
  'readOnly',
  'default',
  'required',
  'unique',
  'uniqueExact',
  'relatedListLabel',
  'displayField',
  'onDelete',
]);

/**
 * The migrations that moving from `from` to `to` implies, in the order to apply them.
 * `fieldTypes` says which fields hold lists, which shapes the indexes views need;
 * `triggers`, which queries workflow triggers make of their own (their indexes too).
 */
export function planMigrations(
  from: Bundle,
  to: Bundle,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers?: Registry<ConfigurableDefinition>,
): Migration[] {
  const out: Migration[] = [];
  const before = new Map(from.entities.map((e) => [e.key, e]));
  const after = new Map(to.entities.map((e) => [e.key, e]));
  for (const [key, entity] of after) {
    const old = before.get(key);
    if (!old) {
      out.push({ type: 'create_entity', entity: key });
      for (const f of entity.fields) if (isUnique(f)) out.push(createUnique(key, f));
      for (const ix of entity.indexes ?? []) out.push({ type: 'create_index', entity: key, index: ix });
      continue;
    }
    out.push(...fieldMigrations(old, entity), ...indexMigrations(old, entity));
  }
  for (const key of before.keys()) if (!after.has(key)) out.push({ type: 'remove_entity', entity: key });
  out.push(...viewIndexMigrations(from, to, fieldTypes, triggers));
  // Drops come first, so a collection near MongoDB's index limit has room for the new ones.
  const order: Migration['type'][] = [
    'create_entity',
    'drop_unique_index',
    'drop_index',
    'drop_view_index',
    'convert_field',
    'unset_field',
    'restore_field',
    'backfill_default',
    'backfill_auto_number',
    'create_unique_index',
    'create_index',
    'create_view_index',
    'remove_entity',
  ];
  return out.sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

function fieldMigrations(old: Entity, now: Entity): Migration[] {
  const out: Migration[] = [];
  const entity = now.key;
  const oldFields = new Map(old.fields.map((f) => [f.key, f]));
  const newKeys = new Set(now.fields.map((f) => f.key));
  for (const field of now.fields) {
    const prev = oldFields.get(field.key);
    if (!prev) {
      // Values kept aside when a field of this key was removed come back first; the backfills fill the rest.
      if (!isComputed(field)) out.push({ type: 'restore_field', entity, field: field.key });
      if (isSequenceField(field)) out.push({ type: 'backfill_auto_number', entity, field: field.key });
      else if (isLiteral(field.default) && !isComputed(field))
        out.push({ type: 'backfill_default', entity, field: field.key, value: field.default });
      if (isUnique(field)) out.push(createUnique(entity, field));
      continue;
    }
    if (valueSettingsChanged(prev, field)) out.push({ type: 'convert_field', entity, field: field.key, from: prev, to: field });
    if (!isSequenceField(prev) && isSequenceField(field)) out.push({ type: 'backfill_auto_number', entity, field: field.key });
    // A unique index whose key changes (exact or normalized comparison), or whose converted
    // values need their comparison keys computed again, is dropped and made again.
    const rekeyed =
      isUnique(prev) &&
      isUnique(field) &&
      (uniqueIndexKey(prev) !== uniqueIndexKey(field) || (isNormalizedUnique(field) && valueSettingsChanged(prev, field)));
    if (isUnique(prev) && (!isUnique(field) || rekeyed)) out.push({ type: 'drop_unique_index', entity, field: field.key });
    if (isUnique(field) && (!isUnique(prev) || rekeyed)) out.push(createUnique(entity, field));
  }
  for (const prev of old.fields) {
    if (newKeys.has(prev.key)) continue;
    out.push({ type: 'unset_field', entity, field: prev.key });
    if (isUnique(prev)) out.push({ type: 'drop_unique_index', entity, field: prev.key });
  }
  return out;
}

function indexMigrations(old: Entity, now: Entity): Migration[] {
  const out: Migration[] = [];
  const before = new Map((old.indexes ?? []).map((ix) => [ix.key, ix]));
  const after = new Map((now.indexes ?? []).map((ix) => [ix.key, ix]));
  for (const [key, ix] of after) {
    const prev = before.get(key);
    if (prev && deepEqual(prev, ix)) continue;
    if (prev) out.push({ type: 'drop_index', entity: now.key, index: key });
    out.push({ type: 'create_index', entity: now.key, index: ix });
  }
  for (const key of before.keys()) if (!after.has(key)) out.push({ type: 'drop_index', entity: now.key, index: key });
  return out;
}

/**
 * The view indexes to create and to drop. An index is named by its key, so a view whose
 * filter or sort changes drops its old index and creates the new one, while a change
 * that leaves every key as it was plans nothing.
 */
function viewIndexMigrations(
  from: Bundle,
  to: Bundle,
  fieldTypes: Registry<FieldTypeDefinition>,
  triggers: Registry<ConfigurableDefinition> | undefined,
): Migration[] {
  const id = (ix: ViewIndex) => `${ix.entity}/${ix.name}`;
  const before = viewIndexes(from, fieldTypes, triggers);
  const after = viewIndexes(to, fieldTypes, triggers);
  const had = new Set(before.map(id));
  const wanted = new Set(after.map(id));
  const out: Migration[] = [];
  for (const ix of after) {
    const { entity, ...index } = ix;
    if (!had.has(id(ix))) out.push({ type: 'create_view_index', entity, index });
  }
  for (const ix of before) if (!wanted.has(id(ix))) out.push({ type: 'drop_view_index', entity: ix.entity, index: ix.name });
  return out;
}

/** True when the change may make stored values invalid: a type or a value setting changed. */
function valueSettingsChanged(prev: Field, next: Field): boolean {
  if (prev.type !== next.type) return true;
  if (isComputed(next)) return false; // recomputed, not converted
  const strip = (f: Field) => Object.fromEntries(Object.entries(f).filter(([k]) => !PRESENTATION.has(k)));
  const a = strip(prev);
  const b = strip(next);
  if (hasOptions(prev)) {
    // Only removed option keys can invalidate values; new options, labels and colours cannot.
    const keys = (f: Field) => new Set(((f as { options?: { key: string }[] }).options ?? []).map((o) => o.key));
    const nextKeys = keys(next);
    return [...keys(prev)].some((k) => !nextKeys.has(k)) || a.maxSelected !== b.maxSelected;
  }
  return !deepEqual(a, b);
}

function createUnique(entity: string, field: Field): Migration {
  return isNormalizedUnique(field)
    ? { type: 'create_unique_index', entity, field: field.key, normalized: true }
    : { type: 'create_unique_index', entity, field: field.key };
}

function isUnique(field: Field): boolean {
  return isUniqueField(field as Field & { unique?: unknown });
}

/** Computed by the engine (formula, roll-up, auto-number): recomputed, never converted or restored. */
function isComputed(field: Field): boolean {
  return fieldTypeOf(field.type)?.computed === true;
}

/** A default that is a plain value rather than an expression to evaluate per record. */
function isLiteral(value: unknown): boolean {
  return value !== undefined && value !== null && (typeof value !== 'object' || Array.isArray(value));
}
