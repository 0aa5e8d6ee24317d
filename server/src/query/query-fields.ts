import {
  SYSTEM_FIELDS,
  fieldTraits,
  isSystemField,
  type Entity,
  type Field,
  type FieldTypeDefinition,
  type Registry,
  type SystemField,
} from '@metacrm/metadata';
import { QueryError, quote } from './query.errors.js';

/** A field that a filter, sort or search may name: a field of the entity or a system field. */
export interface QueryField {
  name: string;
  /** What toStorage converts operands with; a stand-in definition for system fields. */
  field: Field;
  /** The type's traits, refined by the field's settings (a formula acts as its result type). */
  traits: FieldTypeDefinition;
  /** For select fields, the option keys: the only values such a field can hold. */
  options?: ReadonlySet<string>;
  system: boolean;
}

/** Options every compiler takes to find fields and check who may read them. */
export interface FieldOptions {
  fieldTypes: Registry<FieldTypeDefinition>;
  /** False for a field the actor may not read: naming it in a query is refused with 403. */
  canRead?: (field: string) => boolean;
}

// SYSTEM_FIELDS types _id as text, but it is stored as an ObjectId: it compares and
// converts like a record reference, and it sorts.
const SYSTEM_TYPES: Record<SystemField, string> = { ...SYSTEM_FIELDS, _id: 'lookup' };

/** The field `name` of `entity` (or the system field), or undefined when there is none. */
export function resolveField(name: string, entity: Entity, fieldTypes: Registry<FieldTypeDefinition>): QueryField | undefined {
  if (isSystemField(name)) return systemField(name, fieldTypes);
  const field = entity.fields.find((f) => f.key === name);
  if (!field) return undefined;
  const traits = fieldTraits(field, fieldTypes);
  if (!traits) return undefined;
  const options = optionKeys(field);
  return options ? { name, field, traits, options, system: false } : { name, field, traits, system: false };
}

function systemField(name: SystemField, fieldTypes: Registry<FieldTypeDefinition>): QueryField | undefined {
  const type = SYSTEM_TYPES[name];
  const base = fieldTypes.get(type);
  if (!base) return undefined;
  const traits = name === '_id' ? { ...base, ordered: true } : base;
  const field = { key: name, type, label: { 'zh-CN': name, en: name } } as Field;
  return { name, field, traits, system: true };
}

function optionKeys(field: Field): ReadonlySet<string> | undefined {
  const options = (field as { options?: unknown }).options;
  if (!Array.isArray(options)) return undefined;
  return new Set(options.map((o: { key?: unknown }) => String(o.key)));
}

/** Throws 403 FIELD_NOT_READABLE when `canRead` refuses the field. */
export function assertReadable(ref: QueryField, canRead: FieldOptions['canRead'], pointer: string): void {
  if (canRead && !canRead(ref.name)) {
    throw new QueryError('FIELD_NOT_READABLE', `You may not read the field ${quote(ref.name)}`, pointer, ref.name);
  }
}
