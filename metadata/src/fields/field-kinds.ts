import type { Registry } from '../registry.js';
import type { FieldTypeDefinition } from './field-type-definition.js';
import { fieldTypeOf } from './field-types.js';

/*
 * The questions code outside a type's module asks about a field, answered from its
 * type's declared capabilities, never from its name. Without a registry they look
 * among the built-in types.
 */

type Typed = { type: string };

/** Computed by a json-logic expression (a formula). */
export function isFormulaField(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.compute === 'expression';
}

/** A roll-up of child records. */
export function isRollupField(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.compute === 'rollup';
}

/** Numbered from a counter at creation (an auto-number). */
export function isSequenceField(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.compute === 'sequence';
}

/** A reference to a record of an entity (a lookup). */
export function isRecordReference(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.reference === 'record';
}

/** A reference to a user. */
export function isUserReference(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.reference === 'user';
}

/** Its settings list options (selects). */
export function hasOptions(field: Typed, registry?: Registry<FieldTypeDefinition>): boolean {
  return fieldTypeOf(field.type, registry)?.options === true;
}

/** Backed by a unique index: `unique` set, or a type whose every value is unique. */
export function isUniqueField(field: Typed & { unique?: unknown }, registry?: Registry<FieldTypeDefinition>): boolean {
  return field.unique === true || fieldTypeOf(field.type, registry)?.alwaysUnique === true;
}
