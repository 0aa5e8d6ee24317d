import type { FieldTypeDefinition } from '../field-type-definition.js';
import { EQUALITY, optionKeys, optionLabel, retiredChoices, stored, toOption } from './shared.js';

/** One option from a list: its key in the API, its label in exports. */
export const singleSelect: FieldTypeDefinition = stored('single_select', {
  label: { 'zh-CN': '单选', en: 'Single select' },
  group: 'choice',
  value: 'string',
  operators: EQUALITY,
  ordered: true,
  numeric: false,
  groupable: true,
  options: true,
  storage: 'as_is',
  importAs: 'convert',
  valueSchema: (f) => ({ type: 'string', enum: optionKeys(f) }),
  readSchema: (f) => ({ type: 'string', enum: optionKeys(f) }),
  convert: (value, to) => toOption(Array.isArray(value) && value.length === 1 ? value[0] : value, to),
  checkValue: retiredChoices,
  exportText: (f, value, _record, lang) => optionLabel(f, value, lang),
});
