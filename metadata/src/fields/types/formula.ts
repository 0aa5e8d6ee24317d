import type { FieldTypeDefinition } from '../field-type-definition.js';
import { settingsOf, TEXT } from './shared.js';

/**
 * A value computed on every write from other fields of the record by a json-logic
 * expression. It behaves as its result type in every other respect (value schema,
 * storage, filters, OpenAPI): `refine` answers the result type's definition.
 */
export const formula: FieldTypeDefinition = {
  type: 'formula',
  label: { 'zh-CN': '公式', en: 'Formula' },
  group: 'computed',
  value: 'string',
  operators: TEXT,
  computed: true,
  ordered: true,
  numeric: false,
  groupable: false,
  compute: 'expression',
  storage: 'as_is',
  settingsSchema: settingsOf('formula'),
  refine: (field, registry) => {
    const result = typeof field.resultType === 'string' ? registry.get(field.resultType) : undefined;
    return result ? { ...result, type: 'formula', computed: true, compute: 'expression' } : formula;
  },
};
