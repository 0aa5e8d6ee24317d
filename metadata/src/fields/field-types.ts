import { Registry } from '../registry.js';
import type { JsonSchema } from '../schema/meta-schemas.js';

/** The operators of the filter language. */
export const FILTER_OPS = [
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'nin',
  'contains', 'notContains', 'startsWith', 'isEmpty', 'isNotEmpty', 'between', 'relative',
] as const;
export type FilterOp = (typeof FILTER_OPS)[number];

/** What a record holds for a field of this type, in the API. */
export type ValueKind = 'string' | 'integer' | 'decimal' | 'boolean' | 'date' | 'datetime' | 'strings' | 'reference' | 'files';

/**
 * The metadata half of a field type: what its values are and what may be done with
 * them. The server half (storage conversion, value schema) is keyed by the same type.
 */
export interface FieldTypeDefinition {
  type: string;
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
  /** The settings schema of a plugin type; built-in types live in field.schema.json. */
  settingsSchema?: JsonSchema;
  /** The JSON Schema of a plugin type's values in API form; built-in types are in record-schema.ts. */
  valueSchema?: (field: { type: string } & Record<string, unknown>) => JsonSchema;
}

const EQUALITY: FilterOp[] = ['eq', 'ne', 'in', 'nin', 'isEmpty', 'isNotEmpty'];
const ORDERED: FilterOp[] = [...EQUALITY, 'gt', 'gte', 'lt', 'lte', 'between'];
const TEXT: FilterOp[] = [...EQUALITY, 'contains', 'notContains', 'startsWith'];
const DATES: FilterOp[] = [...ORDERED, 'relative'];

type Traits = Omit<FieldTypeDefinition, 'type'>;
const text: Traits = { value: 'string', operators: TEXT, computed: false, ordered: true, numeric: false, groupable: false };
const number = (value: ValueKind): Traits => ({ value, operators: ORDERED, computed: false, ordered: true, numeric: true, groupable: false });

const BUILT_IN: Record<string, Traits> = {
  text,
  long_text: { ...text, operators: ['contains', 'notContains', 'isEmpty', 'isNotEmpty'], ordered: false },
  rich_text: { ...text, operators: ['contains', 'notContains', 'isEmpty', 'isNotEmpty'], ordered: false },
  integer: number('integer'),
  decimal: number('decimal'),
  currency: number('decimal'),
  percent: number('decimal'),
  boolean: { value: 'boolean', operators: ['eq', 'ne', 'isEmpty', 'isNotEmpty'], computed: false, ordered: false, numeric: false, groupable: true },
  date: { value: 'date', operators: DATES, computed: false, ordered: true, numeric: false, groupable: true },
  datetime: { value: 'datetime', operators: DATES, computed: false, ordered: true, numeric: false, groupable: true },
  single_select: { value: 'string', operators: EQUALITY, computed: false, ordered: true, numeric: false, groupable: true },
  multi_select: { value: 'strings', operators: ['contains', 'notContains', 'in', 'nin', 'isEmpty', 'isNotEmpty'], computed: false, ordered: false, numeric: false, groupable: false },
  email: text,
  phone: text,
  url: text,
  lookup: { value: 'reference', operators: EQUALITY, computed: false, ordered: false, numeric: false, groupable: true },
  user: { value: 'reference', operators: EQUALITY, computed: false, ordered: false, numeric: false, groupable: true },
  auto_number: { ...text, computed: true },
  // A formula's value kind follows its resultType; see fieldTraits.
  formula: { value: 'string', operators: TEXT, computed: true, ordered: true, numeric: false, groupable: false },
  rollup: { ...number('decimal'), computed: true },
  attachment: { value: 'files', operators: ['isEmpty', 'isNotEmpty'], computed: false, ordered: false, numeric: false, groupable: false },
};

/** A registry holding the 21 built-in field types; plugins register more into it. */
export function createFieldTypeRegistry(): Registry<FieldTypeDefinition> {
  const registry = new Registry<FieldTypeDefinition>('field type');
  for (const [type, traits] of Object.entries(BUILT_IN)) registry.register(type, { type, ...traits });
  return registry;
}

export const BUILT_IN_FIELD_TYPES: readonly string[] = Object.keys(BUILT_IN);

/**
 * The traits of one field, refined by its settings: a formula behaves as its result
 * type, a roll-up count as an integer.
 */
export function fieldTraits(
  field: { type: string; resultType?: string; function?: string },
  registry: Registry<FieldTypeDefinition>,
): FieldTypeDefinition | undefined {
  const def = registry.get(field.type);
  if (!def) return undefined;
  if (field.type === 'formula' && field.resultType) {
    const result = registry.get(field.resultType);
    return result ? { ...result, type: 'formula', computed: true } : def;
  }
  if (field.type === 'rollup' && field.function === 'count') return { ...def, value: 'integer' };
  return def;
}
