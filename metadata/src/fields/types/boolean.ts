import { truthy } from '../../logic/evaluate.js';
import { converted, refused, type Conversion } from '../conversion.js';
import type { FieldTypeDefinition } from '../field-type-definition.js';
import { stored } from './shared.js';

const TRUE = new Set(['true', 'yes', 'y', '1', '是', '对']);
const FALSE = new Set(['false', 'no', 'n', '0', '否', '错']);
const YES_NO: Record<string, [string, string]> = { 'zh-CN': ['是', '否'], en: ['Yes', 'No'] };

function toBoolean(value: unknown): Conversion {
  if (typeof value === 'boolean') return converted(value);
  const text = String(value).trim().toLowerCase();
  if (TRUE.has(text)) return converted(true);
  if (FALSE.has(text)) return converted(false);
  return refused('BAD_FORMAT', { format: 'boolean' });
}

/** Yes or no; reads yes/no/true/false/1/0/是/否 from text. */
export const boolean: FieldTypeDefinition = stored('boolean', {
  label: { 'zh-CN': '是/否', en: 'Yes/No' },
  group: 'choice',
  value: 'boolean',
  operators: ['eq', 'ne', 'isEmpty', 'isNotEmpty'],
  ordered: false,
  numeric: false,
  groupable: true,
  storage: 'as_is',
  importAs: 'convert',
  valueSchema: () => ({ type: 'boolean' }),
  convert: toBoolean,
  fromResult: (_f, value) => truthy(value),
  exportText: (_f, value, _record, lang) => YES_NO[lang]![value === true ? 0 : 1],
});
