import type { FieldTypeDefinition } from '../field-type-definition.js';
import { num, ORDERED, stored, toInteger } from './shared.js';

/** A whole number within the safe-integer range. */
export const integer: FieldTypeDefinition = stored('integer', {
  label: { 'zh-CN': '整数', en: 'Integer' },
  group: 'number',
  value: 'integer',
  operators: ORDERED,
  ordered: true,
  numeric: true,
  groupable: false,
  storage: 'as_is',
  importAs: 'convert',
  valueSchema: (f) => ({ type: 'integer', minimum: num(f.min, Number.MIN_SAFE_INTEGER), maximum: num(f.max, Number.MAX_SAFE_INTEGER) }),
  readSchema: () => ({ type: 'integer' }),
  convert: toInteger,
  fromResult: (_f, value) => {
    const n = typeof value === 'number' ? value : Number(value);
    return Number.isSafeInteger(n) ? n : Number.isFinite(n) ? Math.round(n) : null;
  },
});
