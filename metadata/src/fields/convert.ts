import type { Field } from '../generated/types.js';
import type { Registry } from '../registry.js';
import { converted, refused, type Conversion } from './conversion.js';
import type { AnyFieldSettings, FieldTypeDefinition } from './field-type-definition.js';
import { fieldTypeOf } from './field-types.js';

export type { Conversion } from './conversion.js';

/**
 * Converts one API value of field `from` into a value for field `to` (after a type or
 * settings change, or from a sheet's text), or says why it cannot, through the target
 * type's `convert`. Never rounds or truncates: a value that would lose information
 * does not convert. Computed targets are recomputed, not converted, so any value
 * converts to them (as null). A type whose values mean nothing elsewhere (references,
 * files: `sameTypeOnly`) decides both ways.
 */
export function convertValue(value: unknown, from: Field, to: Field, registry?: Registry<FieldTypeDefinition>): Conversion {
  const target = to as AnyFieldSettings;
  const source = from as AnyFieldSettings;
  if (value === null || value === undefined || value === '') return converted(null);
  const toDef = fieldTypeOf(target.type, registry);
  if (toDef?.computed) return converted(null);
  const fromDef = fieldTypeOf(source.type, registry);
  const guard = toDef?.sameTypeOnly ? toDef : fromDef?.sameTypeOnly ? fromDef : undefined;
  if (guard?.convert) return guard.convert(value, target, source);
  if (toDef?.convert) return toDef.convert(value, target, source);
  return refused('INVALID', {}, `no conversion to ${target.type}`);
}
