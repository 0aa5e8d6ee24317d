import type { Field } from '../generated/types.js';
import type { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';
import type { Label } from '../schema/problem-messages.js';
import type { Problem } from '../schema/problems.js';
import type { Conversion } from './conversion.js';

/** The operators of the filter language. */
export const FILTER_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'nin',
  'contains',
  'notContains',
  'startsWith',
  'isEmpty',
  'isNotEmpty',
  'between',
  'relative',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** What a record holds for a field of this type, in the API. */
export type ValueKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'strings' | 'reference' | 'files';

/**
 * How the server stores an API value (server/src/record-storage/field-codec.ts):
 * `decimal128` never passes through a binary float, `date` is a Date at 00:00 UTC,
 * `datetime` a Date, `object_id` an ObjectId (a record reference); `as_is` keeps the
 * API value (the default).
 */
export type StorageKind = 'as_is' | 'decimal128' | 'date' | 'datetime' | 'object_id';

/**
 * How an import reads a spreadsheet cell: `text` as plain text, `convert` through the
 * type's `convert` (numbers, dates, yes/no, option labels), `record_reference` as a
 * record id or the display value of a record to look up; `as_is` (the default) keeps
 * what the sheet holds, text as text; `never`: no cell can fill it (files).
 */
export type ImportKind = 'as_is' | 'text' | 'convert' | 'record_reference' | 'never';

/** Where a designer's palette shows a type. */
export type FieldTypeGroup = 'text' | 'number' | 'choice' | 'date' | 'relation' | 'computed' | 'file' | 'other';

/** A field with whatever settings its type has. */
export type AnyFieldSettings = Field & Record<string, unknown>;

/** What an OpenAPI read schema may look at besides the field: other types and entities. */
export interface ReadSchemaContext {
  fieldTypes: Registry<FieldTypeDefinition>;
  /** The fields of another entity of the same snapshot (a roll-up reads like what it summarizes). */
  fieldsOf(entity: string): readonly Field[] | undefined;
}

/** Languages an export writes labels in. */
export type ExportLanguage = 'zh-CN' | 'en';

/**
 * One field type: everything the platform knows about it, in one module
 * (metadata/src/fields/types/<type>.ts for the built-in ones; a plugin registers its
 * own). Code elsewhere asks for a capability and never compares a type's name. Only
 * the traits are required; every hook has a default that treats values as plain JSON.
 */
export interface FieldTypeDefinition {
  type: string;
  /** The palette label and group (designer). */
  label?: Label;
  group?: FieldTypeGroup;
  value: ValueKind;
  /** Filter operators allowed on it. */
  operators: readonly FilterOp[];
  /** Computed by the engine (formula, roll-up, auto-number): never written by clients. */
  computed: boolean;
  /** Can be sorted on and compared with gt / lt. */
  ordered: boolean;
  /** Can be summed and averaged. */
  numeric: boolean;
  /** Can be the group of a report or a kanban column. */
  groupable: boolean;
  /**
   * The type's own settings (`properties` and `required`), besides those every field
   * has. The built-in types take theirs from field.schema.json, the source of the
   * generated `Field` types; fieldTypeSettingsSchema gives the complete form.
   */
  settingsSchema?: JsonSchema;
  /** The JSON Schema of a value in API form, as written (null is handled before it). */
  valueSchema?: (field: AnyFieldSettings) => JsonSchema;
  /** The JSON Schema of a value as answered (OpenAPI); the value schema when absent. */
  readSchema?: (field: AnyFieldSettings, context: ReadSchemaContext) => JsonSchema;
  /** The OpenAPI `format` of its values (email, uri, date, date-time). */
  apiFormat?: string;
  /** Extra `x-` annotations of its OpenAPI schema (x-decimal, x-lookup). */
  annotations?: (field: AnyFieldSettings) => JsonSchema;
  storage?: StorageKind;
  /** Converts a value of another field (or a sheet's text) into one of this type, or says why not. */
  convert?: (value: unknown, to: AnyFieldSettings, from: AnyFieldSettings | undefined) => Conversion;
  /** Its values convert only to and from fields of the same type (references, files). */
  sameTypeOnly?: boolean;
  /** Tidies an input value before validation ('' is no value already). */
  normalize?: (field: AnyFieldSettings, value: unknown) => unknown;
  /** Checks of a written value the value schema cannot express (exact decimal ranges, retired options). */
  checkValue?: (field: AnyFieldSettings, value: unknown, before: unknown) => Problem[];
  /** A formula's computed result as a value of this type; null when it does not fit. */
  fromResult?: (field: AnyFieldSettings, value: unknown) => unknown;
  /** The params that tell a user what a BAD_FORMAT of this type means ({format: 'email'}). */
  formatProblem?: (field: AnyFieldSettings, value: unknown) => Record<string, unknown> | undefined;
  importAs?: ImportKind;
  /** The display text of a value in an export; undefined for the default by value kind. */
  exportText?: (field: AnyFieldSettings, value: unknown, record: Record<string, unknown>, lang: ExportLanguage) => string | undefined;
  /** The traits of one field, refined by its settings (a formula behaves as its result type). */
  refine?: (field: AnyFieldSettings, registry: Registry<FieldTypeDefinition>) => FieldTypeDefinition;
  /** A reference to a record (lookup) or to a user. */
  reference?: 'record' | 'user';
  /** How the engine computes it: a json-logic expression, a roll-up of children, a counter. */
  compute?: 'expression' | 'rollup' | 'sequence';
  /** Its settings list `options` (single and multi selects). */
  options?: boolean;
  /** Every value is unique, whatever the settings say (auto-numbers). */
  alwaysUnique?: boolean;
  /** False for text that free-text search leaves out (rich text: its markup would match). */
  searchable?: boolean;
  /** A `unique` field of this type compares text without case and surrounding spaces, unless `uniqueExact`. */
  uniqueIgnoresCase?: boolean;
}
