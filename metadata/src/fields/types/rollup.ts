import type { FieldTypeDefinition } from '../field-type-definition.js';
import { ANY_DECIMAL } from './decimal-number.js';
import { ORDERED, settingsOf } from './shared.js';

/**
 * A summary of related records (count, sum, min, max), kept current when they
 * change. A count is an integer; anything else is stored as a decimal.
 */
export const rollup: FieldTypeDefinition = {
  type: 'rollup',
  label: { 'zh-CN': '汇总', en: 'Roll-up' },
  group: 'computed',
  value: 'decimal',
  operators: ORDERED,
  computed: true,
  ordered: true,
  numeric: true,
  groupable: false,
  compute: 'rollup',
  storage: 'decimal128',
  settingsSchema: settingsOf('rollup'),
  refine: (field) => (field.function === 'count' ? { ...rollup, value: 'integer', storage: 'as_is' } : rollup),
  readSchema: (field, context) => {
    if (field.function === 'count') return { type: 'integer', minimum: 0 };
    if (field.function === 'sum') return { ...ANY_DECIMAL };
    // min and max read like the child field: numbers as decimals, anything else as text.
    const source = context.fieldsOf(String(field.entity))?.find((f) => f.key === field.field);
    const def = source && context.fieldTypes.get(source.type);
    const traits = def && source && def.refine ? def.refine(source as typeof field, context.fieldTypes) : def;
    return traits?.numeric ? { ...ANY_DECIMAL } : { type: 'string' };
  },
};
