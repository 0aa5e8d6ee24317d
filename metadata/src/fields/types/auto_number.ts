import type { FieldTypeDefinition } from '../field-type-definition.js';
import { settingsOf, TEXT } from './shared.js';

/** A number given at creation from an atomic counter that never repeats, e.g. Q-202611-00042. */
export const autoNumber: FieldTypeDefinition = {
  type: 'auto_number',
  label: { 'zh-CN': '自动编号', en: 'Auto number' },
  group: 'computed',
  value: 'string',
  operators: TEXT,
  computed: true,
  ordered: true,
  numeric: false,
  groupable: false,
  compute: 'sequence',
  alwaysUnique: true,
  storage: 'as_is',
  settingsSchema: settingsOf('auto_number'),
  valueSchema: () => ({ type: 'string' }),
  readSchema: () => ({ type: 'string' }),
};
