import type { FieldTypeDefinition } from '../field-type-definition.js';
import { DATES, stored, toDate } from './shared.js';

/** A calendar date: YYYY-MM-DD in the API, a Date at 00:00 UTC in storage. */
export const date: FieldTypeDefinition = stored('date', {
  label: { 'zh-CN': '日期', en: 'Date' },
  group: 'date',
  value: 'date',
  operators: DATES,
  ordered: true,
  numeric: false,
  groupable: true,
  storage: 'date',
  importAs: 'convert',
  apiFormat: 'date',
  valueSchema: () => ({ type: 'string', format: 'date' }),
  readSchema: () => ({ type: 'string', format: 'date' }),
  convert: toDate,
  fromResult: (_f, value) => (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value) ? value.slice(0, 10) : null),
});
