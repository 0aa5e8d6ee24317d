import type { FieldTypeDefinition } from '../field-type-definition.js';
import { DATES, stored, toDateTime } from './shared.js';

/** A point in time: ISO 8601 in the API, a Date (UTC) in storage. */
export const datetime: FieldTypeDefinition = stored('datetime', {
  label: { 'zh-CN': '日期时间', en: 'Date and time' },
  group: 'date',
  value: 'datetime',
  operators: DATES,
  ordered: true,
  numeric: false,
  groupable: true,
  storage: 'datetime',
  importAs: 'convert',
  apiFormat: 'date-time',
  valueSchema: () => ({ type: 'string', format: 'date-time' }),
  readSchema: () => ({ type: 'string', format: 'date-time' }),
  convert: toDateTime,
  fromResult: (_f, value) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? new Date(value).toISOString() : null),
});
